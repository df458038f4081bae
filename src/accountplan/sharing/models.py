"""Sharing a plan with the customer: what is shared, what was published, who holds a link,
what they did with it.

Nothing here changes how plans are stored: the sharing config is one row per plan keyed by
section and item id; a customer's edit of an action is an ordinary section revision (author
empty) tied to the recipient through ``CustomerEdit``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from accountplan.book.models import Contact
from accountplan.plans.models import AccountPlan, PlanRevision


class PlanSharing(models.Model):
    """A plan's sharing config: shared sections, shared items, goal amounts, customer owners
    (the JSON of ``rules.SharingConfig``). No row: everything is internal."""

    plan = models.OneToOneField(AccountPlan, on_delete=models.CASCADE, related_name="sharing")
    config = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Sharing of {self.plan_id}"


class SharedRevision(models.Model):
    """A published shared view: frozen JSON of exactly what the customer may see."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="shared_revisions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="shared_revision_unique")
        ]

    def __str__(self) -> str:
        return f"Shared view {self.number} of plan {self.plan_id}"


class ShareLink(models.Model):
    """A link for one named recipient. Only the token's sha256 is stored."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="share_links")
    name = models.CharField(max_length=200, blank=True, help_text="The recipient's name.")
    email = models.EmailField()
    #: The recipient as a contact of the account, when known (the customer's side of actions,
    #: and the identity later features — expectations, scorecards — attach to).
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="share_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    #: Sections this link shows (empty: every published section).
    sections = models.JSONField(default=list, blank=True)
    expires_at = models.DateTimeField()
    require_code = models.BooleanField(default=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_access_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Link {self.pk} for {self.recipient}"

    @property
    def recipient(self) -> str:
        """How the recipient is named in the plan: name and email."""
        return f"{self.name} <{self.email}>" if self.name else self.email

    def is_active(self, now: object | None = None) -> bool:
        """Not revoked and not expired."""
        moment = now or timezone.now()
        return self.revoked_at is None and self.expires_at > moment  # type: ignore[operator]


class ShareAccess(models.Model):
    """One access through a link: when, which page, which recipient."""

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="accesses")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    page = models.CharField(max_length=40)
    address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.link_id} {self.page} at {self.at:%Y-%m-%d %H:%M}"


class ShareCode(models.Model):
    """A one-time code sent by email; only its hash is kept, and it is good once."""

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Code for link {self.link_id}"


class ShareMiss(models.Model):
    """A request with an unknown, expired or revoked token (rate limiting per address)."""

    address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.address} at {self.at}"


class Comment(models.Model):
    """A comment on a shared item: by a recipient (``link``) or by our team (``author``)."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="share_comments")
    section = models.CharField(max_length=32)
    item_id = models.CharField(max_length=64)
    body = models.TextField(max_length=4000)
    link = models.ForeignKey(
        ShareLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: Who wrote it, as shown (kept if the link or user goes away).
    author_label = models.CharField(max_length=300)
    from_customer = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["plan", "section", "item_id"])]

    def __str__(self) -> str:
        return f"{self.author_label} on {self.section}/{self.item_id}"


class CustomerEdit(models.Model):
    """A plan revision written by a recipient through their link (the history's author)."""

    revision = models.OneToOneField(
        PlanRevision, on_delete=models.CASCADE, related_name="customer_edit"
    )
    link = models.ForeignKey(ShareLink, null=True, on_delete=models.SET_NULL, related_name="edits")
    recipient = models.CharField(max_length=300)
    what = models.CharField(max_length=500)

    def __str__(self) -> str:
        return f"{self.recipient}: {self.what}"

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


# --- Joint expectations and the customer scorecard (issue 12 point 4, second half) -------------


class Side(models.TextChoices):
    CUSTOMER = "customer", "The customer"
    US = "us", "Our team"


class Alignment(models.TextChoices):
    ALIGNED = "aligned", "Aligned"
    PARTLY = "partly", "Partly aligned"
    MISALIGNED = "misaligned", "Misaligned"


class ExpectationRound(models.Model):
    """One joint expectation session of a plan: each side writes its expectations apart; they
    are shown to both once both are in (or the owner opens them), then reviewed side by side."""

    plan = models.ForeignKey(
        AccountPlan, on_delete=models.CASCADE, related_name="expectation_rounds"
    )
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    #: When each side handed its expectations in (drafts until then).
    customer_in_at = models.DateTimeField(null=True, blank=True)
    customer_link = models.ForeignKey(
        ShareLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer_label = models.CharField(max_length=300, blank=True)
    us_in_at = models.DateTimeField(null=True, blank=True)
    us_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: The owner showed both sides before both were in.
    opened_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="expectation_round_unique")
        ]

    def __str__(self) -> str:
        return f"Expectation session {self.number} of plan {self.plan_id}"

    @property
    def revealed(self) -> bool:
        """Both sides see both lists: both are in, or the owner opened them."""
        both = self.customer_in_at is not None and self.us_in_at is not None
        return both or self.opened_at is not None


class Expectation(models.Model):
    """One expectation of the relationship, written by one side."""

    round = models.ForeignKey(
        ExpectationRound, on_delete=models.CASCADE, related_name="expectations"
    )
    side = models.CharField(max_length=10, choices=Side.choices)
    position = models.PositiveSmallIntegerField(default=0)
    body = models.TextField(max_length=2000)
    author_label = models.CharField(max_length=300)
    link = models.ForeignKey(
        ShareLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round", "side", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.get_side_display()}: {self.body[:40]}"


class ExpectationPair(models.Model):
    """A row of the side-by-side review: the customer's expectation, ours, how well they align,
    and the action both agreed (copied into the plan's action plan as ``action_id``)."""

    round = models.ForeignKey(ExpectationRound, on_delete=models.CASCADE, related_name="pairs")
    position = models.PositiveSmallIntegerField(default=0)
    theirs = models.ForeignKey(
        Expectation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    ours = models.ForeignKey(
        Expectation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    alignment = models.CharField(max_length=12, choices=Alignment.choices)
    agreed_action = models.CharField(max_length=300, blank=True)
    action_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["round", "position", "pk"]

    def __str__(self) -> str:
        return f"Pair {self.position} of {self.round_id}: {self.alignment}"


class ScorecardMetric(models.Model):
    """A metric the customer judges us on, with its weight (retired ones keep their scores)."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="score_metrics")
    name = models.CharField(max_length=120)
    weight = models.DecimalField(max_digits=5, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)
    #: The key of the suggested metric it came from ("" for the customer's own).
    suggested = models.CharField(max_length=40, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight})"


class ScorecardRound(models.Model):
    """The customer's scores of one period (a quarter, ``2026-Q2``) through a link."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="score_rounds")
    period = models.CharField(max_length=7)
    link = models.ForeignKey(
        ShareLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient = models.CharField(max_length=300)
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "period"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "period"], name="score_round_unique")
        ]

    def __str__(self) -> str:
        return f"Scorecard {self.period} of plan {self.plan_id}"


class ScorecardScore(models.Model):
    """One metric's score of a period: 1–5, or None for N/A; name and weight as they were."""

    round = models.ForeignKey(ScorecardRound, on_delete=models.CASCADE, related_name="scores")
    metric = models.ForeignKey(
        ScorecardMetric, null=True, on_delete=models.SET_NULL, related_name="scores"
    )
    name = models.CharField(max_length=120)
    weight = models.DecimalField(max_digits=5, decimal_places=2)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["round", "pk"]

    def __str__(self) -> str:
        return f"{self.name}: {self.score if self.score is not None else 'N/A'}"

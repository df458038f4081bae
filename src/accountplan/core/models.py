"""Users and their roles. Every other model is scoped through ``for_user`` with these roles."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    """What a user does in the sales organisation; it decides what they may see and change."""

    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Sales manager"
    ACCOUNT_EXECUTIVE = "ae", "Account executive"
    MARKETING = "marketing", "Marketing"
    VIEWER = "viewer", "Viewer"


#: Roles that see the whole book of business (leaders, marketing, read-only observers).
BOOK_WIDE_ROLES = frozenset({Role.ADMIN, Role.MANAGER, Role.MARKETING, Role.VIEWER})
#: Roles that may change the book: imports, admin edits.
BOOK_EDIT_ROLES = frozenset({Role.ADMIN, Role.MANAGER})


class User(AbstractUser):
    """A person who signs in: an account executive, a manager, marketing, ops or a viewer."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ACCOUNT_EXECUTIVE)
    title = models.CharField(max_length=120, blank=True)
    territory = models.CharField(
        max_length=120, blank=True, help_text="Region or territory the user covers."
    )
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    external_id = models.CharField(max_length=120, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def sees_whole_book(self) -> bool:
        """Leaders, marketing and viewers see every account; AEs see their own and their team's."""
        return self.is_superuser or self.role in BOOK_WIDE_ROLES

    @property
    def can_edit_book(self) -> bool:
        """Admins and managers import data and change the book."""
        return self.is_superuser or self.role in BOOK_EDIT_ROLES


class ApiToken(models.Model):
    """A bearer token for scripts calling the JSON API on behalf of one user.

    Only the sha256 of the token is stored: the token itself is shown once, when it is created.
    ``prefix`` (the first characters) lets people tell their tokens apart in lists.
    """

    user = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(
        max_length=120, help_text="What the token is for, e.g. 'nightly export'."
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=16, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)
    expires = models.DateTimeField(
        null=True, blank=True, help_text="The token stops working at this time; blank: never."
    )

    class Meta:
        ordering = ["user", "-created"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) for {self.user}"

    def is_expired(self, now: datetime | None = None) -> bool:
        """True once the expiry time has passed."""
        return self.expires is not None and self.expires <= (now or timezone.now())


class LoginFailure(models.Model):
    """A failed sign-in: who was tried, from where, when (``core.throttle`` counts them)."""

    username = models.CharField(max_length=150, help_text="As typed, lower-cased.")
    address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["username", "at"]),
            models.Index(fields=["address", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.address or 'unknown'} at {self.at:%Y-%m-%d %H:%M}"

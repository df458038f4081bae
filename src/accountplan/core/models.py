"""Users and their roles. Every other model is scoped through ``for_user`` with these roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


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

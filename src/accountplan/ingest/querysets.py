"""Reads of import runs, scoped to the user."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from accountplan.core.models import User


class ImportRunQuerySet(models.QuerySet[Any]):
    """Import runs, scoped."""

    def for_user(self, user: User) -> ImportRunQuerySet:
        """Managers, admins and whole-book roles see every run; others only their own."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.can_edit_book or user.sees_whole_book:
            return self.all()
        return self.filter(user=user)


class SavedMappingQuerySet(models.QuerySet[Any]):
    """Saved column mappings, scoped."""

    def for_user(self, user: User) -> SavedMappingQuerySet:
        """The people who may import (managers, admins) share the book's saved mappings."""
        if not user.is_authenticated or not user.is_active or not user.can_edit_book:
            return self.none()
        return self.all()

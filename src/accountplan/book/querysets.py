"""Reads of the book, always starting from ``for_user`` so nobody sees what they may not."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from accountplan.core.models import User


def visible_account_filter(user: User, prefix: str = "") -> Q:
    """The Q that keeps only accounts ``user`` may see; ``prefix`` reaches them through a relation.

    Leaders, marketing and viewers see the whole book. An account executive sees the accounts
    they own or sit on the team of. Anyone else (inactive, anonymous) sees nothing.
    """
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.sees_whole_book:
        return Q()
    return Q(**{f"{prefix}owner": user}) | Q(**{f"{prefix}team__user": user})


class AccountQuerySet(models.QuerySet[Any]):
    """Accounts, scoped."""

    def for_user(self, user: User) -> AccountQuerySet:
        """Accounts ``user`` may see."""
        flt = visible_account_filter(user)
        if not flt:
            return self.all() if user.is_authenticated and user.is_active else self.none()
        # A teammate row per function would repeat the account: select the ids first.
        return self.filter(pk__in=self.model.objects.filter(flt).values("pk"))


class AccountScopedQuerySet(models.QuerySet[Any]):
    """Rows that belong to an account, scoped through it."""

    def for_user(self, user: User) -> AccountScopedQuerySet:
        """Rows whose account ``user`` may see."""
        from accountplan.book.models import Account

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_whole_book:
            return self.all()
        return self.filter(account__in=Account.objects.for_user(user).values("pk"))


class ProductQuerySet(models.QuerySet[Any]):
    """Products are the catalogue: every signed-in user may read them."""

    def for_user(self, user: User) -> ProductQuerySet:
        """All products for an active user, none otherwise."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.all()

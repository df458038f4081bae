"""Reads of plans, always scoped through the account: who may see the account may see its plans."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from accountplan.book.models import Account
    from accountplan.core.models import User
    from accountplan.plans.models import AccountPlan


class AccountPlanQuerySet(models.QuerySet[Any]):
    """Plans, scoped by their account."""

    def for_user(self, user: User) -> AccountPlanQuerySet:
        """Plans of the accounts ``user`` may see."""
        from accountplan.book.models import Account

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_whole_book:
            return self.all()
        return self.filter(account__in=Account.objects.for_user(user).values("pk"))


class PlanScopedQuerySet(models.QuerySet[Any]):
    """Rows that belong to a plan (sections, revisions, members), scoped through its account."""

    def for_user(self, user: User) -> PlanScopedQuerySet:
        """Rows of the plans ``user`` may see."""
        from accountplan.book.models import Account

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_whole_book:
            return self.all()
        return self.filter(plan__account__in=Account.objects.for_user(user).values("pk"))


def may_write_plans(user: User) -> bool:
    """Whether ``user``'s role writes plans at all: a Viewer reads only, whatever team, plan
    membership or ownership they hold (a role means the same on every page and endpoint)."""
    from accountplan.core.models import Role

    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or user.role != Role.VIEWER)


def can_edit_account_plans(user: User, account: Account) -> bool:
    """Whether ``user`` may write plans of ``account``: managers and admins, its owner, its team."""
    from accountplan.book.models import AccountTeamMember

    if not may_write_plans(user):
        return False
    if user.can_edit_book or account.owner_id == user.pk:
        return True
    return AccountTeamMember.objects.filter(account_id=account.pk, user_id=user.pk).exists()


def can_edit(user: User, plan: AccountPlan) -> bool:
    """Whether ``user`` may change ``plan``.

    Managers and admins edit every plan; the account's owner, its account team, the plan's owner
    and the plan's own members edit it, unless their role is Viewer. Everyone else who may see
    the account only reads it (and whoever may not see the account gets a 404 before this
    question is asked).
    """
    if not may_write_plans(user):
        return False
    if plan.owner_id == user.pk or can_edit_account_plans(user, plan.account):
        return True
    return plan.pk is not None and plan.memberships.filter(user_id=user.pk).exists()

"""Writes of the plan itself, apart from its sections: create a plan, change its period, status
or owner. Each runs in one transaction and records a ``plan`` revision holding the plan's fields.

Also the checks every plan write shares: who may edit a plan (``require_edit``) or write one for
an account, who may own it, what a period may look like. ``services`` (section saves) and
``cloning`` build on them; ``services`` re-exports ``create_plan`` and ``update_plan``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accountplan.book.models import Account
from accountplan.core.errors import Conflict, DomainError, Forbidden, NotFound
from accountplan.core.models import User
from accountplan.plans.models import AccountPlan, PlanRevision, PlanStatus, validate_period
from accountplan.plans.querysets import can_edit, can_edit_account_plans, may_write_plans
from accountplan.plans.section_choices import PLAN_KEY

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def require_edit(user: User | AnonymousUser, plan: AccountPlan) -> None:
    """Raise ``Forbidden`` unless ``user`` may change ``plan`` (see ``querysets.can_edit``)."""
    if not isinstance(user, User) or not can_edit(user, plan):
        raise Forbidden(
            "You may read this plan but not change it: only the account's owner and team, the "
            "plan's owner and members, managers and admins edit plans."
        )


def _check_account_editor(user: User, account: Account) -> None:
    if not Account.objects.for_user(user).filter(pk=account.pk).exists():
        raise NotFound(f"Account {account.pk} not found.")
    if not can_edit_account_plans(user, account):
        raise Forbidden(
            f"You may read {account.name}'s plans but not write one: only the account's owner "
            "and team, managers and admins do."
        )


def _check_owner(owner: User | None, account: Account) -> None:
    if owner is None:
        return
    if not may_write_plans(owner) or (
        not Account.objects.for_user(owner).filter(pk=account.pk).exists()
    ):
        raise DomainError(
            f"{owner} cannot own this plan: the owner must be an active user who can see "
            f"{account.name} (its owner, a team member, or a manager) and whose role writes "
            "plans (a Viewer only reads)."
        )


def _check_period(period: str) -> str:
    period = (period or "").strip()
    try:
        validate_period(period)
    except ValidationError as exc:
        raise DomainError(exc.messages[0]) from None
    return period


def _next_plan_version(plan: AccountPlan) -> int:
    top = PlanRevision.objects.filter(plan=plan, key=PLAN_KEY).aggregate(v=Max("version"))["v"]
    return (top or 0) + 1


def plan_fields(plan: AccountPlan) -> dict[str, Any]:
    """The plan-level fields a ``plan`` revision records."""
    return {"period": plan.period, "status": plan.status, "owner_id": plan.owner_id}


def _record_plan(
    plan: AccountPlan, user: User | None, summary: str, restored_from: PlanRevision | None = None
) -> PlanRevision:
    return PlanRevision.objects.create(
        plan=plan,
        key=PLAN_KEY,
        version=_next_plan_version(plan),
        data=plan_fields(plan),
        author=user,
        summary=summary[:500],
        restored_from=restored_from,
    )


def create_plan(
    account: Account,
    period: str,
    user: User,
    *,
    owner: User | None = None,
    status: str = PlanStatus.DRAFT,
) -> AccountPlan:
    """A new, empty plan of ``account`` for ``period`` (owner defaults to ``user``).

    Only who may edit the account's plans creates one; one plan per account and period.
    """
    _check_account_editor(user, account)
    period = _check_period(period)
    owner = owner or user
    _check_owner(owner, account)
    if status not in PlanStatus.values:
        raise DomainError(f"Unknown status {status!r}; use one of {', '.join(PlanStatus.values)}.")
    existing = AccountPlan.objects.filter(account=account, period=period).first()
    if existing is not None:
        raise Conflict(f"{account.name} already has a plan for {period} (plan {existing.pk}).")
    try:
        with transaction.atomic():
            plan = AccountPlan.objects.create(
                account=account, period=period, owner=owner, status=status
            )
            _record_plan(plan, user, f"created the {period} plan")
    except IntegrityError:
        raise Conflict(f"{account.name} already has a plan for {period}.") from None
    return plan


def update_plan(
    plan: AccountPlan,
    user: User,
    *,
    period: str | None = None,
    status: str | None = None,
    owner: User | None = None,
) -> AccountPlan:
    """Change the plan's period, status or owner (given ones only), recording a revision."""
    require_edit(user, plan)
    changes: list[str] = []
    with transaction.atomic():
        locked = AccountPlan.objects.select_for_update().get(pk=plan.pk)
        if period is not None and period.strip() != locked.period:
            new_period = _check_period(period)
            clash = AccountPlan.objects.filter(account_id=locked.account_id, period=new_period)
            if clash.exclude(pk=locked.pk).exists():
                raise Conflict(f"{locked.account.name} already has a plan for {new_period}.")
            changes.append(f"period {locked.period} → {new_period}")
            locked.period = new_period
        if status is not None and status != locked.status:
            if status not in PlanStatus.values:
                raise DomainError(
                    f"Unknown status {status!r}; use one of {', '.join(PlanStatus.values)}."
                )
            before, after = PlanStatus(locked.status).label, PlanStatus(status).label
            changes.append(f"status {before.lower()} → {after.lower()}")
            locked.status = status
        if owner is not None and owner.pk != locked.owner_id:
            _check_owner(owner, locked.account)
            changes.append(f"owner {locked.owner or 'none'} → {owner}")
            locked.owner = owner
        if not changes:
            return locked
        locked.updated_at = timezone.now()
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError:
            # Another request took the period between the check above and this write.
            raise Conflict(
                f"{locked.account.name} already has a plan for {locked.period}."
            ) from None
        _record_plan(locked, user, "changed " + ", ".join(changes))
    return locked

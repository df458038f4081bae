"""Clone a plan into the next period, carrying over what still holds.

What is carried (``carry`` is pure; ``clone_plan`` writes):

- company overview, profile and position, customer goals, needs, relationships: as they are;
- goals: the objective text and strategy, and every goal-build component marked
  ``carried_over`` with its linked deals cleared (they counted in the old period); the
  objective amount is left blank (a new period needs a new number);
- actions: those not done, marked ``carried_over``;
- team support: the commitments, and the dependencies not resolved;
- dashboard: the milestones not done (adjustments belong to the old period);
- prospecting: the inputs, with the current revenue refreshed from the analytics and the
  period's dates cleared (they are drawn again from the new period's name).

Item ids are kept, so an item can be followed from one period's plan to the next.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accountplan.core.errors import Conflict
from accountplan.core.models import User
from accountplan.plans.models import AccountPlan, PlanRevision, PlanSection, PlanStatus
from accountplan.plans.plan_writes import (
    _check_account_editor,
    _check_period,
    _record_plan,
    require_edit,
)
from accountplan.plans.sections import SectionKey, empty_section, validate_section
from accountplan.plans.selectors import current_score
from accountplan.plans.services import sections_of

#: Sections copied unchanged.
AS_IS = {
    SectionKey.COMPANY_OVERVIEW,
    SectionKey.PROFILE_POSITION,
    SectionKey.CUSTOMER_GOALS,
    SectionKey.NEEDS,
    SectionKey.RELATIONSHIPS,
}


def carry(key: str, data: dict[str, Any], current_revenue: Decimal | None) -> dict[str, Any]:
    """What of a section's ``data`` carries into the next period (see the module's rules)."""
    out = copy.deepcopy(data)
    if key in AS_IS:
        return out
    if key == SectionKey.GOALS:
        out["objective_amount"] = None
        for c in out.get("components", []):
            c["carried_over"] = True
            # Deals linked in the old period counted there; the new period links its own.
            c["opportunity_ids"] = []
    elif key == SectionKey.ACTIONS:
        out["actions"] = [
            {**a, "carried_over": True} for a in out.get("actions", []) if a["status"] != "done"
        ]
    elif key == SectionKey.TEAM_SUPPORT:
        out["dependencies"] = [
            d for d in out.get("dependencies", []) if d.get("status") != "resolved"
        ]
    elif key == SectionKey.DASHBOARD:
        out["milestones"] = [m for m in out.get("milestones", []) if m.get("status") != "done"]
        out["adjustments"] = []
    elif key == SectionKey.PROSPECTING:
        inputs = out.setdefault("inputs", {})
        inputs["current_revenue"] = None if current_revenue is None else str(current_revenue)
        inputs["period_start"] = None
        inputs["period_end"] = None
    return out


def clone_plan(plan: AccountPlan, new_period: str, user: User) -> AccountPlan:
    """A new draft plan of the same account for ``new_period``, carrying over what still holds.

    Each carried section starts at version 1 with a revision "carried over from <period>"; the
    plan's own history starts with "cloned from <period>".
    """
    require_edit(user, plan)
    _check_account_editor(user, plan.account)
    period = _check_period(new_period)
    if AccountPlan.objects.filter(account_id=plan.account_id, period=period).exists():
        raise Conflict(f"{plan.account.name} already has a plan for {period}.")
    score = current_score(plan.account)
    revenue = Decimal(str(score.current_revenue)).quantize(Decimal("0.01")) if score else None
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                new = AccountPlan.objects.create(
                    account=plan.account,
                    period=period,
                    owner=plan.owner or user,
                    status=PlanStatus.DRAFT,
                    cloned_from=plan,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            # Another request took the period between the check above and this write.
            raise Conflict(f"{plan.account.name} already has a plan for {period}.") from None
        for membership in plan.memberships.all():
            new.memberships.create(user=membership.user, function=membership.function)
        for key, section in sections_of(plan).items():
            data = validate_section(key, carry(key, section.data, revenue))
            if data == empty_section(key):
                continue
            PlanSection.objects.create(
                plan=new, key=key, data=data, version=1, updated_by=user, updated_at=now
            )
            PlanRevision.objects.create(
                plan=new,
                key=key,
                version=1,
                data=data,
                author=user,
                created_at=now,
                summary=f"carried over from {plan.period}",
            )
        _record_plan(new, user, f"cloned from {plan.period} (plan {plan.pk})")
    return new

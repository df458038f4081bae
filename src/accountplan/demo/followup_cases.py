"""Follow-up cases of the demo book: micro-plans of its lost deals (some due), reviews of a few
plans (two each, so they compare), and targets for the plans' period (issue 11)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from accountplan.core.models import Role, User
from accountplan.followup.models import LostDealPlan, MicroPlanStatus, Target
from accountplan.followup.number import the_number
from accountplan.followup.services import create_micro_plans, create_review
from accountplan.plans.models import AccountPlan, PlanStatus

REVIEWED_PLANS = 6


def write_followup_cases(as_of: dt.date | None = None) -> dict[str, int]:
    """Write the cases; answers how many of each were written."""
    today = as_of or dt.date.today()
    micro = create_micro_plans(today)
    # Deals lost more than a year ago are history: dropped, so the homes show the recent ones.
    LostDealPlan.objects.filter(lost_on__lt=today - dt.timedelta(days=365)).update(
        status=MicroPlanStatus.DROPPED
    )
    manager = User.objects.filter(role=Role.MANAGER, is_active=True).order_by("pk").first()
    reviews = 0
    plans = AccountPlan.objects.filter(status=PlanStatus.ACTIVE).select_related("account")
    for plan in plans.order_by("pk")[:REVIEWED_PLANS]:
        reviewer = plan.owner or manager
        if reviewer is None or plan.reviews.exists():
            continue
        for days, said in ((200, "Goal build behind pace"), (100, "Decision maker not mapped")):
            create_review(
                plan, reviewer, reviewed_on=today - dt.timedelta(days=days), findings=[said],
                recalibrations="Re-prioritised the goal build.",
            )  # fmt: skip
            reviews += 1
    targets = 0
    admin = User(username="demo", role=Role.ADMIN, is_superuser=True, is_active=True)
    for period in set(plans.values_list("period", flat=True)):
        for row in the_number(admin, period):
            if row.kind == "territory":
                continue
            amount = (row.planned * Decimal("1.1")).quantize(Decimal("1000"))
            owner_id = int(row.key) if row.kind == "owner" and row.key else None
            if row.kind == "owner" and owner_id is None:
                continue
            Target.objects.update_or_create(
                period=period, owner_id=owner_id, territory="", defaults={"amount": amount}
            )
            targets += 1
    return {"micro_plans": micro, "reviews": reviews, "targets": targets}

"""Follow-up cases of the demo book: micro-plans of its lost deals (some due), reviews of a few
plans (two each, so they compare), and targets for the plans' period (issue 11)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Case, Value, When

from accountplan.core.models import Role, User
from accountplan.demo.generator import DEMO_AE
from accountplan.followup.models import LostDealPlan, MicroPlanStatus, Target
from accountplan.followup.number import the_number
from accountplan.followup.services import create_micro_plans, create_review
from accountplan.plans.models import AccountPlan, PlanStatus

REVIEWED_PLANS = 6
#: The news signal written on one watching micro-plan whose date has not come (a fired condition).
NEWS = "The competitor announced a price rise of 15 % for next year"


def _reengagement_cases(today: dt.date) -> None:
    """Make sure both kinds of re-engagement are there: a micro-plan whose date came on the
    demo AE's accounts, and one whose date is ahead but a condition (a news signal) fired."""
    watching = LostDealPlan.objects.filter(status=MicroPlanStatus.WATCHING)
    ae = User.objects.filter(username=DEMO_AE).first()
    if ae is not None:
        theirs = watching.filter(account__owner=ae)
        if not theirs.filter(reengage_on__lte=today).exists():
            first = theirs.order_by("-lost_on", "pk").first()
            if first is not None:
                LostDealPlan.objects.filter(pk=first.pk).update(reengage_on=today)
    if not watching.exclude(news_signal="").exists():
        ahead = watching.filter(reengage_on__gt=today).order_by("reengage_on", "pk").first()
        if ahead is not None:
            LostDealPlan.objects.filter(pk=ahead.pk).update(news_signal=NEWS)


def write_followup_cases(as_of: dt.date | None = None) -> dict[str, int]:
    """Write the cases; answers how many of each were written."""
    today = as_of or dt.date.today()
    micro = create_micro_plans(today)
    # Deals lost more than a year ago are history: dropped, so the homes show the recent ones.
    LostDealPlan.objects.filter(lost_on__lt=today - dt.timedelta(days=365)).update(
        status=MicroPlanStatus.DROPPED
    )
    _reengagement_cases(today)
    manager = User.objects.filter(role=Role.MANAGER, is_active=True).order_by("pk").first()
    reviews = 0
    plans = AccountPlan.objects.filter(status=PlanStatus.ACTIVE).select_related("account")
    # The demo AE's plans first, so their home has reviews due too. The last reviewed plan was
    # reviewed 80 days ago (a quarterly review due within two weeks: amber); the others 100
    # days ago (overdue: red), see followup/rules.py.
    ae = User.objects.filter(username=DEMO_AE).first()
    mine = Case(When(owner=ae, then=0), default=1) if ae else Value(1)
    picked = list(plans.order_by(mine, "pk")[:REVIEWED_PLANS])
    for n, plan in enumerate(picked):
        reviewer = plan.owner or manager
        if reviewer is None or plan.reviews.exists():
            continue
        last = 80 if n == len(picked) - 1 else 100
        for days, said in (
            (last + 100, "Goal build behind pace"),
            (last, "Decision maker not mapped"),
        ):
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

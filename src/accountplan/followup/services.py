"""Writes of the follow-up: micro-plans of lost deals (in bulk), re-engaging, reviews, targets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from accountplan.book.choices import OpportunityStatus, OpportunityType
from accountplan.book.models import Contact, Opportunity
from accountplan.core.errors import Forbidden
from accountplan.followup.micro_insert import insert_micro_plans
from accountplan.followup.models import LostDealPlan, MicroPlanStatus, Review
from accountplan.followup.snapshots import micro_plan_fields
from accountplan.plans import performance as perf
from accountplan.plans.completeness import completeness
from accountplan.plans.models import AccountPlan, PlanRevision
from accountplan.plans.page_data import prospecting_view
from accountplan.plans.querysets import can_edit
from accountplan.plans.sections import SectionKey
from accountplan.plans.services import section_of, sections_of
from accountplan.portfolio.models import AccountScore, Snapshot

if TYPE_CHECKING:
    from accountplan.core.models import User

BATCH = 1000


def _scores(snapshot: Snapshot | None, account_ids: set[int]) -> dict[int, dict[str, Any]]:
    if snapshot is None or not account_ids:
        return {}
    rows = AccountScore.objects.filter(snapshot=snapshot, account_id__in=account_ids).values(
        "account_id", "current_revenue", "growth", "whitespace_value", "play", "tier", "snapshot_id"
    )
    return {r["account_id"]: dict(r) for r in rows}


def create_micro_plans(today: dt.date | None = None) -> int:
    """A micro-plan for every lost deal without one, in batches: one read of the deals, one of
    their accounts' scores in the newest finished snapshot, one of the newest contact ids and one
    insert per batch, whatever wrote the deals (import, streamed import, app, API).
    Answers how many were created."""
    today = today or dt.date.today()
    months = int(getattr(settings, "FOLLOWUP_REENGAGE_MONTHS", 6))
    snapshot = Snapshot.objects.current()
    created = 0
    last_pk = 0
    while True:
        opps = list(
            Opportunity.objects.filter(
                status=OpportunityStatus.LOST, micro_plan__isnull=True, pk__gt=last_pk
            )
            .order_by("pk")
            .values(
                "pk", "account_id", "owner_id", "close_date", "amount", "product__name",
                "competitor", "loss_reason",
            )[:BATCH]
        )  # fmt: skip
        if not opps:
            return created
        last_pk = opps[-1]["pk"]
        accounts = {o["account_id"] for o in opps}
        scores = _scores(snapshot, accounts)
        newest = dict(
            Contact.objects.filter(account_id__in=accounts)
            .values("account_id")
            .annotate(m=Max("pk"))
            .values_list("account_id", "m")
        )
        rows = [
            {
                **micro_plan_fields(dict(o), scores.get(o["account_id"]), today, months),
                "last_contact_id": newest.get(o["account_id"]) or 0,
            }
            for o in opps
        ]
        insert_micro_plans(rows)
        created += len(rows)


def reengage(micro: LostDealPlan, user: User, today: dt.date | None = None) -> Opportunity:
    """Open a win-back deal linked to the lost one, and mark the micro-plan re-engaged."""
    from accountplan.followup.selectors import may_act_on_account

    if not may_act_on_account(user, micro.account_id):
        raise Forbidden("You may not change this account.")
    if micro.status == MicroPlanStatus.REENGAGED and micro.winback_id:
        return micro.winback  # type: ignore[return-value]
    lost = micro.opportunity
    with transaction.atomic():
        win = Opportunity.objects.create(
            account_id=lost.account_id,
            buying_center_id=lost.buying_center_id,
            product_id=lost.product_id,
            name=f"Win-back: {lost.name or lost.pk}"[:255],
            type=OpportunityType.WIN_BACK,
            stage="Win-back",
            status=OpportunityStatus.OPEN,
            amount=lost.amount,
            created_date=today or dt.date.today(),
            owner=lost.owner or user,
            won_back_from=lost,
        )
        micro.status = MicroPlanStatus.REENGAGED
        micro.winback = win
        micro.save(update_fields=["status", "winback"])
    return win


def _m(value: Decimal | None) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def plan_figures(user: User, plan: AccountPlan, today: dt.date) -> dict[str, Any]:
    """The plan's figures now, exact (decimal strings): the account's revenue in the newest
    snapshot, won and open pipeline in the plan's period, the goal build and its progress, and
    completeness."""
    goals = section_of(plan, SectionKey.GOALS).data
    pros = prospecting_view(user, plan, section_of(plan, SectionKey.PROSPECTING).data, today, goals)
    components = goals.get("components", [])
    result = perf.performance(
        user, plan, components, [], (pros.period_start, pros.period_end), today
    )
    goal_build = sum((Decimal(str(c.get("amount") or 0)) for c in components), Decimal(0))
    pipeline = result.pipeline.total + sum(
        (d.amount for d in result.pipeline.unattributed), Decimal(0)
    )
    progress = (
        (result.won.total * 100 / goal_build).quantize(Decimal("0.01")) if goal_build else None
    )
    snap = Snapshot.objects.current()
    score = _scores(snap, {plan.account_id}).get(plan.account_id, {})
    sections = sections_of(plan)
    done = completeness({k: (s.data, s.updated_at) for k, s in sections.items() if s.pk}, today)
    return {
        "revenue": _m(score.get("current_revenue")),
        "won": _m(result.won_total),
        "pipeline": _m(pipeline),
        "goal_build": _m(goal_build),
        "goal_build_won": _m(result.won.total),
        "progress_pct": None if progress is None else str(progress),
        "completeness": str(done.percent),
    }


def create_review(
    plan: AccountPlan,
    user: User,
    *,
    reviewed_on: dt.date,
    findings: list[str],
    recalibrations: str = "",
    revision_ids: list[int] | None = None,
) -> Review:
    """Record a review with the plan's figures now; only who may edit the plan may review it."""
    if not can_edit(user, plan):
        raise Forbidden("You may not review this plan.")
    figures = plan_figures(user, plan, reviewed_on)
    review = Review.objects.create(
        plan=plan,
        reviewed_on=reviewed_on,
        reviewer=user,
        findings=[f.strip() for f in findings if f.strip()],
        figures=figures,
        recalibrations=recalibrations,
    )
    if revision_ids:
        review.revisions.set(PlanRevision.objects.filter(plan=plan, pk__in=revision_ids))
    return review

"""The plans list's rows: each plan with its completeness and its account's tier, read in two
queries for the page's plans (never for every plan in scope); and the completeness percent in
SQL, for the list's sort and filter on it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce

if TYPE_CHECKING:
    from accountplan.core.models import User
    from accountplan.plans.models import AccountPlan


def with_completeness[QS: QuerySet[Any]](plans: QS, today: dt.date) -> QS:
    """``plans`` annotated with ``completeness_pct``: the percent of ``completeness.completeness``
    summed in SQL from the sections' stored ``fill`` (a section older than ``STALE_DAYS`` counts
    half, a missing one nothing), by the same integer rule (``plan_percent``)."""
    from accountplan.plans.completeness import WHOLE_UNITS, stale_before
    from accountplan.plans.models import PlanSection

    units = (
        PlanSection.objects.filter(plan=OuterRef("pk"))
        .order_by()
        .values("plan")
        .annotate(
            t=Sum(
                Case(
                    When(updated_at__lt=stale_before(today), then=F("fill") / 2),
                    default=F("fill"),
                    output_field=IntegerField(),
                )
            )
        )
        .values("t")
    )
    total = Coalesce(Subquery(units, output_field=IntegerField()), 0)
    return plans.annotate(  # plan_percent, in SQL
        completeness_pct=ExpressionWrapper(
            (200 * total + WHOLE_UNITS) / (2 * WHOLE_UNITS), output_field=IntegerField()
        )
    )


def by_completeness[QS: QuerySet[Any]](
    plans: QS, below: int | None, sort: str, then: list[str]
) -> QS:
    """``plans`` below ``below`` percent complete and, for ``sort`` "completeness" or
    "-completeness", ordered by it and then by ``then``; as they are otherwise. The percent is
    summed in SQL (``with_completeness``); the rows shown derive it again from the data."""
    if below is None and sort not in ("completeness", "-completeness"):
        return plans
    plans = with_completeness(plans, dt.date.today())
    if below is not None:
        plans = plans.filter(completeness_pct__lt=below)
    if sort in ("completeness", "-completeness"):
        plans = plans.order_by(sort.replace("completeness", "completeness_pct"), *then)
    return plans


def accounts_of_tier(tier: int) -> Any:
    """The ids of the accounts of ``tier`` in the current snapshot (a subquery; none without a
    snapshot)."""
    from accountplan.portfolio.models import AccountScore
    from accountplan.portfolio.selectors import current_snapshot

    snapshot = current_snapshot("product")
    if snapshot is None:
        return AccountScore.objects.none().values("account_id")
    return AccountScore.objects.filter(snapshot=snapshot, tier=tier).values("account_id")


def plan_rows(
    user: User,
    plans: list[AccountPlan],
    tier: int | None = None,
    below: int | None = None,
    with_tiers: bool = True,
) -> list[dict[str, Any]]:
    """List rows: each plan with its completeness and the account's tier (two queries)."""
    from accountplan.plans.completeness import completeness
    from accountplan.plans.models import PlanSection
    from accountplan.portfolio.models import AccountScore
    from accountplan.portfolio.selectors import current_snapshot

    ids = [p.pk for p in plans]
    by_plan: dict[int, dict[str, tuple[Any, Any]]] = {}
    stored: list[PlanSection] = (
        list(
            PlanSection.objects.filter(plan_id__in=ids)
            .order_by()  # the default order joins the plans and their accounts: not needed
            .only("plan_id", "key", "data", "updated_at")
        )
        if ids
        else []
    )
    for sec in stored:
        by_plan.setdefault(sec.plan_id, {})[sec.key] = (sec.data, sec.updated_at)
    snapshot = current_snapshot("product") if with_tiers and plans else None
    tiers: dict[int, int | None] = {}
    if snapshot is not None:
        tiers = dict(
            AccountScore.objects.for_user(user)
            .filter(snapshot=snapshot, account_id__in={p.account_id for p in plans})
            .order_by()
            .values_list("account_id", "tier")
        )
    today = dt.date.today()
    rows = []
    for p in plans:
        comp = completeness(by_plan.get(p.pk, {}), today)
        t = tiers.get(p.account_id)
        if tier is not None and t != tier:
            continue
        if below is not None and comp.percent >= below:
            continue
        rows.append({"plan": p, "completeness": comp, "tier": t})
    return rows

"""The plans list's rows: each plan with its completeness and its account's tier, read in two
queries for the page's plans (never for every plan in scope)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accountplan.core.models import User
    from accountplan.plans.models import AccountPlan


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

"""Rules about the plans: stale, period ended with no successor, key account with no plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from accountplan.core import fmt
from accountplan.governance.rules.context import RuleContext, account_url, plan_url
from accountplan.governance.rules.registry import Evidence, Hit
from accountplan.plans.models import AccountPlan, PlanStatus
from accountplan.plans.prospecting import period_bounds
from accountplan.portfolio.models import AccountScore


def stale_plan(ctx: RuleContext, t: dict[str, Any]) -> list[Hit]:
    """An active plan not changed in ``days`` days."""
    days = int(t["days"])
    hits = []
    for p in ctx.active_plans:
        changed = timezone.localtime(p.updated_at).date()
        idle = (ctx.today - changed).days
        if idle > days:
            hits.append(
                Hit(
                    account_id=p.account_id,
                    plan_id=p.pk,
                    summary=f"{p.account_name} {p.period}: no change in {idle} days",
                    fix_url=plan_url(p.pk),
                    evidence=[
                        Evidence(
                            f"Last change to the plan ({idle} days ago; the limit is {days})",
                            changed.isoformat(),
                            reverse("plans:history", args=[p.pk]),
                        )
                    ],
                )
            )
    return hits


def period_ended(ctx: RuleContext, t: dict[str, Any]) -> list[Hit]:
    """An account whose latest plan's period has ended (``grace_days`` ago) and no plan follows."""
    grace = int(t["grace_days"])
    latest: dict[int, tuple[dt.date, int, str, str]] = {}
    rows = AccountPlan.objects.exclude(status=PlanStatus.ARCHIVED).values_list(
        "account_id", "pk", "period", "account__name"
    )
    for aid, pk, period, name in rows.order_by("pk"):
        bounds = period_bounds(period)
        if bounds is None:
            continue
        if aid not in latest or bounds[1] > latest[aid][0]:
            latest[aid] = (bounds[1], pk, period, name)
    hits = []
    for aid, (end, pk, period, name) in latest.items():
        if (ctx.today - end).days > grace:
            hits.append(
                Hit(
                    account_id=aid,
                    plan_id=pk,
                    summary=f"{name}: the {period} plan ended on {fmt.date(end)} and no plan "
                    "follows it",
                    fix_url=plan_url(pk),
                    evidence=[
                        Evidence(f"Plan {period} ends", end.isoformat(), plan_url(pk)),
                        Evidence(
                            "No plan of a later period on the account", None, account_url(aid)
                        ),
                    ],
                )
            )
    return hits


def key_account_unplanned(ctx: RuleContext, t: dict[str, Any]) -> list[Hit]:
    """An account of a watched tier (default 1 and 2) with no active plan; tier 1 is red."""
    if ctx.snapshot is None:
        return []
    tiers = [int(x) for x in t["tiers"]]
    has_plan = AccountPlan.objects.filter(
        account_id=OuterRef("account_id"), status=PlanStatus.ACTIVE
    )
    rows = (
        AccountScore.objects.filter(snapshot=ctx.snapshot, tier__in=tiers)
        .filter(~Exists(has_plan))
        .values_list("account_id", "account__name", "tier")
    )
    return [
        Hit(
            account_id=aid,
            summary=f"{name} is a tier-{tier} account with no active plan",
            fix_url=account_url(aid) + "#plans",
            severity="red" if tier == 1 else "amber",
            evidence=[Evidence(f"Tier {tier} in the current analysis", None, account_url(aid))],
        )
        for aid, name, tier in rows.order_by("account_id")
    ]

"""Sharing's two governance rules (issue 12 points 4 and 5), registered from
``SharingConfig.ready``:

- ``share.scorecard_drop``: an active plan whose latest scored quarter's weighted score is lower
  than the previous scored quarter's by ``drop`` points or more (default 0.5): amber; red from
  ``red_drop`` points (default 1.0). Closes when a later quarter is scored without a drop.
- ``share.cadence_due``: the cadence that goes with the account's tier (PRODUCT.md): tier 1, a
  joint expectation session every ``expectation_days`` days (twice a year); tier 2, a customer
  scorecard every ``scorecard_days`` days (each quarter). Counted from the last reviewed session
  (tier 1) or the last scored quarter (tier 2), else from the plan's start; listed from
  ``due_within_days`` days before it is due: amber, red once more than ``red_after_days`` days
  overdue. Closes when the session is reviewed or the quarter scored.

Each check is a fixed number of bulk queries over the active plans, never one per plan.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accountplan.core import fmt
from accountplan.governance.rules.context import RuleContext
from accountplan.governance.rules.registry import Evidence, Hit, Rule, register
from accountplan.plans.models import AccountPlan, PlanStatus
from accountplan.sharing import scorecard as sc
from accountplan.sharing.models import ExpectationRound, ScorecardRound, ScorecardScore

DROP_DEFAULTS: dict[str, Any] = {"drop": 0.5, "red_drop": 1.0}
CADENCE_DEFAULTS: dict[str, Any] = {
    "expectation_days": 182,
    "scorecard_days": 91,
    "due_within_days": 14,
    "red_after_days": 30,
}


def scorecard_url(plan_id: int) -> str:
    return reverse("sharing:scorecard", args=[plan_id])


def expectations_url(plan_id: int) -> str:
    return reverse("sharing:expectations", args=[plan_id])


def scorecard_drop(ctx: RuleContext, t: dict[str, Any]) -> list[Hit]:
    """An active plan whose latest scored quarter dropped by ``drop`` points or more since the
    previous scored quarter (red from ``red_drop``)."""
    drop = Decimal(str(t["drop"]))
    red = Decimal(str(t["red_drop"]))
    rows = ScorecardScore.objects.filter(round__plan__status=PlanStatus.ACTIVE).values_list(
        "round__plan_id", "round__period", "weight", "score"
    )
    by_plan: dict[int, dict[str, list[sc.Scored]]] = {}
    for plan_id, period, weight, score in rows:
        by_plan.setdefault(plan_id, {}).setdefault(period, []).append(sc.Scored(weight, score))
    hits = []
    for plan_id, periods in sorted(by_plan.items()):
        plan = ctx.plan_by_id.get(plan_id)
        if plan is None:
            continue
        points = sc.trend([(p, sc.weighted_score(s)) for p, s in periods.items()])
        last = sc.last_drop(points, drop)
        if last is None or last.change is None or last.weighted is None:
            continue
        before = last.weighted - last.change
        hits.append(
            Hit(
                account_id=plan.account_id,
                plan_id=plan.pk,
                summary=f"{plan.account_name} {plan.period}: the customer's scorecard dropped "
                f"from {before:.2f} to {last.weighted:.2f} in {last.period}",
                fix_url=scorecard_url(plan.pk),
                severity="red" if -last.change >= red else "amber",
                evidence=[
                    Evidence(f"Weighted score {last.period}: {last.weighted:.2f}", None,
                             scorecard_url(plan.pk)),
                    Evidence(f"Previous scored quarter: {before:.2f}"),
                    Evidence(f"A drop of {drop} points or more raises this finding"),
                ],
            )
        )  # fmt: skip
    return hits


def cadence_due(ctx: RuleContext, t: dict[str, Any]) -> list[Hit]:
    """Tier 1: a joint expectation session every ``expectation_days`` days; tier 2: a customer
    scorecard every ``scorecard_days`` days; from ``due_within_days`` days before it is due
    (amber), red once more than ``red_after_days`` days overdue."""
    within = int(t["due_within_days"])
    red_after = int(t["red_after_days"])
    started = dict(
        AccountPlan.objects.filter(status=PlanStatus.ACTIVE).values_list("pk", "created_at")
    )
    sessions = dict(
        ExpectationRound.objects.filter(plan__status=PlanStatus.ACTIVE, reviewed_at__isnull=False)
        .values("plan_id")
        .annotate(last=Max("reviewed_at"))
        .values_list("plan_id", "last")
    )
    scored = dict(
        ScorecardRound.objects.filter(plan__status=PlanStatus.ACTIVE)
        .values("plan_id")
        .annotate(last=Max("scored_at"))
        .values_list("plan_id", "last")
    )
    hits = []
    for plan in ctx.active_plans:
        score = ctx.plan_scores.get(plan.account_id)
        tier = score.tier if score else None
        if tier == 1:
            what, days, last, url = (
                "joint expectation session", int(t["expectation_days"]),
                sessions.get(plan.pk), expectations_url(plan.pk),
            )  # fmt: skip
        elif tier == 2:
            what, days, last, url = (
                "customer scorecard", int(t["scorecard_days"]),
                scored.get(plan.pk), scorecard_url(plan.pk),
            )  # fmt: skip
        else:
            continue
        if plan.pk not in started:
            continue
        if last is not None:
            base = timezone.localtime(last).date()
            ev = Evidence(f"Last {what}", base.isoformat(), url)
        else:
            base = timezone.localtime(started[plan.pk]).date()
            ev = Evidence(f"No {what} yet; the plan started", base.isoformat())
        due = base + dt.timedelta(days=days)
        if due > ctx.today + dt.timedelta(days=within):
            continue
        late = (ctx.today - due).days
        when = (
            f"overdue since {fmt.date(due)} ({late} days)" if late > 0 else f"due {fmt.date(due)}"
        )
        hits.append(
            Hit(
                account_id=plan.account_id,
                plan_id=plan.pk,
                summary=f"{plan.account_name} {plan.period}: {what} {when}",
                fix_url=url,
                severity="red" if late > red_after else "amber",
                evidence=[
                    ev,
                    Evidence(f"Tier {tier}: a {what} every {days} days"),
                    Evidence(f"Next {what} due", due.isoformat()),
                ],
            )
        )
    return hits


def register_rules() -> None:
    """Add the two rules to the governance registry (thresholds: admin page and TOML)."""
    register(
        Rule(
            code="share.scorecard_drop",
            version=1,
            label="Customer scorecard dropped",
            severity="amber",
            defaults=dict(DROP_DEFAULTS),
            check=scorecard_drop,
            group="With the customer",
            help=(scorecard_drop.__doc__ or "").strip(),
        )
    )
    register(
        Rule(
            code="share.cadence_due",
            version=1,
            label="Customer session due",
            severity="amber",
            defaults=dict(CADENCE_DEFAULTS),
            check=cadence_due,
            group="With the customer",
            help=(cadence_due.__doc__ or "").strip(),
        )
    )

"""Rules about execution: overdue actions, milestones behind, the goal build behind its pace."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from accountplan.book.models import Opportunity
from accountplan.core import fmt
from accountplan.governance.rules.context import RuleContext, chunks, plan_url
from accountplan.governance.rules.registry import Evidence, Hit
from accountplan.plans.prospecting import elapsed_share, period_bounds


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def overdue_actions(ctx: RuleContext, t: dict[str, Any]) -> list[Hit]:
    """Actions past their due date and not done; red when one is ``red_after_days`` late."""
    red_after = int(t["red_after_days"])
    hits = []
    for pid, data in ctx.sections("actions").items():
        plan = ctx.plan_by_id.get(pid)
        if plan is None:
            continue
        late = []
        for a in data.get("actions", []):
            due = _date(a.get("due_date"))
            if due and due < ctx.today and a.get("status") != "done":
                late.append((due, a.get("title", "")))
        if not late:
            continue
        late.sort()
        worst = (ctx.today - late[0][0]).days
        hits.append(
            Hit(
                account_id=plan.account_id,
                plan_id=pid,
                summary=f"{plan.account_name} {plan.period}: {len(late)} overdue action"
                f"{'s' if len(late) != 1 else ''} (the oldest {worst} days late)",
                fix_url=plan_url(pid, "actions"),
                severity="red" if worst >= red_after else "amber",
                evidence=[Evidence(f"Action “{title}” due", d.isoformat()) for d, title in late],
            )
        )
    return hits


def milestones_behind(ctx: RuleContext, t: dict[str, Any]) -> list[Hit]:
    """Milestones marked late or at risk, or past their date and not done."""
    hits = []
    for pid, data in ctx.sections("dashboard").items():
        plan = ctx.plan_by_id.get(pid)
        if plan is None:
            continue
        behind = []
        for m in data.get("milestones", []):
            when = _date(m.get("date"))
            status = m.get("status")
            if status in ("late", "at_risk"):
                why = "marked late" if status == "late" else "marked at risk"
            elif when and when < ctx.today and status != "done":
                why = "past its date, not done"
            else:
                continue
            behind.append(Evidence(f"Milestone “{m.get('title', '')}”: {why}", m.get("date")))
        if behind:
            hits.append(
                Hit(
                    account_id=plan.account_id,
                    plan_id=pid,
                    summary=f"{plan.account_name} {plan.period}: {len(behind)} milestone"
                    f"{'s' if len(behind) != 1 else ''} behind",
                    fix_url=plan_url(pid, "dashboard"),
                    evidence=behind,
                )
            )
    return hits


def _objective(data: dict[str, Any]) -> Decimal | None:
    if data.get("objective_amount") not in (None, ""):
        return Decimal(str(data["objective_amount"]))
    parts = [Decimal(str(c["amount"])) for c in data.get("components", []) if c.get("amount")]
    return sum(parts, Decimal(0)) if parts else None


def goal_pace(ctx: RuleContext, t: dict[str, Any]) -> list[Hit]:
    """Won revenue on the account within the plan's period below ``pace_pct`` % of the goal
    build × the share of the period gone by (one grouped query per distinct period)."""
    pace = Decimal(str(t["pace_pct"])) / 100
    min_share = Decimal(str(t["min_elapsed_pct"])) / 100
    goals = ctx.sections("goals")
    by_period: dict[str, list[int]] = defaultdict(list)
    for pid in goals:
        if pid in ctx.plan_by_id:
            by_period[ctx.plan_by_id[pid].period].append(pid)
    hits = []
    for period, pids in sorted(by_period.items()):
        bounds = period_bounds(period)
        if bounds is None or ctx.today < bounds[0]:
            continue
        share = elapsed_share(ctx.today, bounds)
        if share < min_share:
            continue
        accounts = {ctx.plan_by_id[p].account_id for p in pids}
        won: dict[int, Decimal] = {}
        for batch in chunks(sorted(accounts)):
            rows = (
                Opportunity.objects.filter(
                    account_id__in=batch,
                    status="won",
                    close_date__gte=bounds[0],
                    close_date__lte=min(bounds[1], ctx.today),
                )
                .values("account_id")
                .annotate(total=Sum("amount"))
                .values_list("account_id", "total")
            )
            won.update({a: v or Decimal(0) for a, v in rows})
        for pid in pids:
            plan = ctx.plan_by_id[pid]
            goal = _objective(goals[pid])
            if not goal:
                continue
            expected = (goal * share).quantize(Decimal("0.01"))
            actual = won.get(plan.account_id, Decimal(0))
            if actual < expected * pace:
                hits.append(
                    Hit(
                        account_id=plan.account_id,
                        plan_id=pid,
                        summary=f"{plan.account_name} {plan.period}: won {fmt.money(actual)} "
                        f"of a {fmt.money(goal)} goal; {fmt.money(expected)} expected by now",
                        fix_url=plan_url(pid, "goals"),
                        evidence=[
                            Evidence(f"Goal build {fmt.money(goal)}"),
                            Evidence(
                                f"{share * 100:.1f} % of {period} gone by: "
                                f"{fmt.money(expected)} expected",
                                ctx.today.isoformat(),
                            ),
                            Evidence(
                                f"Won deals on the account since {fmt.date(bounds[0])}: "
                                f"{fmt.money(actual)}"
                            ),
                        ],
                    )
                )
    return hits

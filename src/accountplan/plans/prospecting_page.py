"""The prospecting section's read view: the inputs in effect (typed, from the goal build, or
drawn from the data), the plan they give, attainment at the date, and the pace chart.

The prospecting plan starts from the goal build: when the plan has an objective, the growth
target is the objective and the expected upgrades are its renewal and upsell components, so the
new-business gap the prospecting plan works on is objective − renewals − upsells, and the part
of it no component holds yet is the goal build's own shortfall.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from accountplan.book.models import Activity, Opportunity
from accountplan.plans import sections as s
from accountplan.plans.attribution import money as dec

if TYPE_CHECKING:
    from accountplan.core.models import User
    from accountplan.plans.models import AccountPlan


#: Goal-build kinds that grow what the account already buys (the rest is new business).
UPGRADE_KINDS = ("renewal", "upsell")


@dataclass
class ProspectingView:
    """The prospecting inputs in effect (typed, from the goal build, or drawn from data), the
    plan and attainment; with the goal build's split of the objective."""

    inputs: dict[str, Any]
    sources: dict[str, str]
    period_start: dt.date
    period_end: dt.date
    result: Any = None
    attainment: Any = None
    actual: dict[str, int] = field(default_factory=dict)
    error: str = ""
    #: The goal build's objective (the growth target when set) and what its components hold.
    objective: Decimal | None = None
    upgrades: Decimal = Decimal(0)
    new_business_built: Decimal = Decimal(0)
    #: Typed inputs the goal build overrides (field → typed value).
    overridden: dict[str, Any] = field(default_factory=dict)

    @property
    def unassigned(self) -> Decimal | None:
        """The part of the new-business gap no goal-build component holds yet."""
        if self.result is None or self.objective is None:
            return None
        return max(self.result.gap - self.new_business_built, Decimal(0))


def goals_data(plan: AccountPlan) -> dict[str, Any]:
    """The plan's stored goals section (empty when never saved)."""
    from accountplan.plans.models import PlanSection

    row = PlanSection.objects.filter(plan=plan, key=s.SectionKey.GOALS).first()
    return dict(row.data) if row else {}


def goal_build_targets(goals: dict[str, Any]) -> tuple[Decimal | None, Decimal]:
    """The goal build's objective and what its renewal and upsell components expect."""
    upgrades = sum(
        (
            dec(c.get("amount")) or Decimal(0)
            for c in goals.get("components", [])
            if c.get("kind") in UPGRADE_KINDS
        ),
        Decimal(0),
    )
    return dec(goals.get("objective_amount")), upgrades


def _from_goal_build(view: ProspectingView, typed: dict[str, Any], goals: dict[str, Any]) -> None:
    """The goal build sets the growth target (its objective) and the expected upgrades (its
    renewal and upsell components), so the two sections show the same gap."""
    view.objective, view.upgrades = goal_build_targets(goals)
    view.new_business_built = sum(
        (
            dec(c.get("amount")) or Decimal(0)
            for c in goals.get("components", [])
            if c.get("kind") not in UPGRADE_KINDS
        ),
        Decimal(0),
    )
    if view.objective is None:
        return
    for key in ("growth_pct", "expected_upgrades"):
        if key in typed:
            view.overridden[key] = typed[key]
    view.inputs["expected_upgrades"] = view.upgrades
    view.sources["expected_upgrades"] = "from the goal build"
    revenue = dec(view.inputs.get("current_revenue"))
    if revenue:
        view.inputs["growth_pct"] = (view.objective * 100 / revenue).quantize(Decimal("0.01"))
    else:
        view.inputs.pop("growth_pct", None)
    view.sources["growth_pct"] = "from the goal build"


def prospecting_view(
    user: User,
    plan: AccountPlan,
    data: dict[str, Any],
    today: dt.date,
    goals: dict[str, Any] | None = None,
) -> ProspectingView:
    """The prospecting inputs in effect (typed, else drawn from the data), the plan they give,
    and attainment against real opportunities and activities at the pace the date implies.

    The prospecting plan starts from the goal build (``goals``, read from the plan when not
    given): with an objective, growth target = objective and new-business gap = objective −
    the renewal and upsell components."""
    from accountplan.plans import prospecting as pm
    from accountplan.plans.selectors import prospecting_defaults

    typed = {k: v for k, v in dict(data.get("inputs") or {}).items() if v not in (None, "")}
    defaults = prospecting_defaults(plan)
    inputs = dict(typed)
    sources: dict[str, str] = {}
    for k, v in defaults.items():
        if k not in inputs and v is not None:
            inputs[k] = v
            sources[k] = "from the data"
    start = inputs.get("period_start")
    end = inputs.get("period_end")
    start_d = dt.date.fromisoformat(start) if isinstance(start, str) else start
    end_d = dt.date.fromisoformat(end) if isinstance(end, str) else end
    if start_d is None or end_d is None:
        start_d, end_d = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    view = ProspectingView(inputs, sources, start_d, end_d)
    _from_goal_build(view, typed, goals_data(plan) if goals is None else goals)
    opps = Opportunity.objects.for_user(user).filter(account=plan.account)
    view.actual = {
        "opportunities": opps.filter(created_date__range=(start_d, end_d)).count(),
        "won": opps.filter(status="won", close_date__range=(start_d, end_d)).count(),
        "prospects": Activity.objects.for_user(user)
        .filter(account=plan.account, date__range=(start_d, end_d), contact__isnull=False)
        .values("contact_id")
        .distinct()
        .count(),
    }
    needed = ["deal_size", "win_rate_pct", "prospects_per_opportunity"]
    if view.objective is None:
        needed[:0] = ["current_revenue", "growth_pct"]
    missing = [k.replace("_pct", " %").replace("_", " ") for k in needed if k not in inputs]
    if missing:
        view.error = "To compute the plan, give: " + ", ".join(missing) + "."
        return view
    try:
        result = pm.plan(
            pm.ProspectingInputs(
                current_revenue=Decimal(str(inputs.get("current_revenue") or 0)),
                growth_pct=Decimal(str(inputs.get("growth_pct") or 0)),
                deal_size=Decimal(str(inputs["deal_size"])),
                win_rate_pct=Decimal(str(inputs["win_rate_pct"])),
                prospects_per_opportunity=Decimal(str(inputs["prospects_per_opportunity"])),
                expected_upgrades=Decimal(str(inputs.get("expected_upgrades") or 0)),
                cycle_months=int(inputs.get("cycle_months") or 0),
                period_start=start_d,
                period_end=end_d,
                objective=view.objective,
            )
        )
    except (pm.ProspectingError, InvalidOperation, ValueError) as exc:
        view.error = str(exc)
        return view
    view.result = result
    view.attainment = pm.attainment(
        result,
        view.actual["prospects"],
        view.actual["opportunities"],
        view.actual["won"],
        today,
        (start_d, end_d),
    )
    return view


def pace_chart_spec(view: ProspectingView) -> dict[str, Any] | None:
    """Plan, expected by today's pace, and actual for prospects, opportunities and deals."""
    if view.attainment is None:
        return None
    values: list[dict[str, Any]] = []
    for m in view.attainment.measures:
        label = m.name.capitalize()
        values.append({"measure": label, "what": "Plan", "n": m.planned})
        values.append({"measure": label, "what": "Expected by now", "n": float(m.expected)})
        values.append({"measure": label, "what": "Actual", "n": m.actual})
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": "container",
        "data": {"values": values},
        "mark": "bar",
        "encoding": {
            "y": {"field": "measure", "type": "nominal", "title": None, "sort": None},
            "yOffset": {"field": "what", "sort": ["Plan", "Expected by now", "Actual"]},
            "x": {"field": "n", "type": "quantitative", "title": "Count"},
            "color": {
                "field": "what",
                "type": "nominal",
                "title": None,
                "sort": ["Plan", "Expected by now", "Actual"],
                "scale": {"range": ["#b7bfcc", "#e8730c", "#2f6fdb"]},
            },
            "tooltip": [{"field": "measure"}, {"field": "what"}, {"field": "n"}],
        },
    }

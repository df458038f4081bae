"""The performance dashboard's figures: the account's deals credited to goal-build components
(``plans.attribution``: linked, else matched, each deal once) and measured milestones.

The plan page, the API (``GET /plans/{id}/performance``), the exports and the CLI all read
these, so they show the same figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from accountplan.book.models import Opportunity
from accountplan.plans import attribution as attr

if TYPE_CHECKING:
    from accountplan.core.models import User
    from accountplan.plans.models import AccountPlan


def account_deals(user: User, plan: AccountPlan) -> list[attr.Deal]:
    """The won and open deals of the plan's account that ``user`` may see (one query, once a
    read request: the plan page's goal build and dashboard both credit them)."""
    from accountplan.core.request_memo import memo

    return list(memo(("plans.account-deals", user.pk, plan.account_id), lambda: _deals(user, plan)))


def _deals(user: User, plan: AccountPlan) -> tuple[attr.Deal, ...]:
    rows = (
        Opportunity.objects.for_user(user)
        .filter(account=plan.account, status__in=("won", "open"))
        .values_list(
            "pk",
            "name",
            "type",
            "status",
            "product_id",
            "buying_center_id",
            "amount",
            "close_date",
        )
    )
    return tuple(
        attr.Deal(pk, name or f"Deal {pk}", kind or "", status, prod, bc, amount or Decimal(0), cd)
        for pk, name, kind, status, prod, bc, amount, cd in rows
    )


@dataclass
class Performance:
    """Won revenue and open pipeline credited to the components, and measured milestones."""

    period: tuple[dt.date, dt.date]
    won: attr.Attribution
    pipeline: attr.Attribution
    milestones: list[dict[str, Any]]

    @property
    def won_total(self) -> Decimal:
        """Every deal won in the period, in the goal build or not."""
        return self.won.total + sum((d.amount for d in self.won.unattributed), Decimal(0))


def performance(
    user: User,
    plan: AccountPlan,
    components: list[dict[str, Any]],
    milestones: list[dict[str, Any]],
    period: tuple[dt.date, dt.date],
    today: dt.date,
) -> Performance:
    """The dashboard's figures for ``period`` (the prospecting plan's period)."""
    deals = account_deals(user, plan)
    won = attr.attribute(components, attr.won_in(deals, *period))
    pipeline = attr.attribute(components, attr.open_by(deals, period[1]))
    rows = []
    for m in milestones:
        measured = attr.milestone_actual(m, won, pipeline, today)
        rows.append(
            {
                **m,
                "measured": measured is not None,
                "actual_value": measured.actual if measured else None,
                "status": measured.status if measured else m.get("status"),
            }
        )
    return Performance(period, won, pipeline, rows)


def component_rows(components: list[dict[str, Any]], perf: Performance) -> list[dict[str, Any]]:
    """Each component with its target, actual, percent, credited deals and open pipeline."""
    won = perf.won.by_id()
    pipe = perf.pipeline.by_id()
    rows = []
    for i, c in enumerate(components):
        key = str(c.get("id") or i)
        w = won[key]
        rows.append(
            {
                **c,
                "target": w.target,
                "actual": w.actual,
                "pct": w.pct,
                "credits": w.credits,
                "pipeline": pipe[key].actual,
            }
        )
    return rows


def as_dict(components: list[dict[str, Any]], perf: Performance) -> dict[str, Any]:
    """JSON-ready: money as strings with two decimals, dates ISO."""

    def m(value: Decimal | None) -> str | None:
        return None if value is None else str(value.quantize(Decimal("0.01")))

    def deal(cr: attr.Credit | attr.Deal) -> dict[str, Any]:
        d = cr.deal if isinstance(cr, attr.Credit) else cr
        out = {
            "id": d.id,
            "name": d.name,
            "type": d.type,
            "amount": m(d.amount),
            "close_date": d.close_date.isoformat() if d.close_date else None,
        }
        if isinstance(cr, attr.Credit):
            out["how"] = cr.how
        return out

    return {
        "period": {"start": perf.period[0].isoformat(), "end": perf.period[1].isoformat()},
        "components": [
            {
                "id": r.get("id"),
                "kind": r.get("kind"),
                "product_id": r.get("product_id"),
                "buying_center_id": r.get("buying_center_id"),
                "opportunity_ids": r.get("opportunity_ids", []),
                "target": m(r["target"]),
                "actual": m(r["actual"]),
                "pct": None if r["pct"] is None else str(r["pct"]),
                "pipeline": m(r["pipeline"]),
                "deals": [deal(cr) for cr in r["credits"]],
            }
            for r in component_rows(components, perf)
        ],
        "not_in_goal_build": [deal(d) for d in perf.won.unattributed],
        "won_total": m(perf.won_total),
        "milestones": [
            {
                "id": r.get("id"),
                "title": r.get("title"),
                "measure": r.get("measure"),
                "component_id": r.get("component_id"),
                "target_amount": r.get("target_amount"),
                "actual": m(r["actual_value"]) if r["measured"] else r.get("actual", ""),
                "status": r.get("status"),
            }
            for r in perf.milestones
        ],
    }


def components_served(plans: list[AccountPlan], opportunity: Opportunity) -> list[dict[str, Any]]:
    """For each plan of the deal's account: the goal-build component the deal counts toward
    (linked to it, else matched by the dashboard's rule), how, or None. Three queries."""
    from accountplan.book.models import BuyingCenter, Product
    from accountplan.plans.models import PlanSection
    from accountplan.plans.page_data import Lookups, component_label

    deal = attr.Deal(
        opportunity.pk,
        opportunity.name or f"Deal {opportunity.pk}",
        opportunity.type or "",
        opportunity.status,
        opportunity.product_id,
        opportunity.buying_center_id,
        opportunity.amount or Decimal(0),
        opportunity.close_date,
    )
    goals = {
        s.plan_id: s.data.get("components") or []
        for s in PlanSection.objects.filter(plan__in=plans, key="goals").only("plan_id", "data")
    }
    lookups = Lookups(
        contacts=[],
        last_contact={},
        products=dict(
            Product.objects.filter(
                pk__in={c.get("product_id") for cs in goals.values() for c in cs} - {None}
            ).values_list("pk", "name")
        ),
        users={},
        buying_centers=dict(
            BuyingCenter.objects.filter(account_id=opportunity.account_id).values_list("pk", "name")
        ),
        team=[],
    )
    rows = []
    for plan in plans:
        components = goals.get(plan.pk, [])
        result = attr.attribute(components, [deal])
        served = result.component_of(deal.id)
        row: dict[str, Any] = {
            "plan": plan,
            "component": None,
            "component_id": None,
            "how": None,
            "choices": [
                (str(c["id"]), component_label(c, lookups)) for c in components if c.get("id")
            ],
        }
        for i, c in enumerate(components):
            if str(c.get("id") or i) == served:
                row["component"] = component_label(c, lookups)
                row["component_id"] = served
                row["how"] = result.by_id()[served].credits[0].how
        rows.append(row)
    return rows

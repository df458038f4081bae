"""JSON endpoints of the performance dashboard: what each goal-build component has won (each
deal counted once, linked or matched, see ``plans.attribution``) and linking a deal to a
component from the deal's side.

Registered on the plans router (``plans.api`` imports this module).
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema

from accountplan.core.api_auth import api_user
from accountplan.core.api_common import DETAIL_ERRORS, ErrorOut, IsoDate, ObjectId
from accountplan.plans import performance as perf
from accountplan.plans.api import WRITE_ERRORS, _plan, router
from accountplan.plans.page_data import prospecting_view
from accountplan.plans.sections import SectionKey
from accountplan.plans.services import link_deal, section_of


class DealOut(Schema):
    """A deal counted against a component (``how``: linked or matched), or left out."""

    id: int
    name: str
    type: str
    amount: str = Field(..., description="Decimal string, two decimals.")
    close_date: dt.date | None
    how: str | None = None


class ComponentPerformanceOut(Schema):
    """One goal-build component: its target, won actual and the deals behind it."""

    id: str | None
    kind: str | None
    product_id: int | None
    buying_center_id: int | None
    opportunity_ids: list[int]
    target: str
    actual: str = Field(..., description="The sum of the deals below.")
    pct: str | None
    pipeline: str = Field(..., description="Open deals credited the same way.")
    deals: list[DealOut]


class MilestonePerformanceOut(Schema):
    """A milestone; measured ones carry the actual from the data and the status it implies."""

    id: str | None
    title: str | None
    measure: str | None
    component_id: str | None
    target_amount: str | None
    actual: str | None
    status: str | None


class PeriodOut(Schema):
    """The period the figures cover (the prospecting plan's)."""

    start: dt.date
    end: dt.date


class PerformanceOut(Schema):
    """The dashboard's figures: components, deals not in the goal build, milestones."""

    plan_id: int
    period: PeriodOut
    components: list[ComponentPerformanceOut]
    not_in_goal_build: list[DealOut]
    won_total: str = Field(..., description="Every deal won in the period.")
    milestones: list[MilestonePerformanceOut]


class DealLinkIn(Schema):
    """The component a deal counts against; null unlinks it (the matching rule applies)."""

    component_id: str | None = None


def _performance(request: HttpRequest, plan_id: int, on: dt.date | None) -> dict[str, Any]:
    user = api_user(request)
    plan = _plan(request, plan_id)
    today = on or dt.date.today()
    goals = section_of(plan, SectionKey.GOALS).data
    dashboard = section_of(plan, SectionKey.DASHBOARD).data
    pros = prospecting_view(user, plan, section_of(plan, SectionKey.PROSPECTING).data, today, goals)
    components = goals.get("components", [])
    result = perf.performance(
        user,
        plan,
        components,
        dashboard.get("milestones", []),
        (pros.period_start, pros.period_end),
        today,
    )
    return {"plan_id": plan.pk, **perf.as_dict(components, result)}


@router.get(
    "/plans/{plan_id}/performance",
    response={200: PerformanceOut, **DETAIL_ERRORS},
    summary="Get the performance dashboard (computed)",
)
def performance(request: HttpRequest, plan_id: ObjectId, on: IsoDate | None = None) -> Any:
    """Won revenue per goal-build component in the plan's period: each won deal counts once,
    against the component it is linked to, else the one it matches by type, product and buying
    center; the rest are ``not_in_goal_build``. Measured milestones take their actual here."""
    return _performance(request, plan_id, on)


@router.put(
    "/plans/{plan_id}/deals/{opportunity_id}",
    response={200: PerformanceOut, **WRITE_ERRORS, 404: ErrorOut},
    summary="Link a deal to a goal-build component",
)
def put_deal_link(
    request: HttpRequest, plan_id: ObjectId, opportunity_id: ObjectId, body: DealLinkIn
) -> Any:
    """Make a deal count against ``component_id`` (and no other), or unlink it with null. Saved
    in the goals section as a new version; answers the dashboard's figures."""
    plan = _plan(request, plan_id)
    link_deal(plan, opportunity_id, body.component_id, api_user(request))
    return _performance(request, plan_id, None)

"""API of the follow-up: reviews (list, create), micro-plans of lost deals (list, re-engage) and
the number. Same permissions as the pages: scoped reads; viewers change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from accountplan.core.api_auth import api_user
from accountplan.core.api_common import AUTH_ERRORS, DETAIL_ERRORS, ErrorOut, ObjectId, get_visible
from accountplan.followup.management.commands import lost_deals_json
from accountplan.followup.number import the_number
from accountplan.followup.selectors import micro_plans
from accountplan.followup.services import create_review, reengage
from accountplan.plans.models import AccountPlan

router = Router(tags=["follow-up"])
WRITE_ERRORS: dict[int, Any] = {**DETAIL_ERRORS, 400: ErrorOut, 403: ErrorOut}


class ReviewIn(Schema):
    reviewed_on: dt.date
    findings: list[str] = Field(default_factory=list, max_length=200)
    recalibrations: str = Field("", max_length=5000)
    revision_ids: list[int] = Field(default_factory=list, max_length=200)


class ReviewOut(Schema):
    id: int
    plan_id: int
    reviewed_on: dt.date
    reviewer: str | None
    findings: list[str]
    figures: dict[str, str | None]
    recalibrations: str
    revision_ids: list[int]


class LossSnapshotOut(Schema):
    lost_on: str
    amount: str | None
    product: str
    competitor: str
    reason: str
    account_revenue: str | None
    whitespace_value: str | None
    play: str
    tier: int | None


class MicroPlanOut(Schema):
    id: int
    opportunity_id: int
    opportunity_external_id: str | None
    account_id: int
    account_external_id: str | None
    account: str
    owner: str | None
    status: str
    reengage_on: str
    snapshot: LossSnapshotOut
    winback_opportunity_id: int | None


class NumberRowOut(Schema):
    kind: str
    key: str
    label: str
    target: str | None
    goal_build: str | None
    run_rate: str | None
    gap: str | None
    plans: int


def _review(r: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "plan_id": r.plan_id,
        "reviewed_on": r.reviewed_on,
        "reviewer": r.reviewer.username if r.reviewer else None,
        "findings": r.findings,
        "figures": r.figures,
        "recalibrations": r.recalibrations,
        "revision_ids": [x.pk for x in r.revisions.all()],
    }


@router.get(
    "/plans/{plan_id}/reviews",
    response={200: list[ReviewOut], **DETAIL_ERRORS},
    summary="List a plan's reviews",
)
def list_reviews(request: HttpRequest, plan_id: ObjectId) -> Any:
    """The plan's reviews, newest first, with the figures each one kept."""
    plan = get_visible(AccountPlan.objects.for_user(api_user(request)), plan_id, "plan")
    return [
        _review(r) for r in plan.reviews.select_related("reviewer").prefetch_related("revisions")
    ]


@router.post(
    "/plans/{plan_id}/reviews",
    response={201: ReviewOut, **WRITE_ERRORS},
    summary="Record a review of a plan",
)
def post_review(request: HttpRequest, plan_id: ObjectId, body: ReviewIn) -> Any:
    """Record a review; the plan's figures of that day are computed and kept (exact decimals)."""
    user = api_user(request)
    plan = get_visible(AccountPlan.objects.for_user(user), plan_id, "plan")
    review = create_review(
        plan,
        user,
        reviewed_on=body.reviewed_on,
        findings=body.findings,
        recalibrations=body.recalibrations,
        revision_ids=body.revision_ids,
    )
    return 201, _review(review)


@router.get(
    "/lost-deals", response={200: list[MicroPlanOut], **AUTH_ERRORS}, summary="List micro-plans"
)
def list_micro_plans(request: HttpRequest) -> Any:
    """Micro-plans of lost deals the caller may see, by re-engagement date."""
    qs = micro_plans(api_user(request)).order_by("reengage_on", "pk")[:1000]
    return [lost_deals_json(m) for m in qs]


@router.post(
    "/lost-deals/{micro_plan_id}/re-engage",
    response={200: MicroPlanOut, **WRITE_ERRORS},
    summary="Re-engage a lost deal (opens a win-back deal)",
)
def post_reengage(request: HttpRequest, micro_plan_id: ObjectId) -> Any:
    """Open a win-back opportunity linked to the lost one; twice is once."""
    user = api_user(request)
    micro = get_visible(micro_plans(user), micro_plan_id, "micro-plan")
    reengage(micro, user)
    micro.refresh_from_db()
    return lost_deals_json(micro)


@router.get(
    "/number", response={200: list[NumberRowOut], **AUTH_ERRORS}, summary="Next year's number"
)
def number(request: HttpRequest, period: str) -> Any:
    """Per the whole book, owner and territory: target, goal builds, run rate, gap."""
    return [r.as_dict() for r in the_number(api_user(request), period)]

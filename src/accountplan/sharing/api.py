"""API of sharing: list, create and revoke a plan's share links; publish its shared view; read
the joint expectations and the customer's scorecard.

Same permissions as the pages: the plan must be visible (else 404) and writes need the right to
edit it (else 403). A created link's ``url`` is in that one answer only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from accountplan.core.api_auth import api_user
from accountplan.core.api_common import DETAIL_ERRORS, ErrorOut, ObjectId, get_visible
from accountplan.plans.models import AccountPlan
from accountplan.sharing import expectations, links, scorecard_services, services
from accountplan.sharing import scorecard as sc
from accountplan.sharing.models import ShareLink, Side

router = Router(tags=["sharing"])
WRITE_ERRORS: dict[int, Any] = {**DETAIL_ERRORS, 400: ErrorOut, 403: ErrorOut}


class LinkIn(Schema):
    email: str = Field(..., max_length=254)
    name: str = Field("", max_length=200)
    sections: list[str] = Field(default_factory=list, max_length=20)
    expires: dt.datetime | None = None
    require_code: bool = False


class LinkOut(Schema):
    id: int
    plan_id: int
    recipient: str
    email: str
    sections: list[str]
    expires_at: dt.datetime
    require_code: bool
    active: bool
    revoked_at: dt.datetime | None
    created_at: dt.datetime
    last_access_at: dt.datetime | None


class NewLinkOut(LinkOut):
    url: str = Field(description="The link; in this answer only, never again.")


class PublishedOut(Schema):
    number: int
    published_at: dt.datetime
    sections: list[str]


def _out(link: ShareLink) -> dict[str, Any]:
    return {
        "id": link.pk,
        "plan_id": link.plan_id,
        "recipient": link.recipient,
        "email": link.email,
        "sections": list(link.sections or []),
        "expires_at": link.expires_at,
        "require_code": link.require_code,
        "active": link.is_active(),
        "revoked_at": link.revoked_at,
        "created_at": link.created_at,
        "last_access_at": link.last_access_at,
    }


@router.get(
    "/plans/{plan_id}/share-links",
    response={200: list[LinkOut], **DETAIL_ERRORS},
    summary="List a plan's share links",
)
def list_links(request: HttpRequest, plan_id: ObjectId) -> Any:
    """Every link of the plan, newest first, active or not (never the token)."""
    plan = get_visible(AccountPlan.objects.for_user(api_user(request)), plan_id, "plan")
    return [_out(lk) for lk in ShareLink.objects.filter(plan=plan)]


@router.post(
    "/plans/{plan_id}/share-links",
    response={201: NewLinkOut, **WRITE_ERRORS},
    summary="Create a share link (its url is returned once)",
)
def create_link(request: HttpRequest, plan_id: ObjectId, body: LinkIn) -> Any:
    """A link for one recipient; default expiry 30 days, at most a year."""
    user = api_user(request)
    plan = get_visible(AccountPlan.objects.for_user(user), plan_id, "plan")
    new = links.create_link(
        plan,
        user,
        email=body.email,
        name=body.name,
        sections=body.sections,
        expires=body.expires,
        require_code=body.require_code,
    )
    return 201, {**_out(new.link), "url": request.build_absolute_uri(new.path())}


@router.post(
    "/share-links/{link_id}/revoke",
    response={200: LinkOut, **WRITE_ERRORS},
    summary="Revoke a share link",
)
def revoke_link(request: HttpRequest, link_id: ObjectId) -> Any:
    """The link stops working at once (twice is once)."""
    user = api_user(request)
    link = links.get_link(AccountPlan.objects.for_user(user), link_id)
    return _out(links.revoke(link, user))


@router.post(
    "/plans/{plan_id}/share/publish",
    response={201: PublishedOut, **WRITE_ERRORS},
    summary="Publish the plan's shared view",
)
def publish(request: HttpRequest, plan_id: ObjectId) -> Any:
    """Freeze what is marked shared now as the view customers see."""
    user = api_user(request)
    plan = get_visible(AccountPlan.objects.for_user(user), plan_id, "plan")
    rev = services.publish(plan, user)
    return 201, {
        "number": rev.number,
        "published_at": rev.published_at,
        "sections": [s["key"] for s in rev.data["sections"]],
    }


# --- Joint expectations and the customer scorecard (read only) ---------------------------------


class ExpectationOut(Schema):
    side: str = Field(description="customer or us")
    position: int
    body: str
    author: str
    written_at: dt.datetime


class PairOut(Schema):
    theirs: str | None
    ours: str | None
    alignment: str
    alignment_label: str
    agreed_action: str
    action_id: str


class SessionOut(Schema):
    number: int | None = Field(description="None: no session yet")
    customer_in_at: dt.datetime | None = None
    us_in_at: dt.datetime | None = None
    opened_at: dt.datetime | None = None
    reviewed_at: dt.datetime | None = None
    revealed: bool = False
    customer: list[ExpectationOut] = Field(
        default_factory=list, description="Empty until revealed (both in, or opened)."
    )
    ours: list[ExpectationOut] = Field(default_factory=list)
    review: list[PairOut] = Field(default_factory=list)


class ScoreOut(Schema):
    metric: str
    weight: Decimal
    score: int | None = Field(description="1–5; None: N/A")
    comment: str


class ScoredQuarterOut(Schema):
    period: str
    weighted_score: Decimal | None = Field(
        description="Σ(weight × score) / Σ(weights of the scored metrics); None: unknown"
    )
    change: Decimal | None
    scored_by: str
    scored_at: dt.datetime
    scores: list[ScoreOut]


class MetricOut(Schema):
    name: str
    weight: Decimal


class CustomerScorecardOut(Schema):
    metrics: list[MetricOut]
    periods: list[ScoredQuarterOut]


def _expectation(e: Any) -> dict[str, Any]:
    return {
        "side": e.side,
        "position": e.position,
        "body": e.body,
        "author": e.author_label,
        "written_at": e.written_at,
    }


@router.get(
    "/plans/{plan_id}/expectations",
    response={200: SessionOut, **DETAIL_ERRORS},
    summary="The plan's latest joint expectation session",
)
def get_expectations(request: HttpRequest, plan_id: ObjectId) -> Any:
    """Both sides' expectations (the customer's only once revealed) and the review."""
    plan = get_visible(AccountPlan.objects.for_user(api_user(request)), plan_id, "plan")
    rnd = expectations.latest_round(plan)
    if rnd is None:
        return {"number": None}
    view = expectations.side_view(rnd, Side.US)
    rows = expectations.review_rows(rnd) if rnd.reviewed_at else []
    return {
        "number": rnd.number,
        "customer_in_at": rnd.customer_in_at,
        "us_in_at": rnd.us_in_at,
        "opened_at": rnd.opened_at,
        "reviewed_at": rnd.reviewed_at,
        "revealed": rnd.revealed,
        "customer": [_expectation(e) for e in view["theirs"]],
        "ours": [_expectation(e) for e in view["mine"]],
        "review": [
            {
                "theirs": r["theirs"].body if r["theirs"] else None,
                "ours": r["ours"].body if r["ours"] else None,
                "alignment": r["alignment"],
                "alignment_label": r["alignment_label"],
                "agreed_action": r["agreed_action"],
                "action_id": r.get("action_id", ""),
            }
            for r in rows
        ],
    }


@router.get(
    "/plans/{plan_id}/scorecard",
    response={200: CustomerScorecardOut, 400: ErrorOut, **DETAIL_ERRORS},
    summary="The customer's scorecard of us: metrics and scored quarters",
)
def get_scorecard(request: HttpRequest, plan_id: ObjectId, period: str = "") -> Any:
    """The active metrics and every scored quarter, oldest first (``period``: that one only;
    400 if it is not a quarter such as 2026-Q2)."""
    plan = get_visible(AccountPlan.objects.for_user(api_user(request)), plan_id, "plan")
    if period:
        sc.parse_period(period)
    rows = scorecard_services.history(plan)
    return {
        "metrics": [
            {"name": m.name, "weight": m.weight} for m in scorecard_services.active_metrics(plan)
        ],
        "periods": [period_json(r) for r in rows if not period or r.period == period],
    }


def period_json(r: scorecard_services.PeriodRow) -> dict[str, Any]:
    """A scored quarter as plain data (the API's and the CLI's ``--json``)."""
    return {
        "period": r.period,
        "weighted_score": r.weighted,
        "change": r.change,
        "scored_by": r.recipient,
        "scored_at": r.scored_at,
        "scores": [
            {"metric": s.name, "weight": s.weight, "score": s.score, "comment": s.comment}
            for s in r.scores
        ],
    }

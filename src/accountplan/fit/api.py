"""API of the fit scorecard: read a deal's fit (score, parts, answers, history), write its
answers, read and change the settings. Same permissions as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Body, Field, Router, Schema

from accountplan.book.models import Opportunity
from accountplan.core.api_auth import api_user
from accountplan.core.api_common import AUTH_ERRORS, DETAIL_ERRORS, ErrorOut, ObjectId, get_visible
from accountplan.fit import selectors, services
from accountplan.fit.settings import FitSettingsError, layout_of, validate

router = Router(tags=["opportunity fit"])
WRITE_ERRORS: dict[int, Any] = {**DETAIL_ERRORS, 400: ErrorOut, 403: ErrorOut}


class FitAnswerIn(Schema):
    key: str = Field(..., max_length=48)
    value: Literal["yes", "no", "unknown"]
    evidence: str = Field("", max_length=500)


class FitAnswersIn(Schema):
    answers: list[FitAnswerIn] = Field(..., max_length=100)


class FitPartOut(Schema):
    kind: str
    key: str
    label: str
    block: str
    answer: str
    weight: str | None
    points: str | None
    formula: str


class FitQuestionOut(Schema):
    key: str
    question: str


class FitDemandOut(Schema):
    reading: str
    established: int
    emerging: int
    unknown: int


class FitAnswerOut(Schema):
    key: str
    value: str
    evidence: str
    updated_at: dt.datetime
    updated_by: str | None


class FitChangeOut(Schema):
    key: str
    old_value: str
    new_value: str
    evidence: str
    changed_at: dt.datetime
    changed_by: str | None
    score_after: str | None
    band_after: str


class FitOut(Schema):
    opportunity_id: int
    score: str = Field(..., examples=["62.5"])
    band: str
    guidance: str
    gated: bool
    points: str | None
    total_weight: str | None
    formula: str
    parts: list[FitPartOut]
    discovery: list[FitQuestionOut]
    demand: FitDemandOut
    answered: int
    answers: list[FitAnswerOut]
    history: list[FitChangeOut]


def _fit_out(opp: Opportunity, scored: selectors.Scored) -> dict[str, Any]:
    out = scored.result.as_dict()
    out["opportunity_id"] = opp.pk
    out["answers"] = [
        {
            "key": a.key,
            "value": a.value,
            "evidence": a.evidence,
            "updated_at": a.updated_at,
            "updated_by": str(a.updated_by) if a.updated_by else None,
        }
        for a in sorted(scored.answers.values(), key=lambda a: a.key)
    ]
    out["history"] = [
        {
            "key": h.key,
            "old_value": h.old_value,
            "new_value": h.new_value,
            "evidence": h.evidence,
            "changed_at": h.changed_at,
            "changed_by": str(h.changed_by) if h.changed_by else None,
            "score_after": None if h.score_after is None else str(h.score_after),
            "band_after": h.band_after,
        }
        for h in selectors.history(opp)
    ]
    return out


def _opp(request: HttpRequest, opportunity_id: int) -> Opportunity:
    qs = Opportunity.objects.for_user(api_user(request)).select_related("account")
    return get_visible(qs, opportunity_id, "Opportunity")


@router.get(
    "/opportunities/{opportunity_id}/fit",
    response={200: FitOut, **DETAIL_ERRORS},
    summary="An opportunity's fit",
)
def get_fit(request: HttpRequest, opportunity_id: ObjectId) -> dict[str, Any]:
    """The fit score with every part explained, the demand reading, the discovery questions,
    the answers and their history."""
    opp = _opp(request, opportunity_id)
    return _fit_out(opp, selectors.scored_one(opp))


@router.put(
    "/opportunities/{opportunity_id}/fit/answers",
    response={200: FitOut, **WRITE_ERRORS},
    summary="Answer fit questions",
)
def put_answers(request: HttpRequest, opportunity_id: ObjectId, body: FitAnswersIn) -> Any:
    """Set the given answers (others keep theirs); each change is recorded. Who may write the
    account's plans may answer; unknown keys are a 422."""
    opp = _opp(request, opportunity_id)
    given: dict[str, tuple[str, str]] = {a.key: (a.value, a.evidence) for a in body.answers}
    try:
        scored = services.save_answers(api_user(request), opp, given)
    except services.AnswerInvalid as exc:
        problems = exc.details if isinstance(exc.details, list) else [exc.message]
        return 422, {
            "detail": [
                {"type": "value_error", "loc": ["body", "answers"], "msg": str(m)} for m in problems
            ]
        }
    return _fit_out(opp, scored)


@router.get("/fit/settings", response={200: dict[str, Any], **AUTH_ERRORS}, summary="Fit settings")
def get_settings(request: HttpRequest) -> dict[str, Any]:
    """The fit scorecard's settings in the TOML file's layout (docs/opportunity-fit.md)."""
    api_user(request)
    return layout_of(validate(selectors.current_layout()))


@router.put(
    "/fit/settings",
    response={200: dict[str, Any], 400: ErrorOut, 403: ErrorOut, **AUTH_ERRORS},
    summary="Change the fit settings",
)
def put_settings(request: HttpRequest, body: Body[dict[str, Any]]) -> Any:
    """Replace the settings (managers and admins); every problem is listed in a 422."""
    try:
        row = services.save_settings(api_user(request), body)
    except FitSettingsError as exc:
        problems = exc.details if isinstance(exc.details, list) else [exc.message]
        return 422, {
            "detail": [{"type": "value_error", "loc": ["body"], "msg": str(m)} for m in problems]
        }
    return row.layout

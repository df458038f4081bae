"""JSON endpoints of drafts: draft a plan (or some sections), read a stored draft, accept it.

Drafting reads the account's data and stores the draft (not the plan): who may edit the
account's plans asks for one. Accepting writes the chosen entries into the plan as revisions
marked as drafted, on top of the versions the draft was made beside; values someone else
changed since answer 409 with nothing saved.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from accountplan.book.models import Account
from accountplan.core.api_auth import api_user
from accountplan.core.api_common import DETAIL_ERRORS, ErrorOut, ObjectId, get_visible
from accountplan.drafts import services
from accountplan.plans.sections import SectionInvalid, title_of
from accountplan.plans.services import SectionConflict

router = Router(tags=["drafts"])
WRITE_ERRORS: dict[int, Any] = {**DETAIL_ERRORS, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut}


class DraftIn(Schema):
    account_id: ObjectId
    period: str = Field(..., max_length=20, examples=["FY2027"])
    sections: list[str] | None = Field(
        None, description="Section keys to draft (all when omitted).", max_length=10
    )


class DraftAcceptIn(Schema):
    entries: list[str] | None = Field(
        None, description="Entry refs (section.index) to accept; all when omitted.", max_length=500
    )
    edits: dict[str, str] = Field(default_factory=dict, description="ref → edited text.")
    base_versions: dict[str, int] = Field(
        default_factory=dict,
        description="Section key → the version you saw (defaults: the "
        "versions the draft was made beside).",
    )


class DraftLinkOut(Schema):
    label: str
    url: str


class DraftFactOut(Schema):
    id: str
    kind: str
    label: str
    table: str
    row_ids: list[int | str]
    as_of: str
    links: list[DraftLinkOut]


class DraftEntryOut(Schema):
    ref: str
    field: str
    text: str
    fact_ids: list[str]
    item: dict[str, Any]
    origin: str
    fallback_reason: str


class DraftSectionOut(Schema):
    key: str
    title: str
    entries: list[DraftEntryOut]


class DraftOut(Schema):
    id: int | None
    plan_id: int | None
    account_id: int
    period: str
    as_of: str
    facts_version: int
    badge: str = Field(..., description='"from data", or "rewritten by <model>".')
    rewrite: dict[str, Any]
    sections: list[DraftSectionOut]
    facts: list[DraftFactOut] = Field(..., description="The facts the entries cite.")


class DraftAcceptedOut(Schema):
    plan_id: int
    saved: dict[str, int] = Field(..., description="Section key → its new version.")
    summaries: dict[str, str]
    skipped: list[str]


def _out(record: Any) -> dict[str, Any]:
    draft, facts = services.stored(record)
    data = services.draft_json(record, draft, facts)
    for s in data["sections"]:
        s["title"] = title_of(s["key"])
    return data


@router.post("/drafts", response={201: DraftOut, **WRITE_ERRORS}, summary="Draft a plan")
def create(request: HttpRequest, body: DraftIn) -> tuple[int, dict[str, Any]]:
    """Draft every section (or ``sections``) of the account's plan for ``period`` from its data,
    each entry citing the facts it says; stored, not written into the plan."""
    user = api_user(request)
    account = get_visible(Account.objects.for_user(user), body.account_id, "Account")
    record = services.create_draft(account, body.period, body.sections, user)
    return 201, _out(record)


@router.get("/drafts/{draft_id}", response={200: DraftOut, **DETAIL_ERRORS}, summary="Get a draft")
def get_draft(request: HttpRequest, draft_id: ObjectId) -> dict[str, Any]:
    """A stored draft with the facts it cites."""
    return _out(services.visible_draft(api_user(request), draft_id))


@router.post(
    "/drafts/{draft_id}/accept",
    response={200: DraftAcceptedOut, **WRITE_ERRORS},
    summary="Accept a draft",
)
def accept(request: HttpRequest, draft_id: ObjectId, body: DraftAcceptIn) -> Any:
    """Write the chosen entries (all when ``entries`` is omitted) into the plan as revisions
    marked "Drafted from data"; creates the plan when the account has none for the period."""
    user = api_user(request)
    record = services.visible_draft(user, draft_id)
    try:
        result = services.accept_draft(record, user, body.entries, body.edits, body.base_versions)
    except SectionConflict as exc:
        return 409, {"detail": exc.message}
    except SectionInvalid as exc:
        return 400, {"detail": exc.message}
    assert result.plan is not None
    return {
        "plan_id": result.plan.pk,
        "saved": result.saved,
        "summaries": result.summaries,
        "skipped": result.skipped,
    }

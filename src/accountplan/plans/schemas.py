"""API schemas of plans (the sections' own schemas are in ``plans.sections``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from accountplan.core.api_common import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, FilterText, ObjectId
from accountplan.plans.models import PlanStatus


class UserRef(Schema):
    """A user by id and display name."""

    id: int
    name: str


class SectionState(Schema):
    """A section's version, last change and completeness state."""

    key: str
    title: str
    version: int
    updated_at: dt.datetime | None
    updated_by: UserRef | None
    state: str = Field(..., description="empty, partial, complete or stale")
    missing: list[str]


class TeamMemberOut(Schema):
    """A member of the plan's team: from the account team or added to this plan."""

    user: UserRef
    function: str
    source: str = Field(..., description="account_team or plan")


class PlanOut(Schema):
    """A plan in a list."""

    id: int
    account_id: int
    account_name: str
    period: str
    status: PlanStatus
    owner: UserRef | None
    cloned_from_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    completeness: int = Field(..., description="Percent, 0-100.")


class PlanDetailOut(PlanOut):
    """A plan with its team, its sections' states and whether the caller may edit it."""

    can_edit: bool
    team: list[TeamMemberOut]
    sections: list[SectionState]


class PlanPage(Schema):
    """One page of plans."""

    items: list[PlanOut]
    count: int
    limit: int
    offset: int


class PlanFilter(Schema):
    """Filters of the plan list (empty ones do not filter) and the page."""

    account: ObjectId | None = None
    period: FilterText | None = None
    status: PlanStatus | None = None
    owner: ObjectId | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class PlanCreateIn(Schema):
    """A new plan: the account, the period, optionally the owner (default: you) and status."""

    account_id: ObjectId
    period: str = Field(..., max_length=20, examples=["FY2027"])
    owner_id: ObjectId | None = None
    status: PlanStatus = PlanStatus.DRAFT


class PlanUpdateIn(Schema):
    """Plan fields to change (omitted ones stay)."""

    period: str | None = Field(None, max_length=20)
    status: PlanStatus | None = None
    owner_id: ObjectId | None = None


class CloneIn(Schema):
    """The period of the new plan."""

    period: str = Field(..., max_length=20, examples=["FY2028"])


class SectionOut(Schema):
    """A section's current data and version (send the version back as ``base_version``)."""

    key: str
    title: str
    version: int
    data: dict[str, Any]
    updated_at: dt.datetime | None
    updated_by: UserRef | None
    can_edit: bool


class SectionIn(Schema):
    """New data for a section, on top of the version you loaded."""

    base_version: int = Field(..., ge=1, le=2**31 - 1)
    data: dict[str, Any]


class ChangeOut(Schema):
    """One difference: path (``needs[<item id>].rank``), kind, before and after."""

    path: str
    kind: str
    before: Any
    after: Any
    list_name: str
    item_id: str


class ConflictBody(Schema):
    """What the other person saved, and what you tried to save."""

    section: str
    base_version: int
    current_version: int
    current_data: dict[str, Any]
    updated_by: UserRef | None
    updated_at: dt.datetime
    changes: list[ChangeOut]
    attempted: Any


class ConflictOut(Schema):
    """409: someone saved this section after you loaded it; nothing was saved."""

    detail: str
    conflict: ConflictBody


class RevisionOut(Schema):
    """One recorded change."""

    id: int
    key: str
    title: str
    version: int
    author: UserRef | None
    created_at: dt.datetime
    summary: str
    restored_from_id: int | None


class RevisionDetailOut(RevisionOut):
    """A recorded change with the full data after it."""

    data: dict[str, Any]


class RevisionPage(Schema):
    """One page of history, newest first."""

    items: list[RevisionOut]
    count: int
    limit: int
    offset: int


class HistoryFilter(Schema):
    """History of one section (or ``plan``), or all; and the page."""

    key: str | None = Field(None, max_length=32)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class CompareOut(Schema):
    """The changes from one revision to another (or to the current section)."""

    key: str
    from_version: int
    to_version: int
    summary: str
    changes: list[ChangeOut]


class CompletenessOut(Schema):
    """Completeness of a plan: overall percent, counts by state, per section."""

    percent: int
    counts: dict[str, int]
    sections: list[dict[str, Any]]

"""API schemas of plans (the sections' own schemas are in ``plans.sections``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from accountplan.core.api_common import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, FilterText, ObjectId
from accountplan.plans.models import PlanStatus


class PlanUserRef(Schema):
    """A user by id and display name."""

    id: int
    name: str


class SectionState(Schema):
    """A section's version, last change and completeness state."""

    key: str
    title: str
    version: int
    updated_at: dt.datetime | None
    updated_by: PlanUserRef | None
    state: str = Field(..., description="empty, partial, complete or stale")
    missing: list[str]


class PlanTeamMemberOut(Schema):
    """A member of the plan's team: from the account team or added to this plan."""

    user: PlanUserRef
    function: str
    source: str = Field(..., description="account_team or plan")


class PlanOut(Schema):
    """A plan in a list."""

    id: int
    account_id: int
    account_name: str
    period: str
    status: PlanStatus
    owner: PlanUserRef | None
    cloned_from_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    completeness: int = Field(..., description="Percent, 0-100.")


class PlanDetailOut(PlanOut):
    """A plan with its team, its sections' states and whether the caller may edit it."""

    can_edit: bool
    team: list[PlanTeamMemberOut]
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
    below: int | None = Field(
        None, ge=1, le=100, description="Only plans whose completeness is below this percent."
    )
    sort: Literal["account", "completeness", "-completeness"] = Field(
        "account",
        description="account (name, then newest period first) or completeness (either way).",
    )
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
    updated_by: PlanUserRef | None
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


class FieldConflictOut(Schema):
    """A value both you and the other person changed since your base version.

    ``mine`` or ``theirs`` is null for an item that side removed while the other changed it.
    """

    path: str
    base: Any
    mine: Any
    theirs: Any


class ConflictBody(Schema):
    """What the other person saved, what you both changed, and the merge to save next."""

    section: str
    base_version: int
    current_version: int
    current_data: dict[str, Any]
    updated_by: PlanUserRef | None
    updated_at: dt.datetime
    changes: list[ChangeOut]
    conflicts: list[FieldConflictOut]
    merged: Any
    errors: list[dict[str, Any]]
    attempted: Any


class ConflictOut(Schema):
    """409: someone saved this section after you loaded it and changed some of the same
    fields (``conflict.conflicts``); nothing was saved. Non-overlapping changes merge (200)."""

    detail: str
    conflict: ConflictBody


class RevisionOut(Schema):
    """One recorded change."""

    id: int
    key: str
    title: str
    version: int
    author: PlanUserRef | None
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


# --- computed sections ------------------------------------------------------------------------
# Money is a decimal string with two decimals, as everywhere in the API.


class OverviewRowOut(Schema):
    """Deals of one product and type: won, open and lost, with amounts; attempted = all three."""

    product: str
    type: str
    attempted: int
    won: int
    won_amount: Decimal
    open: int
    open_amount: Decimal
    lost: int
    lost_amount: Decimal


class WonContactOut(Schema):
    """A contact on a won deal, with their role on it."""

    contact_id: int
    contact: str
    title: str
    role: str
    deal: str
    product: str
    close_date: dt.date | None


class LossOut(Schema):
    """A lost deal and why it was lost."""

    deal: str
    product: str
    type: str
    amount: Decimal
    close_date: dt.date | None
    reason: str
    competitor: str


class LossReasonOut(Schema):
    """How many deals were lost for a reason, and for how much."""

    reason: str
    deals: int
    amount: Decimal


class WhiteSpaceCellOut(Schema):
    """A white-space cell of the account in the current snapshot, biggest first."""

    item: str
    item_name: str
    product_id: int | None
    state: str
    current_revenue: Decimal
    potential: Decimal | None
    whitespace_value: Decimal | None
    propensity: float | None


class AccountOverviewOut(Schema):
    """The account overview section, computed from the book and the current analytics snapshot
    (figures are null and lists empty when there is no snapshot yet)."""

    plan_id: int
    account_id: int
    account_name: str
    rows: list[OverviewRowOut]
    won_contacts: list[WonContactOut]
    losses: list[LossOut]
    loss_reasons: list[LossReasonOut]
    current_revenue: Decimal | None
    whitespace_value: Decimal | None
    play: str
    tier: int | None
    whitespace: list[WhiteSpaceCellOut]
    as_of: dt.date | None


class ProspectingInputsOut(Schema):
    """The prospecting inputs in effect: typed in the section, else drawn from the data."""

    current_revenue: Decimal | None = None
    growth_pct: Decimal | None = None
    deal_size: Decimal | None = None
    win_rate_pct: Decimal | None = None
    prospects_per_opportunity: Decimal | None = None
    expected_upgrades: Decimal | None = None
    cycle_months: int | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None


class ProspectingResultOut(Schema):
    """The computed plan (see docs/plans.md for the rules)."""

    growth_target: Decimal
    gap: Decimal
    deals: int
    opportunities: int
    prospects: int
    period_months: int | None
    lead_months: int
    pipeline_start: dt.date | None


class MeasureOut(Schema):
    """One measure at the date: planned, expected by now, actual, percent of plan, pace."""

    name: str = Field(..., description="prospects, opportunities or deals")
    planned: int
    expected: Decimal
    actual: int
    pct_of_plan: Decimal | None
    status: str = Field(..., description="not_started, behind, on_track or ahead")


class AttainmentOut(Schema):
    """Attainment against the plan at the pace the date implies."""

    today: dt.date
    elapsed_share: Decimal = Field(..., description="Share of the period gone by, 0 to 1.")
    measures: list[MeasureOut]


class ProspectingActualOut(Schema):
    """In the period at the account: contacts engaged, opportunities opened, deals won."""

    prospects: int
    opportunities: int
    won: int


class ProspectingPlanOut(Schema):
    """The prospecting section computed: inputs in effect, the plan, actuals and attainment.

    ``plan`` and ``attainment`` are null when an input is missing or out of range; ``error``
    then says what to give or fix.
    """

    plan_id: int
    section_version: int
    inputs: ProspectingInputsOut
    from_data: list[str] = Field(..., description="Inputs drawn from the data, not typed.")
    from_goal_build: list[str] = Field(
        default_factory=list,
        description="Inputs the goal build sets (growth % and expected upgrades, when it has an "
        "objective).",
    )
    objective: Decimal | None = Field(
        None, description="The goal build's objective: the growth target when set."
    )
    period_start: dt.date
    period_end: dt.date
    plan: ProspectingResultOut | None
    actual: ProspectingActualOut
    attainment: AttainmentOut | None
    error: str

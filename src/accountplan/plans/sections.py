"""The sections of an account plan and the Pydantic schema that validates each one's data.

A section's data is a JSON object. Every field is optional or defaulted, so an empty section
(``{}``) is valid; strings are stripped; items of a list carry a stable ``id`` (uuid4 hex, made
when missing) so edits, diffs and clones can address them. ``validate_section`` turns raw data
into the stored, normalised form (decimals as strings, dates ISO) or raises ``SectionInvalid``
whose ``errors`` say, per field, what to fix.

The section keys and the choices inside sections are in ``section_choices`` (its Django import is
only for ``TextChoices``), the field types in ``section_fields``: the schemas are usable without
a database. Keys and choices are re-exported here, as modules read them as ``sections.X``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, Field, ValidationError, model_validator

from accountplan.book.choices import TeamFunction
from accountplan.core.errors import DomainError
from accountplan.plans.section_choices import ACCOUNT_OVERVIEW as ACCOUNT_OVERVIEW
from accountplan.plans.section_choices import (
    OUTLINE,
    REVISION_KEYS,
    ActionStatus,
    Attitude,
    BuyingRole,
    CompetitivePosition,
    ComponentKind,
    DependencyStatus,
    HealthRating,
    Influence,
    MilestoneMeasure,
    MilestoneStatus,
    Mobilizer,
    NewsKind,
    SectionKey,
)
from accountplan.plans.section_choices import PLAN_KEY as PLAN_KEY
from accountplan.plans.section_fields import (
    MAX_ITEMS,
    Item,
    ItemId,
    Items,
    Line,
    Money,
    RequiredLine,
    RowId,
    Text,
    Url,
    _Base,
    _unique_ids,
)
from accountplan.plans.section_fields import new_id as new_id

# --- company_overview ---------------------------------------------------------------------------


class NewsItem(Item):
    """A dated news signal with its source."""

    kind: NewsKind | None = None
    date: dt.date | None = None
    title: RequiredLine
    source_url: Url = ""
    notes: Text = ""


class CompanyOverview(_Base):
    """Who the customer is: description, history, mission, and news signals."""

    description: Text = ""
    history: Text = ""
    mission: Text = ""
    news: Items[NewsItem] = Field(default_factory=list)


# --- profile_position ---------------------------------------------------------------------------


class FinancialHealth(_Base):
    """The customer's financial health: a rating and the reasons."""

    rating: HealthRating | None = None
    text: Text = ""


class Competitor(Item):
    """A competitor at the account: what they supply and where we stand."""

    name: RequiredLine
    supplies: Line = ""
    our_position: CompetitivePosition | None = None
    notes: Text = ""


SwotList = Annotated[list[RequiredLine], Field(max_length=50)]


class Swot(_Base):
    """Strengths, weaknesses, opportunities, threats (of us at this customer)."""

    strengths: SwotList = Field(default_factory=list)
    weaknesses: SwotList = Field(default_factory=list)
    opportunities: SwotList = Field(default_factory=list)
    threats: SwotList = Field(default_factory=list)


class ProfilePosition(_Base):
    """Where we are now: financial health, competitors and position, SWOT."""

    financial_health: FinancialHealth = Field(default_factory=FinancialHealth)
    competitors: Items[Competitor] = Field(default_factory=list)
    swot: Swot = Field(default_factory=Swot)


# --- customer_goals -----------------------------------------------------------------------------


class Priority(Item):
    """One of the customer's top priorities for the next 12 months."""

    text: RequiredLine


class CustomerGoals(_Base):
    """The customer's north-star metric and how they will reach it."""

    north_star_metric: Line = ""
    priorities_12m: Items[Priority] = Field(default_factory=list)
    efforts_made: Text = ""
    biggest_challenge: Text = ""
    success_measures: Text = ""
    how_they_achieve: Text = ""


# --- needs --------------------------------------------------------------------------------------

#: The seeds ask for the top three to five needs.
MAX_NEEDS = 5


class Need(Item):
    """A customer need, ranked, tied to stakeholders (contacts) and our products."""

    rank: int | None = Field(default=None, ge=1, le=MAX_NEEDS)
    need: RequiredLine
    stakeholder_contact_ids: list[RowId] = Field(default_factory=list, max_length=50)
    product_ids: list[RowId] = Field(default_factory=list, max_length=50)
    notes: Text = ""


def _top_needs(items: list[Need]) -> list[Need]:
    if len(items) > MAX_NEEDS:
        raise ValueError(f"keep to the top {MAX_NEEDS} needs ({len(items)} given)")
    ranks = [n.rank for n in items if n.rank is not None]
    for rank in sorted(set(ranks)):
        if ranks.count(rank) > 1:
            raise ValueError(f"rank {rank} is given to {ranks.count(rank)} needs: each rank once")
    return _unique_ids(items)


class Needs(_Base):
    """The top 3–5 needs."""

    needs: Annotated[list[Need], AfterValidator(_top_needs)] = Field(default_factory=list)


# --- relationships ------------------------------------------------------------------------------


class Stakeholder(Item):
    """A contact on the relationship map with their role, weight and our relationship."""

    contact_id: RowId
    # Every judgement starts unknown (None) until someone makes it: a default here would be an
    # invented fact that then drives the coverage gaps and the degree of separation.
    buying_role: BuyingRole | None = None
    influence: Influence | None = None
    attitude: Attitude | None = None
    mobilizer: Mobilizer | None = None
    strength: int | None = Field(
        default=None, ge=1, le=5, description="Relationship strength, 1 (none) to 5."
    )
    our_owner_id: RowId | None = None
    notes: Text = ""


def _one_row_per_contact(items: list[Stakeholder]) -> list[Stakeholder]:
    seen: set[int] = set()
    for item in items:
        if item.contact_id in seen:
            raise ValueError(f"contact {item.contact_id} is on the map twice")
        seen.add(item.contact_id)
    return _unique_ids(items)


class Relationships(_Base):
    """The stakeholders on the map (the org chart itself comes from Contact.reports_to)."""

    stakeholders: Annotated[
        list[Stakeholder], Field(max_length=MAX_ITEMS), AfterValidator(_one_row_per_contact)
    ] = Field(default_factory=list)


# --- goals --------------------------------------------------------------------------------------


class Component(Item):
    """A part of the goal build: where some of the growth objective comes from."""

    kind: ComponentKind
    product_id: RowId | None = None
    buying_center_id: RowId | None = None
    amount: Money | None = None
    opportunity_ids: list[RowId] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="Deals explicitly linked to this component (they count here and nowhere else).",
    )
    notes: Text = ""
    source_cell: Line = Field(default="", description="White-space item key it was picked from.")
    carried_over: bool = False


class Goals(_Base):
    """The growth objective for the period, the strategy, and the goal build."""

    objective_amount: Money | None = None
    objective_text: Text = ""
    strategy: Text = ""
    components: Items[Component] = Field(default_factory=list)

    @model_validator(mode="after")
    def _deal_linked_once(self) -> Goals:
        seen: dict[int, str] = {}
        for c in self.components:
            for opp in c.opportunity_ids:
                if opp in seen and seen[opp] != c.id:
                    raise ValueError(f"deal {opp} is linked to two components: a deal counts once")
                seen[opp] = c.id
        return self


# --- prospecting --------------------------------------------------------------------------------


class ProspectingInputsData(_Base):
    """The prospecting plan's inputs; blanks are filled from the data when the plan is shown."""

    current_revenue: Money | None = None
    growth_pct: Decimal | None = Field(default=None, ge=0, le=1000, max_digits=8, decimal_places=2)
    deal_size: Money | None = Field(default=None, gt=0)
    win_rate_pct: Decimal | None = Field(default=None, gt=0, le=100, max_digits=6, decimal_places=2)
    prospects_per_opportunity: Decimal | None = Field(
        default=None, gt=0, le=10_000, max_digits=8, decimal_places=2
    )
    expected_upgrades: Money | None = None
    cycle_months: int | None = Field(default=None, ge=0, le=120)
    period_start: dt.date | None = None
    period_end: dt.date | None = None

    @model_validator(mode="after")
    def _period_in_order(self) -> ProspectingInputsData:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValueError("period_end must be on or after period_start")
        return self


class Prospecting(_Base):
    """The prospecting plan (seed 002)."""

    inputs: ProspectingInputsData = Field(default_factory=lambda: ProspectingInputsData())
    notes: Text = ""


# --- actions ------------------------------------------------------------------------------------


class Action(Item):
    """A step of the action plan, tied to a goal-build component."""

    title: RequiredLine
    component_id: ItemId | None = None
    owner_id: RowId | None = None
    function: TeamFunction | None = None
    due_date: dt.date | None = None
    status: ActionStatus | None = None
    campaign_id: RowId | None = None  # a marketing campaign the action rides on (issue 13)
    notes: Text = ""
    carried_over: bool = False


class Actions(_Base):
    """The action plan."""

    actions: Items[Action] = Field(default_factory=list)


# --- team_support -------------------------------------------------------------------------------


class Commitment(Item):
    """An internal commitment a function makes to the plan."""

    function: TeamFunction | None = None
    commitment: RequiredLine
    owner_id: RowId | None = None


class Dependency(Item):
    """Something the plan depends on, inside our company or outside it."""

    internal: bool = True
    description: RequiredLine
    owner: Line = ""
    due_date: dt.date | None = None
    status: DependencyStatus | None = None


class TeamSupport(_Base):
    """Internal commitments by function; internal and external dependencies."""

    commitments: Items[Commitment] = Field(default_factory=list)
    dependencies: Items[Dependency] = Field(default_factory=list)


# --- dashboard ----------------------------------------------------------------------------------


class Milestone(Item):
    """A milestone: what, by when, and how it went.

    A milestone with a ``measure`` (won revenue, open pipeline) takes its actual from the data:
    the deals credited to ``component_id`` (or to the whole plan when blank), compared with
    ``target_amount`` (see ``plans.attribution``); the typed ``actual`` is then not used.
    """

    title: RequiredLine
    target: Line = ""
    measure: MilestoneMeasure | None = None
    component_id: ItemId | None = None
    target_amount: Money | None = None
    date: dt.date | None = None
    actual: Line = ""
    status: MilestoneStatus | None = None


class Adjustment(Item):
    """A dated note on how the plan was adjusted."""

    date: dt.date | None = None
    note: RequiredLine


class Dashboard(_Base):
    """Milestones and adjustments (the figures themselves are computed)."""

    milestones: Items[Milestone] = Field(default_factory=list)
    adjustments: Items[Adjustment] = Field(default_factory=list)


#: The schema of each stored section.
SCHEMAS: dict[str, type[_Base]] = {
    SectionKey.COMPANY_OVERVIEW: CompanyOverview,
    SectionKey.PROFILE_POSITION: ProfilePosition,
    SectionKey.CUSTOMER_GOALS: CustomerGoals,
    SectionKey.NEEDS: Needs,
    SectionKey.RELATIONSHIPS: Relationships,
    SectionKey.GOALS: Goals,
    SectionKey.PROSPECTING: Prospecting,
    SectionKey.ACTIONS: Actions,
    SectionKey.TEAM_SUPPORT: TeamSupport,
    SectionKey.DASHBOARD: Dashboard,
}


class SectionInvalid(DomainError):
    """The section's data did not validate; ``errors`` holds ``{loc, msg, type}`` per field."""

    status = 422

    def __init__(self, key: str, errors: list[dict[str, Any]]) -> None:
        self.key = key
        self.errors = errors
        lines = [f"{'.'.join(str(p) for p in e['loc']) or key}: {e['msg']}" for e in errors]
        super().__init__(f"The {key} section is not valid: " + "; ".join(lines), details=errors)


def section_key(key: str) -> SectionKey:
    """The ``SectionKey`` named ``key``, or a 404-style error listing the valid keys."""
    try:
        return SectionKey(key)
    except ValueError:
        from accountplan.core.errors import NotFound

        raise NotFound(
            f"Unknown section {key!r}; sections are: {', '.join(SectionKey.values)}."
        ) from None


def _clean_msg(msg: str) -> str:
    # Pydantic prefixes custom errors with "Value error, "; the rest is ours and reads well.
    return msg.removeprefix("Value error, ")


def parse_section(key: str, data: Any) -> _Base:
    """The section's data as its Pydantic model, or ``SectionInvalid`` saying what to fix."""
    schema = SCHEMAS[section_key(key)]
    if not isinstance(data, dict):
        raise SectionInvalid(key, [{"loc": [], "msg": "must be a JSON object", "type": "type"}])
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        errors = [
            {"loc": list(e["loc"]), "msg": _clean_msg(e["msg"]), "type": e["type"]}
            for e in exc.errors(include_url=False, include_context=False, include_input=False)
        ]
        raise SectionInvalid(key, errors) from None


def validate_section(key: str, data: Any) -> dict[str, Any]:
    """The stored form of a section's data: validated, stripped, ids made, JSON-ready."""
    return parse_section(key, data).model_dump(mode="json")


def empty_section(key: str) -> dict[str, Any]:
    """The stored form of an empty section."""
    return validate_section(key, {})


def title_of(key: str) -> str:
    """A section's human title (``plan`` included)."""
    return dict(OUTLINE + REVISION_KEYS).get(key, key)

"""PlanDocument: an account plan as plain, frozen data, ready for any renderer.

The renderers (PDF, PPTX, XLSX, Markdown) never touch the database: `build.build_document`
reads a plan once through the plans app and fills these dataclasses; a test can build one by hand.
Money is ``Decimal``, dates are ``datetime.date``; text is the user's text, unescaped (every
renderer escapes for its own format).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

#: What a renderer writes where a section (or a table) has nothing in it yet.
EMPTY = "Not filled in yet"


@dataclass(frozen=True)
class TeamMember:
    """Someone on the account team: from the book's account team or added to the plan."""

    name: str
    function: str
    responsibility: str = ""


@dataclass(frozen=True)
class SectionState:
    """How complete one section is: empty, partial, complete or stale."""

    key: str
    title: str
    state: str
    updated_at: dt.datetime | None = None
    updated_by: str = ""


@dataclass(frozen=True)
class Header:
    """The cover: whose plan, for which account and period, and where it stands."""

    account_id: int
    account_name: str
    period: str
    owner: str
    status: str
    industry: str = ""
    territory: str = ""
    location: str = ""
    cloned_from: str = ""
    updated_at: dt.datetime | None = None
    team: tuple[TeamMember, ...] = ()
    completeness_pct: int = 0
    sections: tuple[SectionState, ...] = ()


@dataclass(frozen=True)
class ProductHistory:
    """What was won, is open and was lost for one product and deal type."""

    product: str
    deal_type: str
    won: int = 0
    won_amount: Decimal = Decimal(0)
    open: int = 0
    open_amount: Decimal = Decimal(0)
    lost: int = 0
    lost_amount: Decimal = Decimal(0)


@dataclass(frozen=True)
class WonContact:
    """A contact on a won deal (from the opportunity's contact roles)."""

    name: str
    title: str
    role: str
    deal: str
    product: str


@dataclass(frozen=True)
class LossReason:
    """Why expansions failed: lost deals grouped by reason."""

    reason: str
    count: int
    amount: Decimal


@dataclass(frozen=True)
class AccountOverview:
    """Computed from the book and the current analytics snapshot, never typed in."""

    current_revenue: Decimal | None = None
    white_space_value: Decimal | None = None
    play: str = ""
    tier: int | None = None
    score: float | None = None
    history: tuple[ProductHistory, ...] = ()
    won_contacts: tuple[WonContact, ...] = ()
    loss_reasons: tuple[LossReason, ...] = ()


@dataclass(frozen=True)
class NewsItem:
    """A news signal about the company: a hire, a launch, an acquisition..."""

    kind: str
    date: dt.date | None
    title: str
    source_url: str = ""
    notes: str = ""


@dataclass(frozen=True)
class CompanyOverview:
    """What the customer does, where it comes from, and what is happening to it."""

    description: str = ""
    history: str = ""
    mission: str = ""
    news: tuple[NewsItem, ...] = ()


@dataclass(frozen=True)
class Competitor:
    """A competitor at the account and where we stand against it."""

    name: str
    supplies: str = ""
    our_position: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Profile:
    """Profile and position: financial health, competitors, SWOT."""

    financial_health: str = ""
    financial_rating: str = ""
    competitors: tuple[Competitor, ...] = ()
    strengths: tuple[str, ...] = ()
    weaknesses: tuple[str, ...] = ()
    opportunities: tuple[str, ...] = ()
    threats: tuple[str, ...] = ()


@dataclass(frozen=True)
class CustomerGoals:
    """The customer's north star and the answers to the seed's five questions."""

    north_star_metric: str = ""
    priorities: tuple[str, ...] = ()
    efforts_made: str = ""
    biggest_challenge: str = ""
    success_measures: str = ""
    how_they_achieve: str = ""


@dataclass(frozen=True)
class Need:
    """One of the top needs, ranked, tied to stakeholders and our products."""

    rank: int | None
    need: str
    stakeholders: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class Stakeholder:
    """A person on the relationship map."""

    contact_id: int | None
    name: str
    title: str = ""
    department: str = ""
    buying_role: str = ""
    influence: str = ""
    attitude: str = ""
    mobilizer: str = ""
    strength: int | None = None
    our_owner: str = ""
    last_contact: dt.date | None = None
    notes: str = ""


@dataclass(frozen=True)
class OrgNode:
    """A box of the org chart: a contact and whom they report to (a contact id or None)."""

    contact_id: int
    name: str
    title: str = ""
    reports_to_id: int | None = None
    buying_role: str = ""
    attitude: str = ""


@dataclass(frozen=True)
class Separation:
    """How many reporting steps lie between our best contact and the decision maker."""

    best_contact: str
    decision_maker: str
    degrees: int | None
    path: tuple[str, ...] = ()


@dataclass(frozen=True)
class Relationships:
    """The relationship map: stakeholders, org chart, coverage gaps and separation."""

    stakeholders: tuple[Stakeholder, ...] = ()
    org: tuple[OrgNode, ...] = ()
    coverage_gaps: tuple[str, ...] = ()
    separation: Separation | None = None


@dataclass(frozen=True)
class GoalComponent:
    """A building block of the growth objective, with what has been won against it."""

    kind: str
    amount: Decimal
    product: str = ""
    buying_center: str = ""
    notes: str = ""
    won: Decimal = Decimal(0)
    carried_over: bool = False


@dataclass(frozen=True)
class GoalBuild:
    """Goals and strategy: the objective, its components, and the gap between them."""

    objective_amount: Decimal | None = None
    objective_text: str = ""
    strategy: str = ""
    components: tuple[GoalComponent, ...] = ()

    @property
    def total(self) -> Decimal:
        """What the components add up to."""
        return sum((c.amount for c in self.components), Decimal(0))

    @property
    def gap(self) -> Decimal | None:
        """Objective minus the build (positive: the build falls short); None without objective."""
        if self.objective_amount is None:
            return None
        return self.objective_amount - self.total


@dataclass(frozen=True)
class AttainmentRow:
    """One measure of the prospecting plan against what actually happened."""

    measure: str
    planned: Decimal
    expected_by_now: Decimal
    actual: Decimal
    status: str


@dataclass(frozen=True)
class Prospecting:
    """The prospecting plan (seed 002): inputs, results and attainment."""

    current_revenue: Decimal | None = None
    growth_pct: Decimal | None = None
    deal_size: Decimal | None = None
    win_rate_pct: Decimal | None = None
    prospects_per_opportunity: Decimal | None = None
    expected_upgrades: Decimal | None = None
    cycle_months: int | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    growth_target: Decimal | None = None
    gap: Decimal | None = None
    deals: int | None = None
    opportunities: int | None = None
    prospects: int | None = None
    pipeline_start: dt.date | None = None
    attainment: tuple[AttainmentRow, ...] = ()
    pace: str = ""
    notes: tuple[str, ...] = ()

    @property
    def computed(self) -> bool:
        """True when the plan's results could be worked out from the inputs."""
        return self.deals is not None


@dataclass(frozen=True)
class Action:
    """A step of the action plan."""

    title: str
    component: str = ""
    owner: str = ""
    function: str = ""
    due_date: dt.date | None = None
    status: str = ""
    notes: str = ""
    overdue: bool = False


@dataclass(frozen=True)
class Commitment:
    """An internal commitment by a function."""

    function: str
    commitment: str
    owner: str = ""


@dataclass(frozen=True)
class Dependency:
    """Something the plan depends on, inside or outside our company."""

    internal: bool
    description: str
    owner: str = ""
    due_date: dt.date | None = None
    status: str = ""


@dataclass(frozen=True)
class TeamSupport:
    """Team support: internal commitments and the dependencies of the strategy."""

    commitments: tuple[Commitment, ...] = ()
    dependencies: tuple[Dependency, ...] = ()


@dataclass(frozen=True)
class Milestone:
    """A milestone of the performance dashboard."""

    title: str
    target: str = ""
    date: dt.date | None = None
    actual: str = ""
    status: str = ""


@dataclass(frozen=True)
class Adjustment:
    """A dated note on how the plan was adjusted."""

    date: dt.date | None
    note: str


@dataclass(frozen=True)
class Dashboard:
    """Performance dashboard: milestones and adjustments (won per component and pipeline
    against plan come from the goal build and the prospecting plan)."""

    milestones: tuple[Milestone, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()


@dataclass(frozen=True)
class ScorecardPeriod:
    """A quarter of the customer's scorecard of us (sharing): its weighted score (None:
    unknown), the change since the previous scored quarter, metrics scored and N/A, and who
    scored it."""

    period: str
    weighted: Decimal | None
    change: Decimal | None
    scored: int
    not_applicable: int
    scored_by: str


@dataclass(frozen=True)
class PlanDocument:
    """A whole account plan as plain data: what every export is rendered from."""

    header: Header
    overview: AccountOverview = field(default_factory=AccountOverview)
    company: CompanyOverview = field(default_factory=CompanyOverview)
    profile: Profile = field(default_factory=Profile)
    goals: CustomerGoals = field(default_factory=CustomerGoals)
    needs: tuple[Need, ...] = ()
    relationships: Relationships = field(default_factory=Relationships)
    goal_build: GoalBuild = field(default_factory=GoalBuild)
    prospecting: Prospecting = field(default_factory=Prospecting)
    actions: tuple[Action, ...] = ()
    team_support: TeamSupport = field(default_factory=TeamSupport)
    dashboard: Dashboard = field(default_factory=Dashboard)
    scorecard: tuple[ScorecardPeriod, ...] = ()
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    currency: str = "$"
    #: True for the variant shared with the customer (see ``variants.customer_safe``): internal
    #: fields are already left out of the data, and renderers drop their columns and labels.
    customer_safe: bool = False

    @property
    def title(self) -> str:
        """The document's title: 'Account plan — ACME, FY2027'."""
        return f"Account plan — {self.header.account_name}, {self.header.period}"

    @property
    def filename_stem(self) -> str:
        """A safe file name stem: 'account-plan-acme-fy2027'."""
        raw = f"account-plan-{self.header.account_name}-{self.header.period}".lower()
        if self.customer_safe:
            raw += "-customer"
        cleaned = "".join(ch if ch.isalnum() else "-" for ch in raw)
        return "-".join(part for part in cleaned.split("-") if part)[:80]

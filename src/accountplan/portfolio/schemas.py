"""API shapes of stored analytics. Money is exact (a decimal string in JSON); scores, shares and
percentiles are numbers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import ConfigDict

from accountplan.core.api_common import FilterText


class SnapshotOut(Schema):
    """A scoring run: its settings, status and counts."""

    id: int
    as_of: date | None
    window_months: int | None
    level: str
    status: str
    error: str
    trigger: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    account_count: int
    cell_count: int
    skipped_won_deals: int
    config: dict[str, Any]


class AccountScoreOut(Schema):
    """An account's figures, score (with its parts), play and tier in the current snapshot."""

    account_id: int
    external_id: str | None
    account_name: str
    owner_id: int | None
    territory: str
    industry: str
    current_revenue: Decimal
    previous_revenue: Decimal | None
    growth: float | None
    whitespace_value: Decimal
    wallet: Decimal
    share_of_wallet: float | None
    potential_score: float | None
    missing_attributes: str
    scored: bool
    high_revenue: bool
    high_potential: bool | None
    play: str
    value: Decimal
    value_percentile: float | None
    tier: int | None
    cadence: str
    cost_to_serve_flag: bool
    clv: Decimal | None
    score_parts: list[dict[str, Any]]
    next_best: list[str]

    @staticmethod
    def resolve_external_id(obj: Any) -> str | None:
        return obj.account.external_id

    @staticmethod
    def resolve_account_name(obj: Any) -> str:
        return obj.account.name

    @staticmethod
    def resolve_owner_id(obj: Any) -> int | None:
        return obj.account.owner_id

    @staticmethod
    def resolve_territory(obj: Any) -> str:
        return obj.account.territory

    @staticmethod
    def resolve_industry(obj: Any) -> str:
        return obj.account.industry


class AccountExplainedOut(AccountScoreOut):
    """One account's score with the full reasoning as text."""

    explanation: str
    snapshot_id: int

    @staticmethod
    def resolve_explanation(obj: Any) -> str:
        from accountplan.portfolio.explanations import explain_score

        return explain_score(obj)


class CellOut(Schema):
    """A white-space cell: revenue, potential and where it comes from, state, propensity."""

    account_id: int
    account_name: str
    item: str
    item_name: str
    family: str
    current_revenue: Decimal
    previous_revenue: Decimal | None
    potential: Decimal | None
    potential_source: str
    peer_count: int
    explanation: str
    state: str
    whitespace_value: Decimal | None
    propensity: float | None
    expected_value: float | None
    open_opportunities: int
    recent_lost: int


class GridPoint(Schema):
    """An account on the prioritization grid."""

    account_id: int
    account_name: str
    current_revenue: Decimal
    potential_score: float
    play: str


class GridOut(Schema):
    """The grid: points, the thresholds that split it, and how many accounts fall in each play."""

    snapshot_id: int
    revenue_threshold: Decimal | None
    score_threshold: float | None
    counts: dict[str, int]
    unscored: int
    points_total: int = Field(..., description="Scored accounts the caller may see.")
    limit: int
    offset: int
    sampled: bool = Field(..., description="Points are an even sample (sample=true).")
    points: list[GridPoint]


class AccountSortKey(StrEnum):
    """Sort orders for account scores (highest first)."""

    WHITESPACE = "whitespace_value"
    SCORE = "potential_score"
    REVENUE = "current_revenue"


class PlayChoice(StrEnum):
    """A play of the grid."""

    EXPAND = "Expand"
    PENETRATE = "Penetrate"
    NURTURE = "Nurture"
    MANAGE = "Manage"


class StateChoice(StrEnum):
    """A cell state."""

    NONE = "none"
    PARTIAL = "partial"
    FULL = "full"


class PeerGroupChoice(StrEnum):
    """The account field that groups peers for potential; ``none``: every buyer is a peer."""

    INDUSTRY = "industry"
    SEGMENT = "segment"
    TERRITORY = "territory"
    COUNTRY = "country"
    NONE = "none"


class ScorecardOut(Schema):
    """The scorecard: attribute weights, ideal customer profile, thresholds and peer group."""

    weights: dict[str, float] = Field(..., examples=[{"whitespace_value": 30, "growth": 20}])
    icp_industries: list[str]
    icp_min_employees: int | None
    icp_max_employees: int | None
    icp_regions: list[str]
    tier1_min_percentile: float
    full_share: float
    min_peers: int
    peer_field: PeerGroupChoice
    peer_field_warning: str | None = Field(
        None, description="Set when the peer-group field is blank for most accounts."
    )
    updated_at: datetime


class WeightsIn(Schema):
    """Attribute weights to change (omitted ones stay); only their ratios count."""

    model_config = ConfigDict(extra="forbid")

    whitespace_value: float | None = None
    icp_fit: float | None = None
    growth: float | None = None
    satisfaction: float | None = None
    share_of_wallet_gap: float | None = None


class ScorecardIn(Schema):
    """Scorecard settings to change (omitted ones stay); the same rules as the TOML file."""

    model_config = ConfigDict(extra="forbid")

    weights: WeightsIn | None = None
    icp_industries: list[Annotated[str, Field(max_length=120)]] | None = Field(None, max_length=200)
    icp_min_employees: int | None = Field(None, ge=0)
    icp_max_employees: int | None = Field(None, ge=0)
    icp_regions: list[Annotated[str, Field(max_length=120)]] | None = Field(None, max_length=200)
    tier1_min_percentile: float | None = None
    full_share: float | None = None
    min_peers: int | None = None
    peer_field: PeerGroupChoice | None = Field(
        None, description="industry, segment, territory, country or none (every buyer a peer)."
    )


__all__ = ["FilterText"]

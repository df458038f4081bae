"""API shapes of stored analytics. Figures are floats (computed, not booked money)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from ninja import Schema

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
    current_revenue: float
    previous_revenue: float | None
    growth: float | None
    whitespace_value: float
    wallet: float
    share_of_wallet: float | None
    potential_score: float | None
    missing_attributes: str
    scored: bool
    high_revenue: bool
    high_potential: bool | None
    play: str
    value: float
    value_percentile: float | None
    tier: int | None
    cadence: str
    cost_to_serve_flag: bool
    clv: float | None
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


class CellOut(Schema):
    """A white-space cell: revenue, potential and where it comes from, state, propensity."""

    account_id: int
    account_name: str
    item: str
    item_name: str
    family: str
    current_revenue: float
    previous_revenue: float | None
    potential: float | None
    potential_source: str
    peer_count: int
    explanation: str
    state: str
    whitespace_value: float | None
    propensity: float | None
    expected_value: float | None
    open_opportunities: int
    recent_lost: int

    @staticmethod
    def resolve_account_name(obj: Any) -> str:
        return obj.account.name


class GridPoint(Schema):
    """An account on the prioritization grid."""

    account_id: int
    account_name: str
    current_revenue: float
    potential_score: float
    play: str


class GridOut(Schema):
    """The grid: points, the thresholds that split it, and how many accounts fall in each play."""

    snapshot_id: int
    revenue_threshold: float | None
    score_threshold: float | None
    counts: dict[str, int]
    unscored: int
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


__all__ = ["FilterText"]

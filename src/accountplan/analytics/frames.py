"""The frames analytics take in and give out: their columns and types, in one place.

Input frames are built by the loader (``accountplan.portfolio.loader``, which reads the database
once) or by tests by hand. Every function in ``accountplan.analytics`` takes and returns frames with
these columns; extra columns are allowed and ignored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

#: Money: exact, two decimals (the database's DecimalField), from file to screen.
MONEY = pl.Decimal(38, 2)
#: Revenue per unit of size (a peer's rate, the median rate) and what is derived from it
#: (potential, white space, wallet): exact, kept to 10 decimal places (rounded half-even).
RATE = pl.Decimal(38, 10)
#: Ratios of money (share of wallet, growth): kept to 18 decimal places (rounded half-even).
RATIO = pl.Decimal(38, 18)

#: One row per account.
ACCOUNTS_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "account_id": pl.Int64,  # database primary key
    "external_id": pl.String,  # the id the account was imported with (may be null)
    "account_name": pl.String,
    "parent_id": pl.Int64,
    "industry": pl.String,
    "segment": pl.String,
    "territory": pl.String,
    "country": pl.String,
    "owner_id": pl.Int64,
    "owner_name": pl.String,
    "status": pl.String,
    "employees": pl.Int64,  # null when unknown
    "annual_revenue": MONEY,  # null when unknown
    "satisfaction": pl.Decimal(38, 4),  # null when not imported
    "cost_to_serve": MONEY,  # null when unknown
    "gross_margin": MONEY,  # null when unknown
}

#: One row per product.
PRODUCTS_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "product_id": pl.Int64,
    "external_id": pl.String,  # null when the product has none; then the name is its key
    "product_name": pl.String,
    "family": pl.String,  # "" when none
}

#: Money an account spent on a product: won opportunities (by close date, line items spread by
#: product when a deal has them) and purchase lines (by order date). One row per source line, or
#: (from the database loader) one row per account, product and window, summed in SQL and dated at
#: the window's end, which falls in the same window.
REVENUE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "account_id": pl.Int64,
    "product_id": pl.Int64,
    "date": pl.Date,
    "amount": MONEY,
    "source": pl.String,  # "won" or "purchase"
}

#: Opportunities, for markers (open, recently lost). One row per opportunity, or (from the
#: database loader) one row per account, product and marker with ``n`` deals summed in SQL.
OPPORTUNITIES_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "opportunity_id": pl.Int64,
    "account_id": pl.Int64,
    "product_id": pl.Int64,  # null when the deal names no product
    "status": pl.String,  # open / won / lost
    "type": pl.String,
    "amount": MONEY,
    "created_date": pl.Date,
    "close_date": pl.Date,
    "n": pl.Int64,  # how many deals the row stands for (null = 1)
}

#: Imported potentials: a product cell (product_id set) or a family cell (family set).
OVERRIDES_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "account_id": pl.Int64,
    "product_id": pl.Int64,
    "family": pl.String,
    "amount": MONEY,
}


def empty(schema: dict[str, pl.DataType | type[pl.DataType]]) -> pl.DataFrame:
    """An empty frame with the given columns."""
    return pl.DataFrame(schema=schema)


@dataclass(frozen=True)
class Book:
    """The whole book of business as frames, read once."""

    accounts: pl.DataFrame
    products: pl.DataFrame
    revenue: pl.DataFrame
    opportunities: pl.DataFrame
    overrides: pl.DataFrame


@dataclass(frozen=True)
class Attribute:
    """One scorecard attribute and its weight."""

    key: str  # whitespace_value, icp_fit, growth, satisfaction, share_of_wallet_gap
    label: str
    weight: float


DEFAULT_ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("whitespace_value", "White-space value", 30),
    Attribute("icp_fit", "Ideal-customer-profile fit", 20),
    Attribute("growth", "Growth", 20),
    Attribute("satisfaction", "Satisfaction", 15),
    Attribute("share_of_wallet_gap", "Share-of-wallet gap", 15),
)


@dataclass(frozen=True)
class ICP:
    """The ideal customer profile; an empty list or None bound means "any"."""

    industries: tuple[str, ...] = ()
    min_employees: int | None = None
    max_employees: int | None = None
    regions: tuple[str, ...] = ()  # matched against territory or country


@dataclass(frozen=True)
class AnalysisConfig:
    """Every default of the methodology, each configurable."""

    as_of: dt.date
    window_months: int | None = 12  # None = "all": no window
    level: Literal["product", "family"] = "product"
    segment_field: str | None = "industry"  # None: no peer group, every buyer is a peer
    size_field: str = "employees"
    min_peers: int = 5
    full_share: float = 0.8
    attributes: tuple[Attribute, ...] = DEFAULT_ATTRIBUTES
    icp: ICP | None = None
    tier1_min_percentile: float = 90.0  # tier 1 = the top 10 %; may go down to 80 (top 20 %)
    tier2_min_percentile: float = 60.0
    recent_lost_months: int = 12
    clv_years: int = 5
    clv_discount_rate: float = 0.10
    extra: dict[str, object] = field(default_factory=dict)

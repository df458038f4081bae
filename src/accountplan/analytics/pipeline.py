"""``analyze``: the whole methodology, book in, accounts / cells / scores out."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from accountplan.analytics.cells import account_keys, items, sparse_cells
from accountplan.analytics.clv import add_clv
from accountplan.analytics.conform import conform_book
from accountplan.analytics.dates import windows
from accountplan.analytics.frames import AnalysisConfig, Book
from accountplan.analytics.grid import add_grid, settle_ties
from accountplan.analytics.potential import add_potential, peer_rates
from accountplan.analytics.scorecard import (
    attribute_values,
    icp_fit,
    potential_scores,
    scores,
)
from accountplan.analytics.tiers import add_tiers, check_thresholds
from accountplan.analytics.wallet import account_figures, add_state

ACCOUNT_COLUMNS = (
    "account_id", "external_id", "account_name", "industry", "segment", "territory", "owner_id",
    "owner_name", "employees", "peer_key", "size", "current_revenue", "previous_revenue",
    "growth", "whitespace_value",
    "wallet", "share_of_wallet", "share_of_wallet_gap", "icp_fit", "satisfaction",
    "potential_score", "missing_attributes", "scored", "high_revenue", "high_potential", "play",
    "value", "value_percentile", "tier", "cost_to_serve", "gross_margin", "cost_to_serve_flag",
    "cadence", "clv",
)  # fmt: skip

#: The stored cells: only those with revenue in either window, a deal marker or an override.
CELL_COLUMNS = (
    "account_id", "item", "item_name", "family", "current_revenue", "previous_revenue", "size",
    "override", "potential", "potential_source", "peer_count", "peer_median_rate",
    "peer_segment", "state", "whitespace_value", "open_opportunities", "open_amount",
    "recent_lost",
)  # fmt: skip


@dataclass(frozen=True)
class Analysis:
    """The result of one analysis: per-account figures, the stored cells, the scorecard parts,
    the peer table, the items and each account's peer key and size (to derive other cells)."""

    config: AnalysisConfig
    accounts: pl.DataFrame
    cells: pl.DataFrame  # sparse: see CELL_COLUMNS; ``derive.expand_cells`` gives the rest
    scores: pl.DataFrame
    rates: pl.DataFrame  # potential.RATES_SCHEMA
    items: pl.DataFrame  # item, item_name, family
    keys: pl.DataFrame  # account_id, account_name, peer_key, size


def check_config(config: AnalysisConfig) -> None:
    """Refuse settings the methodology cannot use, with a message saying what to fix."""
    if config.level not in ("product", "family"):
        raise ValueError(f"level must be 'product' or 'family', not {config.level!r}")
    if config.min_peers < 1:
        raise ValueError(f"min_peers must be at least 1, not {config.min_peers}")
    if not 0.0 < config.full_share <= 1.0:
        raise ValueError(f"full_share must be above 0 and at most 1, not {config.full_share}")
    if config.recent_lost_months < 1 or config.clv_years < 1:
        raise ValueError("recent_lost_months and clv_years must be at least 1")
    if config.clv_discount_rate <= -1:
        raise ValueError(f"clv_discount_rate must be above -1, not {config.clv_discount_rate}")
    check_thresholds(config)


def analyze(book: Book, config: AnalysisConfig) -> Analysis:
    """Run the documented methodology (docs/methodology.md) over a book of business."""
    check_config(config)
    book = conform_book(book)
    win = windows(config.as_of, config.window_months)
    keys = account_keys(book.accounts, config)
    item_table = items(book.products, config.level)
    sparse = sparse_cells(book, config, win)
    rates = peer_rates(sparse, keys, item_table, config)
    # The big intermediates go as soon as they are used: at 1M accounts each cell-sized frame is
    # hundreds of MB, and keeping them all to the end set the run's peak memory.
    cells = sparse.join(keys.select("account_id", "peer_key", "size"), on="account_id")
    del sparse
    cells = add_state(add_potential(cells, rates, config), config)
    # only the kept columns are sorted (a sort copies each column: peer_text alone is
    # hundreds of MB at 1M accounts)
    cells = cells.join(item_table, on="item", how="left").select(CELL_COLUMNS)
    cells = cells.sort("account_id", "item")

    accounts = book.accounts
    figures = account_figures(cells, rates, keys, win.has_previous)
    values = attribute_values(accounts, figures, config)
    long = scores(values, config)
    del values
    scored = potential_scores(long, accounts.select("account_id"))

    out = (
        accounts.drop(*(c for c in figures.columns if c != "account_id" and c in accounts.columns))
        .join(figures, on="account_id", how="left")
        .join(keys.select("account_id", "peer_key", "size"), on="account_id", how="left")
        .join(scored, on="account_id", how="left")
        .with_columns(icp_fit(accounts, config.icp).alias("icp_fit"))
    )
    del figures, scored
    out = add_clv(add_tiers(settle_ties(add_grid(out), long), config), config)
    return Analysis(
        config=config,
        accounts=out.select(ACCOUNT_COLUMNS).sort("account_id"),
        cells=cells,
        scores=long,  # per account in attribute order already (a sort would copy it)
        rates=rates,
        items=item_table,
        keys=keys,
    )

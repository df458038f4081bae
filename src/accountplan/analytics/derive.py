"""Derive cells on read: any account's row of the white space map from the peer table.

``analyze`` keeps only the cells that hold something (revenue, a deal marker, an imported
potential). Every other cell has R = 0 and P = the peer group's rate for the item × the account's
size. ``expand`` rebuilds the full row of items for a handful of accounts (a page of the map, one
account card, an export chunk) with the very functions ``analyze`` used, so a derived cell is
identical to what a dense computation would give.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from accountplan.analytics.frames import MONEY, AnalysisConfig
from accountplan.analytics.potential import add_potential, explanation
from accountplan.analytics.wallet import add_state

#: The columns of an expanded cell (also what ``analyze --cells all`` exports).
EXPANDED_COLUMNS = (
    "account_id", "item", "item_name", "family", "current_revenue", "previous_revenue", "size",
    "potential", "potential_source", "peer_count", "peer_median_rate", "peer_segment",
    "peers", "explanation", "state", "whitespace_value", "open_opportunities", "open_amount",
    "recent_lost",
)  # fmt: skip

_STORED = (
    "current_revenue", "previous_revenue", "open_opportunities", "open_amount", "recent_lost",
    "override",
)  # fmt: skip


def expand(
    keys: pl.DataFrame,
    items: pl.DataFrame,
    rates: pl.DataFrame,
    stored: pl.DataFrame,
    config: AnalysisConfig,
    has_previous: bool = True,
) -> pl.DataFrame:
    """Every item for every account of ``keys`` (account_id, peer_key, size).

    ``items``: item, item_name, family. ``rates``: the peer table. ``stored``: the stored cells of
    these accounts (account_id, item and the revenue, marker and override columns; missing ones
    count as empty). Sorted by account, then item.
    """
    stored = stored.select(
        "account_id",
        "item",
        *(pl.col(c) if c in stored.columns else pl.lit(None).alias(c) for c in _STORED),
    )
    zero = pl.lit(0).cast(MONEY)
    previous = pl.col("previous_revenue").cast(MONEY)
    grid = (
        keys.select("account_id", "peer_key", pl.col("size").cast(MONEY))
        .join(items.select("item", "item_name", "family"), how="cross")
        .join(stored, on=["account_id", "item"], how="left")
        .with_columns(
            pl.col("current_revenue").cast(MONEY).fill_null(zero),
            previous.fill_null(zero) if has_previous else previous,
            pl.col("open_opportunities").cast(pl.Int64).fill_null(0),
            pl.col("open_amount").cast(MONEY).fill_null(zero),
            pl.col("recent_lost").cast(pl.Int64).fill_null(0),
            pl.col("override").cast(MONEY),
        )
    )
    cells = add_state(add_potential(grid, rates, config), config)
    rates_peers = rates.select(pl.col("peer_key").fill_null("\x00").alias("_key"), "item", "peers")
    cells = (
        cells.with_columns(pl.col("peer_key").fill_null("\x00").alias("_key"))
        .join(rates_peers, on=["_key", "item"], how="left")
        .drop("_key")
    )
    cells = cells.with_columns(explanation(cells, config))
    return cells.select(EXPANDED_COLUMNS).sort("account_id", "item")


def expand_cells(analysis: object, account_ids: Iterable[int] | None = None) -> pl.DataFrame:
    """The full row of items of each account (all of them when ``account_ids`` is None) of an
    ``Analysis``: stored cells as computed, the others derived from the peer table."""
    from accountplan.analytics.pipeline import Analysis

    assert isinstance(analysis, Analysis)
    keys = analysis.keys
    cells = analysis.cells
    if account_ids is not None:
        wanted = pl.Series("account_id", list(account_ids), pl.Int64)
        keys = keys.filter(pl.col("account_id").is_in(wanted.implode()))
        cells = cells.filter(pl.col("account_id").is_in(wanted.implode()))
    return expand(
        keys,
        analysis.items,
        analysis.rates,
        cells,
        analysis.config,
        has_previous=analysis.config.window_months is not None,
    )

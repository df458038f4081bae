"""Cell state and white-space value, then the account figures: revenue, wallet, share, growth."""

from __future__ import annotations

import polars as pl

from accountplan.analytics.frames import AnalysisConfig


def add_state(cells: pl.DataFrame, config: AnalysisConfig) -> pl.DataFrame:
    """state none / partial / full and whitespace_value W = max(P − R, 0) (null when P unknown).

    R ≤ 0 (nothing bought, or credit notes outweigh sales) is "none"; "full" needs a known P and
    R ≥ full_share × P.
    """
    r = pl.col("current_revenue")
    p = pl.col("potential")
    return cells.with_columns(
        pl.when(r <= 0)
        .then(pl.lit("none"))
        .when(p.is_not_null() & (r >= config.full_share * p))
        .then(pl.lit("full"))
        .otherwise(pl.lit("partial"))
        .alias("state"),
        pl.when(p.is_null())
        .then(None)
        .otherwise(pl.max_horizontal(p - r, pl.lit(0.0)))
        .alias("whitespace_value"),
    )


def account_figures(cells: pl.DataFrame) -> pl.DataFrame:
    """account_id, current_revenue, previous_revenue, whitespace_value, wallet, share_of_wallet,
    share_of_wallet_gap, growth — sums over each account's cells.

    wallet = Σ max(P, R) with an unknown P counting as R; share = CR / wallet (null unless the
    wallet is > 0); growth = (CR − previous) / previous (null unless previous > 0).
    """
    r = pl.col("current_revenue")
    p = pl.col("potential")
    figures = cells.group_by("account_id").agg(
        r.sum().alias("current_revenue"),
        # all-null previous (no window) must stay null, not sum to 0
        pl.when(pl.col("previous_revenue").is_null().all())
        .then(None)
        .otherwise(pl.col("previous_revenue").sum())
        .alias("previous_revenue"),
        pl.col("whitespace_value").fill_null(0.0).sum().alias("whitespace_value"),
        pl.when(p.is_null()).then(r).otherwise(pl.max_horizontal(p, r)).sum().alias("wallet"),
    )
    cr = pl.col("current_revenue")
    prev = pl.col("previous_revenue")
    wallet = pl.col("wallet")
    return figures.with_columns(
        pl.when(wallet > 0).then(cr / wallet).otherwise(None).alias("share_of_wallet"),
        pl.when(prev > 0).then((cr - prev) / prev).otherwise(None).alias("growth"),
    ).with_columns((1.0 - pl.col("share_of_wallet")).alias("share_of_wallet_gap"))

"""Cell state and white-space value, then the account figures: revenue, wallet, share, growth.

Exact throughout: money and rates are Polars Decimals. An account's white space and wallet are
the sum over its stored cells plus, for every other item, P = rate × size (R = 0 there), which
sums to size × (the peer group's total rate − the rates of the stored items): no account × item
row is ever built.
"""

from __future__ import annotations

from fractions import Fraction

import polars as pl

from accountplan.analytics.frames import MONEY, RATE, RATIO, AnalysisConfig


def share_fraction(config: AnalysisConfig) -> Fraction:
    """The "full" share as an exact fraction: 0.8 → 4/5 (from its decimal text)."""
    return Fraction(str(config.full_share)).limit_denominator(10**9)


def add_state(cells: pl.DataFrame, config: AnalysisConfig) -> pl.DataFrame:
    """state none / partial / full and whitespace_value W = max(P − R, 0) (null when P unknown).

    R ≤ 0 (nothing bought, or credit notes outweigh sales) is "none"; "full" needs a known P and
    R ≥ full_share × P, compared exactly: R × den ≥ P × num for full_share = num / den.
    """
    share = share_fraction(config)
    r = pl.col("current_revenue").cast(RATE)
    p = pl.col("potential")
    zero = pl.lit(0).cast(RATE)
    return cells.with_columns(
        pl.when(r <= zero)
        .then(pl.lit("none"))
        .when(p.is_not_null() & (r * share.denominator >= p * share.numerator))
        .then(pl.lit("full"))
        .otherwise(pl.lit("partial"))
        .alias("state"),
        pl.when(p.is_null())
        .then(None)
        .otherwise(pl.max_horizontal(p - r, zero))
        .cast(RATE)
        .alias("whitespace_value"),
    )


def account_figures(
    cells: pl.DataFrame, rates: pl.DataFrame, keys: pl.DataFrame, has_previous: bool
) -> pl.DataFrame:
    """account_id, current_revenue, previous_revenue, whitespace_value, wallet, share_of_wallet,
    share_of_wallet_gap, growth for every account of ``keys`` (account_id, peer_key, size).

    ``cells`` are the stored cells with potential, state and whitespace_value; ``rates`` the peer
    table. wallet = Σ max(P, R) with an unknown P counting as R; share = CR / wallet (null unless
    the wallet is > 0); growth = (CR − previous) / previous (null unless previous > 0); ratios
    to 18 decimal places.
    """
    from accountplan.analytics.potential import with_key

    r = pl.col("current_revenue").cast(RATE)
    p = pl.col("potential")
    zero = pl.lit(0).cast(RATE)
    stored = cells.group_by("account_id").agg(
        pl.col("current_revenue").sum().cast(MONEY).alias("_cr"),
        pl.col("previous_revenue").sum().cast(MONEY).alias("_prev"),
        pl.col("whitespace_value").fill_null(zero).sum().cast(RATE).alias("_w"),
        pl.when(p.is_null())
        .then(r)
        .otherwise(pl.max_horizontal(p, r))
        .sum()
        .cast(RATE)
        .alias("_wallet"),
        pl.col("peer_median_rate").fill_null(zero).sum().cast(RATE).alias("_stored_rates"),
    )
    totals = (
        with_key(rates)
        .group_by("_key")
        .agg(pl.col("peer_median_rate").fill_null(zero).sum().cast(RATE).alias("_group_rates"))
    )
    # Every item not stored for the account: R = 0 and P = rate × size, so W = wallet = P.
    rest = (
        (pl.col("_group_rates").fill_null(zero) - pl.col("_stored_rates").fill_null(zero))
        * pl.col("size")
    ).cast(RATE)
    money_zero = pl.lit(0).cast(MONEY)
    figures = (
        with_key(keys.select("account_id", "peer_key", "size"))
        .join(stored, on="account_id", how="left")
        .join(totals, on="_key", how="left")
        .with_columns(pl.when(pl.col("size").is_null()).then(zero).otherwise(rest).alias("_rest"))
        .select(
            "account_id",
            pl.col("_cr").fill_null(money_zero).alias("current_revenue"),
            (pl.col("_prev").fill_null(money_zero) if has_previous else pl.lit(None, MONEY)).alias(
                "previous_revenue"
            ),
            (pl.col("_w").fill_null(zero) + pl.col("_rest")).cast(RATE).alias("whitespace_value"),
            (pl.col("_wallet").fill_null(zero) + pl.col("_rest")).cast(RATE).alias("wallet"),
        )
    )
    cr = pl.col("current_revenue")
    prev = pl.col("previous_revenue")
    wallet = pl.col("wallet")
    one = pl.lit(1).cast(RATIO)
    return figures.with_columns(
        pl.when(wallet > zero)
        .then(cr.cast(RATIO) / wallet)
        .otherwise(None)
        .cast(RATIO)
        .alias("share_of_wallet"),
        pl.when(prev > money_zero)
        .then((cr - prev).cast(RATIO) / prev)
        .otherwise(None)
        .cast(RATIO)
        .alias("growth"),
    ).with_columns((one - pl.col("share_of_wallet")).cast(RATIO).alias("share_of_wallet_gap"))

"""Tiers by value (revenue plus white space), the cost-to-serve flag and the cadence per tier."""

from __future__ import annotations

import polars as pl

from accountplan.analytics.frames import RATE, AnalysisConfig
from accountplan.analytics.ranks import percentile_rank

CADENCE: dict[int, str] = {
    1: "Full plan; joint expectation session twice a year",
    2: "Plan and quarterly customer scorecard",
    3: "Scaled coverage",
}


def check_thresholds(config: AnalysisConfig) -> None:
    """Tier 1 starts between the 80th and the 100th percentile; tier 2 below tier 1."""
    t1, t2 = config.tier1_min_percentile, config.tier2_min_percentile
    if not 80.0 <= t1 <= 100.0:
        raise ValueError(
            f"tier1_min_percentile must be between 80 and 100 (top 20 % at most), not {t1}"
        )
    if not 0.0 <= t2 <= t1:
        raise ValueError(f"tier2_min_percentile must be between 0 and tier 1's {t1}, not {t2}")


def add_tiers(accounts: pl.DataFrame, config: AnalysisConfig) -> pl.DataFrame:
    """value, value_percentile, tier (Int8), cost_to_serve_flag, cadence."""
    check_thresholds(config)
    p = pl.col("value_percentile")
    cts, gm = pl.col("cost_to_serve"), pl.col("gross_margin")
    out = accounts.with_columns(
        (pl.col("current_revenue").cast(RATE) + pl.col("whitespace_value").cast(RATE))
        .cast(RATE)
        .alias("value")
    ).with_columns(percentile_rank(pl.col("value")).alias("value_percentile"))
    out = out.with_columns(
        pl.when(p >= config.tier1_min_percentile)
        .then(1)
        .when(p >= config.tier2_min_percentile)
        .then(2)
        .otherwise(3)
        .cast(pl.Int8)
        .alias("tier"),
        (cts.is_not_null() & gm.is_not_null() & (cts > gm))
        .fill_null(False)
        .alias("cost_to_serve_flag"),
    )
    return out.with_columns(
        pl.col("tier").replace_strict(CADENCE, return_dtype=pl.String).alias("cadence")
    )

"""Customer lifetime value over a horizon, discounted (docs/methodology.md, "CLV").

m = gross margin if known, else CR × (median of gross_margin / CR over the accounts with both and
CR > 0); c = cost to serve (0 if unknown); r = min(CR / previous, 1) when CR > 0 and previous > 0,
else 1; CLV = Σ_{t=1..T} (m − c) × r^(t−1) / (1 + d)^t. Null when m is unknown.
"""

from __future__ import annotations

import polars as pl

from accountplan.analytics.frames import AnalysisConfig


def margin_ratio(accounts: pl.DataFrame) -> float | None:
    """Median of gross_margin / CR over accounts with a gross margin and CR > 0 (None if none)."""
    gm, cr = pl.col("gross_margin").cast(pl.Float64), pl.col("current_revenue").cast(pl.Float64)
    both = accounts.filter(gm.is_not_null() & (cr > 0))
    if both.height == 0:
        return None
    return float(both.select((gm / cr).median()).item())


def add_clv(accounts: pl.DataFrame, config: AnalysisConfig) -> pl.DataFrame:
    """clv (Float64) per account."""
    ratio = margin_ratio(accounts)
    cr = pl.col("current_revenue").cast(pl.Float64)
    prev = pl.col("previous_revenue").cast(pl.Float64)
    estimate = cr * ratio if ratio is not None else pl.lit(None, dtype=pl.Float64)
    margin = pl.coalesce(pl.col("gross_margin").cast(pl.Float64), estimate)
    retention = (
        pl.when((cr > 0) & (prev > 0))
        .then(pl.min_horizontal(cr / prev, pl.lit(1.0)))
        .otherwise(1.0)
    )
    net = margin - pl.col("cost_to_serve").cast(pl.Float64).fill_null(0.0)
    d = config.clv_discount_rate
    terms = [net * retention.pow(t - 1) / (1.0 + d) ** t for t in range(1, config.clv_years + 1)]
    clv = pl.sum_horizontal(terms) if terms else pl.lit(0.0)
    return accounts.with_columns(
        pl.when(margin.is_null()).then(None).otherwise(clv).cast(pl.Float64).alias("clv")
    )

"""Percentile rank with ties, as a Polars expression."""

from __future__ import annotations

import polars as pl


def percentile_rank(expr: pl.Expr) -> pl.Expr:
    """100 × (average 1-based rank among ties − 1) / (n − 1) over n non-null values; 50 if n = 1.

    Nulls stay null and do not count in n: [10, 20, 20, 30] → 0, 50, 50, 100.
    """
    rank = expr.rank(method="average").cast(pl.Float64)
    n = expr.count().cast(pl.Float64)
    return (
        pl.when(expr.is_null())
        .then(None)
        .when(n == 1)
        .then(pl.lit(50.0))
        .otherwise(100.0 * (rank - 1.0) / (n - 1.0))
    )

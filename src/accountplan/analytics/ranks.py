"""Percentile rank with ties, as a Polars expression."""

from __future__ import annotations

import polars as pl


def percentile_rank(expr: pl.Expr) -> pl.Expr:
    """100 × (average 1-based rank among ties − 1) / (n − 1) over n non-null values; 50 if n = 1.

    Nulls stay null and do not count in n: [10, 20, 20, 30] → 0, 50, 50, 100.
    """
    rank = expr.rank(method="average").cast(pl.Float64)
    n = expr.count().cast(pl.Float64)
    # the first branch carries the input's name, so the result keeps the column's name
    return (
        pl.when(expr.is_not_null() & (n > 1))
        .then((rank - 1.0) * 100.0 / (n - 1.0))
        .when(expr.is_not_null())
        .then(pl.lit(50.0))
        .otherwise(None)
    )

"""Percentile rank with ties, as Polars expressions, exact where it decides something."""

from __future__ import annotations

import polars as pl


def double_rank(expr: pl.Expr) -> pl.Expr:
    """2 × (average 1-based rank among exact ties − 1): a whole number (ties average to halves).

    The percentile is 50 × this / (n − 1), exactly; keeping it lets a tie be decided exactly.
    """
    return ((expr.rank(method="average") - 1) * 2).round(0).cast(pl.Int64)


def rank_count(expr: pl.Expr) -> pl.Expr:
    """n: how many values are not null (as a column, one value per row)."""
    return pl.int_range(pl.len()) * 0 + expr.count()


def percentile_rank(expr: pl.Expr) -> pl.Expr:
    """100 × (average 1-based rank among ties − 1) / (n − 1) over n non-null values; 50 if n = 1.

    Nulls stay null and do not count in n: [10, 20, 20, 30] → 0, 50, 50, 100. The float is the
    correctly rounded value of the exact fraction: one division of two whole numbers, with n as a
    column (Polars turns a division by a constant into a multiplication by its reciprocal, which
    can miss by one unit in the last place).
    """
    n = rank_count(expr).cast(pl.Float64)
    numerator = (double_rank(expr) * 50).cast(pl.Float64)
    # the first branch carries the input's name, so the result keeps the column's name
    return (
        pl.when(expr.is_not_null() & (n > 1))
        .then(numerator / (n - 1.0))
        .when(expr.is_not_null())
        .then(pl.lit(50.0))
        .otherwise(None)
    )

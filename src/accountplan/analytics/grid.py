"""The prioritization grid: revenue against potential score, four plays from the seed."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

#: The plays and the campaign each quadrant gets (seed 000, "account planning").
PLAYS: dict[str, str] = {
    "Expand": "Campaigns focused on expanding into new buying centers and new products",
    "Penetrate": "Campaigns focused on getting current products more robustly into these "
    "particular customers",
    "Nurture": "Nurture campaigns that provide content and best practices to drive satisfaction "
    "and promoter scores",
    "Manage": "Simply managed, at least at this time: no campaign for now",
}


def exact_median(values: pl.Series) -> Decimal | float | None:
    """The median of the non-null values: the middle one, or the mean of the two middle ones,
    exactly for Decimals (Polars' own median answers in floats)."""
    ordered = values.drop_nulls().sort()
    n = ordered.len()
    if n == 0:
        return None
    lo, hi = ordered[(n - 1) // 2], ordered[n // 2]
    if isinstance(lo, Decimal):
        return (lo + hi) / 2
    return float((lo + hi) / 2)


def thresholds(accounts: pl.DataFrame) -> tuple[Decimal | float | None, float | None]:
    """(median CR of all accounts, exact; median potential score of the scored accounts)."""
    score = exact_median(accounts.get_column("potential_score"))
    return exact_median(accounts.get_column("current_revenue")), (
        None if score is None else float(score)
    )


def at_least_median(expr: pl.Expr) -> pl.Expr:
    """``expr ≥ median(expr)``, exactly: 2 × x ≥ lo + hi with lo, hi the middle values."""
    ordered = expr.drop_nulls().sort()
    n = ordered.len()
    return 2 * expr >= ordered.get((n - 1) // 2) + ordered.get(n // 2)


def add_grid(accounts: pl.DataFrame) -> pl.DataFrame:
    """high_revenue (CR ≥ median CR), high_potential (score ≥ median score; null unscored), play.

    Equal to a median counts as high.
    """
    cr = pl.col("current_revenue")
    score = pl.col("potential_score")
    high_revenue = at_least_median(cr)
    high_potential = pl.when(score.is_null()).then(None).otherwise(at_least_median(score))
    out = accounts.with_columns(
        high_revenue.fill_null(False).alias("high_revenue"),
        high_potential.alias("high_potential"),
    )
    hp, hr = pl.col("high_potential"), pl.col("high_revenue")
    return out.with_columns(
        pl.when(hp.is_null())
        .then(None)
        .when(hp & hr)
        .then(pl.lit("Expand"))
        .when(hp)
        .then(pl.lit("Penetrate"))
        .when(hr)
        .then(pl.lit("Nurture"))
        .otherwise(pl.lit("Manage"))
        .alias("play")
    )

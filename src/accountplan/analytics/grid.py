"""The prioritization grid: revenue against potential score, four plays from the seed."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

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
    return _plays(out)


def _plays(accounts: pl.DataFrame) -> pl.DataFrame:
    """play from high_potential and high_revenue (null when unscored)."""
    hp, hr = pl.col("high_potential"), pl.col("high_revenue")
    return accounts.with_columns(
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


#: How close (relative) a float score must be to the median to be compared exactly instead.
TIE_BAND = 1e-9


def exact_scores(long: pl.DataFrame, ids: list[int]) -> dict[int, Fraction]:
    """The potential scores of ``ids`` as exact fractions, from the long score rows (rank2, n,
    weight, used): Σ weight × 50 × rank2 / (n − 1) / Σ weight (a percentile is 50 when n = 1)."""
    rows = long.filter(pl.col("account_id").is_in(ids) & pl.col("used"))
    sums: dict[int, tuple[Fraction, Fraction]] = {}
    for account, rank2, n, weight in rows.select("account_id", "rank2", "n", "weight").rows():
        w = Fraction(str(weight))
        percentile = Fraction(50) if n <= 1 else Fraction(50 * rank2, n - 1)
        num, den = sums.get(account, (Fraction(0), Fraction(0)))
        sums[account] = (num + w * percentile, den + w)
    return {a: num / den for a, (num, den) in sums.items()}


def settle_ties(accounts: pl.DataFrame, long: pl.DataFrame) -> pl.DataFrame:
    """Decide high potential exactly for the accounts whose score sits at the median.

    Scores are floats; two accounts with the same exact score reached through different
    attributes can differ in the last digit, which would put one above the median and one below.
    Accounts within TIE_BAND of the middle scores are compared as exact fractions; all others are
    too far from the median for a float to misplace them.
    """
    scored = accounts.filter(pl.col("potential_score").is_not_null()).sort("potential_score")
    n = scored.height
    if n == 0:
        return accounts
    values = scored.get_column("potential_score")
    lo_f, hi_f = values[(n - 1) // 2], values[n // 2]
    eps = TIE_BAND * max(1.0, abs(hi_f))
    score = pl.col("potential_score")
    band = scored.filter(((score - lo_f).abs() <= eps) | ((score - hi_f).abs() <= eps))
    below = scored.filter(score < band.get_column("potential_score").min()).height
    ids = band.get_column("account_id").to_list()
    exact = exact_scores(long, ids)
    ordered = sorted(exact.values())
    median = (ordered[(n - 1) // 2 - below] + ordered[n // 2 - below]) / 2
    high = {a: value >= median for a, value in exact.items()}
    fixed = pl.DataFrame(
        {"account_id": list(high), "_high": list(high.values())},
        schema={"account_id": accounts.schema["account_id"], "_high": pl.Boolean},
    )
    out = accounts.join(fixed, on="account_id", how="left").with_columns(
        pl.coalesce("_high", "high_potential").alias("high_potential")
    )
    return _plays(out.drop("_high"))

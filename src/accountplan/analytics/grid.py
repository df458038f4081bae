"""The prioritization grid: revenue against potential score, four plays from the seed."""

from __future__ import annotations

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


def thresholds(accounts: pl.DataFrame) -> tuple[float | None, float | None]:
    """(median CR of all accounts, median potential score of the scored accounts)."""
    revenue = accounts.get_column("current_revenue").median()
    score = accounts.get_column("potential_score").drop_nulls().median()
    return (
        None if revenue is None else float(revenue),  # type: ignore[arg-type]
        None if score is None else float(score),  # type: ignore[arg-type]
    )


def add_grid(accounts: pl.DataFrame) -> pl.DataFrame:
    """high_revenue (CR ≥ median CR), high_potential (score ≥ median score; null unscored), play.

    Equal to a median counts as high.
    """
    cr = pl.col("current_revenue")
    score = pl.col("potential_score")
    high_revenue = cr >= cr.median()
    high_potential = pl.when(score.is_null()).then(None).otherwise(score >= score.median())
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

"""Compute a run: analyze the book, score propensity, pick each account's next best products.

Frames in, frames out; the only database read is the product ids of the items.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import polars as pl

from accountplan.analytics.frames import RATE, AnalysisConfig, Book
from accountplan.analytics.pipeline import Analysis, analyze

#: Next best products stored per account.
NEXT_BEST_N = 3


@dataclass(frozen=True)
class Computed:
    """One run's results before they are stored."""

    analysis: Analysis
    accounts: pl.DataFrame  # the analysis' accounts + next_best (List[String], best first)
    looks: pl.DataFrame  # account_id, other_id, similarity, rank (names are not stored)
    base: pl.DataFrame  # item, owners, base_rate
    warnings: list[str] = field(default_factory=list)


class Valuer:
    """Values candidates: whitespace_value (their cell's W: stored, or rate × size) and
    expected_value = propensity × W. The lookups are built once; each block of candidates is
    joined with the rows of its own accounts only."""

    def __init__(self, analysis: Analysis) -> None:
        from accountplan.analytics.potential import with_key

        self.stored = analysis.cells.select(
            "account_id", "item", pl.col("whitespace_value").alias("_w")
        )
        self.rates = with_key(analysis.rates).select("_key", "item", "peer_median_rate")
        self.keys = with_key(analysis.keys).select("account_id", "_key", "size")

    def __call__(self, candidates: pl.DataFrame) -> pl.DataFrame:
        ids = candidates.get_column("account_id").unique().implode()
        mine = pl.col("account_id").is_in(ids)
        derived = (pl.col("peer_median_rate") * pl.col("size")).cast(RATE)
        out = (
            candidates.join(self.keys.filter(mine), on="account_id", how="left")
            .join(self.rates, on=["_key", "item"], how="left")
            .join(self.stored.filter(mine), on=["account_id", "item"], how="left")
            .with_columns(pl.coalesce("_w", derived).alias("whitespace_value"))
        )
        return out.with_columns(
            (pl.col("propensity") * pl.col("whitespace_value").cast(pl.Float64)).alias(
                "expected_value"
            )
        ).drop("_key", "size", "peer_median_rate", "_w")


def compute(
    book: Book,
    config: AnalysisConfig,
    warnings: list[str] | None = None,
    analyzed: Callable[[Analysis], None] | None = None,
) -> Computed:
    """Analyze the book, then propensity and the next best products of every account.

    ``analyzed`` is called with the analysis before propensity starts (to store its cells
    meanwhile). The next best products are picked block by block as propensity scores each
    block of accounts, so only each account's best few candidates are ever kept."""
    from accountplan.analytics.lookalike_index import PropensityParams
    from accountplan.analytics.propensity import next_best, propensity

    analysis = analyze(book, config)
    if analyzed is not None:
        analyzed(analysis)
    value = Valuer(analysis)

    def best_of(block: pl.DataFrame) -> pl.DataFrame:
        white = value(block).with_columns(pl.lit("none").alias("state"))
        return next_best(white, n=NEXT_BEST_N).select("account_id", "item", "rank")

    # the stored next best products name no look-alike: none are gathered per candidate
    params = replace(PropensityParams.from_config(config), max_named=0)
    scored = propensity(book, config, params=params, n=NEXT_BEST_N, reduce=best_of)
    best = (
        scored.candidates.sort("account_id", "rank")
        .group_by("account_id", maintain_order=True)
        .agg(pl.col("item").cast(pl.String).alias("next_best"))
    )
    accounts = analysis.accounts.join(best, on="account_id", how="left").with_columns(
        pl.col("next_best").fill_null(pl.lit([], dtype=pl.List(pl.String)))
    )
    looks = scored.lookalikes.select("account_id", "other_id", "similarity", "rank")
    return Computed(analysis, accounts, looks, scored.base_rate, list(warnings or []))


def product_ids(config: AnalysisConfig) -> pl.DataFrame:
    """item → product_id at product level (an item is the product's external id or name)."""
    from accountplan.book.models import Product

    schema = {"item": pl.String, "product_id": pl.Int64}
    if config.level != "product":
        return pl.DataFrame(schema=schema)
    rows = Product.objects.order_by("pk").values_list("external_id", "name", "pk")
    frame = pl.DataFrame([(ext or name, pk) for ext, name, pk in rows], schema=schema, orient="row")
    return frame.unique("item", keep="last")

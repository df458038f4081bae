"""Look-alike propensity: "accounts like this one buy X", and the next best products.

For each account a, its look-alikes are the ``k`` (10) most similar OTHER accounts b, with

    similarity(a, b) = 0.6 × overlap(a, b)
                     + 0.2 × [same segment value, default industry]
                     + 0.2 × size closeness, max(0, 1 − |log10 size_a − log10 size_b| / 3)
                     (+ an optional same-territory term, weight 0 by default)

overlap(a, b) = |A ∩ B| / |A|, the share of the items a owns that b owns too ("containment";
Jaccard |A ∩ B| / |A ∪ B| is available as an option), where "owns" means R > 0 in the config's
window at the config's level (product or family). A missing segment or size contributes 0.
Accounts with similarity 0 are never look-alikes; ties go to the account name, then the id.

The propensity of a white cell (account a, item i; state "none") is

    (Σ similarity(a, b) over look-alikes b that own i + α × base_rate(i))
    / (Σ similarity(a, b) over all look-alikes + α)

with α = 1 (``smoothing``) and base_rate(i) = the share of all accounts that own i: as if one more
look-alike, of similarity 1, owned i at the book's average rate. 0 when there is no look-alike and
nobody owns i. The look-alikes named beside it are those that own i, most similar first, at most
five. Pure Polars; no Django import.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from typing import Any

import polars as pl

from accountplan.analytics.cells import item_map
from accountplan.analytics.dates import shift_months
from accountplan.analytics.frames import AnalysisConfig, Book

#: The columns ``score_cells`` returns.
PROPENSITY_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "account_id": pl.Int64,
    "item": pl.String,
    "propensity": pl.Float64,
    "lookalikes": pl.List(pl.String),
    "lookalike_owners": pl.Int64,  # how many of the account's look-alikes own the item
    "base_rate": pl.Float64,  # share of all accounts that own the item (tie-breaker, context)
}


@dataclass(frozen=True)
class PropensityParams:
    """The knobs of the look-alike method; set them through ``config.extra["propensity"]``."""

    k: int = 10
    w_ownership: float = 0.6
    w_segment: float = 0.2
    w_size: float = 0.2
    w_territory: float = 0.0
    size_decades: float = 3.0  # size closeness reaches 0 three orders of magnitude apart
    overlap: str = "containment"  # |A ∩ B| / |A|; or "jaccard": |A ∩ B| / |A ∪ B|
    smoothing: float = 1.0  # α: pseudo-similarity given to the item's base rate
    max_named: int = 5
    chunk_size: int = 256  # accounts per block of the pairwise comparison (bounds memory)

    def __post_init__(self) -> None:
        weights = (self.w_ownership, self.w_segment, self.w_size, self.w_territory)
        if self.k < 1 or self.max_named < 0 or self.chunk_size < 1:
            raise ValueError("propensity: k and chunk_size must be ≥ 1, max_named ≥ 0")
        if any(w < 0 for w in weights) or sum(weights) <= 0:
            raise ValueError("propensity: weights must be ≥ 0 and not all 0")
        if self.size_decades <= 0 or self.smoothing < 0:
            raise ValueError("propensity: size_decades must be > 0 and smoothing ≥ 0")
        if self.overlap not in ("containment", "jaccard"):
            raise ValueError("propensity: overlap must be 'containment' or 'jaccard'")

    @classmethod
    def from_config(cls, config: AnalysisConfig) -> PropensityParams:
        """``config.extra["propensity"]`` (params or a dict of fields), else the defaults."""
        raw = config.extra.get("propensity")
        if raw is None:
            return cls()
        if isinstance(raw, PropensityParams):
            return raw
        if isinstance(raw, dict):
            known = {f.name for f in fields(cls)}
            unknown = sorted(set(raw) - known)
            if unknown:
                raise ValueError(
                    f"propensity: unknown setting(s) {', '.join(map(str, unknown))}; "
                    f"known: {', '.join(sorted(known))}"
                )
            return cls(**raw)
        raise ValueError("propensity: config.extra['propensity'] must be a dict of settings")


def minus_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved back by calendar months, the day clamped: 2020-02-29 − 12 → 2019-02-28."""
    return shift_months(day, -months)


def item_keys(products: pl.DataFrame, level: str) -> pl.DataFrame:
    """product_id → item, exactly as the cells have it (``cells.item_map``): the external id
    (else the name) at product level, the family name at family level ("(none)" when empty)."""
    return item_map(products, level).select(
        pl.col("product_id").cast(pl.Int64), pl.col("item").cast(pl.String)
    )


def ownership(book: Book, config: AnalysisConfig) -> pl.DataFrame:
    """(account_id, item) pairs with R > 0 in the config's window ending at ``config.as_of``
    (all history up to as_of when the window is "all")."""
    date = pl.col("date")
    keep = date <= config.as_of
    if config.window_months is not None:
        keep = keep & (date > minus_months(config.as_of, config.window_months))
    return (
        book.revenue.lazy()
        .filter(keep)
        .select(pl.col("account_id").cast(pl.Int64), pl.col("product_id").cast(pl.Int64), "amount")
        .join(item_keys(book.products, config.level).lazy(), on="product_id", how="inner")
        .group_by("account_id", "item")
        .agg(pl.col("amount").sum())
        .filter(pl.col("amount") > 0)
        .select("account_id", "item")
        .sort("account_id", "item")
        .collect()
    )


def _features(book: Book, config: AnalysisConfig, owned: pl.DataFrame) -> pl.DataFrame:
    """One row per account: name, segment, log10 size, territory, and how many items it owns."""
    missing = [
        c for c in (config.segment_field, config.size_field) if c not in book.accounts.columns
    ]
    if missing:
        raise ValueError(f"accounts have no column {', '.join(missing)} (segment/size field)")

    def text(col: str) -> pl.Expr:
        value = pl.col(col).cast(pl.String).str.strip_chars()
        return pl.when(value == "").then(None).otherwise(value)

    size = pl.col(config.size_field).cast(pl.Float64, strict=False)
    territory = text("territory") if "territory" in book.accounts.columns else pl.lit(None)
    counts = owned.group_by("account_id").agg(pl.len().cast(pl.Int64).alias("n_items"))
    return (
        book.accounts.select(
            pl.col("account_id").cast(pl.Int64),
            pl.col("account_name").cast(pl.String).fill_null(""),
            text(config.segment_field).alias("seg"),
            pl.when(size > 0).then(size.log10()).otherwise(None).alias("lsize"),
            territory.cast(pl.String).alias("terr"),
        )
        .unique("account_id", keep="first", maintain_order=True)
        .join(counts, on="account_id", how="left")
        .with_columns(pl.col("n_items").fill_null(0))
        .sort("account_id")
    )


def lookalikes(
    book: Book,
    config: AnalysisConfig,
    owned: pl.DataFrame | None = None,
    for_accounts: pl.Series | None = None,
    params: PropensityParams | None = None,
) -> pl.DataFrame:
    """The look-alikes of each account (or of ``for_accounts``): account_id, other_id,
    other_name, similarity, rank (1 = most similar), at most k per account, similarity > 0."""
    p = params or PropensityParams.from_config(config)
    owned = ownership(book, config) if owned is None else owned
    feats = _features(book, config, owned)
    left_all = (
        feats
        if for_accounts is None
        else feats.filter(pl.col("account_id").is_in(for_accounts.implode()))
    )
    right = feats.rename({c: f"o_{c}" for c in feats.columns}).rename({"o_account_id": "other_id"})
    other_owned = owned.rename({"account_id": "other_id"})
    out: list[pl.DataFrame] = []
    for start in range(0, left_all.height, p.chunk_size):
        left = left_all.slice(start, p.chunk_size)
        inter = (
            owned.join(left.select("account_id"), on="account_id", how="semi")
            .join(other_owned, on="item", how="inner")
            .filter(pl.col("account_id") != pl.col("other_id"))
            .group_by("account_id", "other_id")
            .agg(pl.len().cast(pl.Int64).alias("inter"))
        )
        union = pl.col("n_items") + pl.col("o_n_items") - pl.col("inter")
        if p.overlap == "containment":
            overlap = (
                pl.when(pl.col("n_items") > 0)
                .then(pl.col("inter") / pl.col("n_items"))
                .otherwise(0.0)
            )
        else:
            overlap = pl.when(union > 0).then(pl.col("inter") / union).otherwise(0.0)
        same_seg = (pl.col("seg") == pl.col("o_seg")).fill_null(False).cast(pl.Float64)
        same_terr = (pl.col("terr") == pl.col("o_terr")).fill_null(False).cast(pl.Float64)
        closeness = (
            (1 - (pl.col("lsize") - pl.col("o_lsize")).abs() / p.size_decades)
            .clip(0.0, 1.0)
            .fill_null(0.0)
        )
        sim = (
            p.w_ownership * overlap
            + p.w_segment * same_seg
            + p.w_size * closeness
            + p.w_territory * same_terr
        )
        block = (
            left.join(right, how="cross")
            .filter(pl.col("account_id") != pl.col("other_id"))
            .join(inter, on=["account_id", "other_id"], how="left")
            .with_columns(pl.col("inter").fill_null(0))
            .with_columns(sim.alias("similarity"))
            .filter(pl.col("similarity") > 0)
            .sort(
                ["account_id", "similarity", "o_account_name", "other_id"],
                descending=[False, True, False, False],
            )
            .with_columns((pl.int_range(pl.len()).over("account_id") + 1).alias("rank"))
            .filter(pl.col("rank") <= p.k)
            .select(
                "account_id",
                "other_id",
                pl.col("o_account_name").alias("other_name"),
                "similarity",
                pl.col("rank").cast(pl.Int64),
            )
        )
        out.append(block)
    if not out:
        return pl.DataFrame(
            schema={
                "account_id": pl.Int64,
                "other_id": pl.Int64,
                "other_name": pl.String,
                "similarity": pl.Float64,
                "rank": pl.Int64,
            }
        )
    return pl.concat(out)


def score_cells(book: Book, config: AnalysisConfig, cells: pl.DataFrame) -> pl.DataFrame:
    """Propensity of every white cell (state "none") of ``cells``, in the order of ``cells``.

    Returns account_id, item, propensity (0–1), lookalikes (the look-alikes that own the item,
    most similar first, ≤ 5), lookalike_owners and base_rate (share of all accounts owning it).
    """
    p = PropensityParams.from_config(config)
    white = (
        cells.filter(pl.col("state") == "none")
        .select(pl.col("account_id").cast(pl.Int64), pl.col("item").cast(pl.String))
        .unique(maintain_order=True)
        .with_row_index("_order")
    )
    owned = ownership(book, config)
    looks = lookalikes(book, config, owned, white.get_column("account_id").unique(), p)
    denom = looks.group_by("account_id").agg(pl.col("similarity").sum().alias("_denom"))
    hits = (
        looks.join(owned.rename({"account_id": "other_id"}), on="other_id", how="inner")
        .join(white.select("account_id", "item"), on=["account_id", "item"], how="semi")
        .group_by("account_id", "item")
        .agg(
            pl.col("similarity").sum().alias("_num"),
            pl.len().cast(pl.Int64).alias("lookalike_owners"),
            pl.col("other_name").sort_by(["rank"]).head(p.max_named).alias("lookalikes"),
        )
    )
    n_accounts = max(book.accounts.select(pl.col("account_id").n_unique()).item(), 1)
    base = owned.group_by("item").agg((pl.len() / n_accounts).alias("base_rate"))
    num = pl.col("_num").fill_null(0.0)
    return (
        white.join(denom, on="account_id", how="left")
        .join(hits, on=["account_id", "item"], how="left")
        .join(base, on="item", how="left")
        .sort("_order")
        .select(
            "account_id",
            "item",
            pl.when(pl.col("_denom").fill_null(0.0) + p.smoothing > 0)
            .then(
                (
                    (num + p.smoothing * pl.col("base_rate").fill_null(0.0))
                    / (pl.col("_denom").fill_null(0.0) + p.smoothing)
                ).clip(0.0, 1.0)
            )
            .otherwise(0.0)
            .alias("propensity"),
            pl.col("lookalikes").fill_null(pl.lit([], dtype=pl.List(pl.String))),
            pl.col("lookalike_owners").fill_null(0),
            pl.col("base_rate").fill_null(0.0),
        )
        .cast(PROPENSITY_SCHEMA)  # type: ignore[arg-type]
    )


def next_best(cells_with_propensity: pl.DataFrame, n: int = 3) -> pl.DataFrame:
    """The ``n`` best white cells per account: propensity > 0, highest first; ties by
    expected_value, then base_rate (when those columns are present), then item. Adds ``rank``."""
    if n < 1:
        raise ValueError("n must be ≥ 1")
    frame = cells_with_propensity
    if "state" in frame.columns:
        frame = frame.filter(pl.col("state") == "none")
    keys: list[str] = ["account_id", "propensity"]
    desc: list[bool] = [False, True]
    for col in ("expected_value", "base_rate"):
        if col in frame.columns:
            keys.append(col)
            desc.append(True)
    keys.append("item")
    desc.append(False)
    return (
        frame.filter(pl.col("propensity") > 0)
        .sort(keys, descending=desc, nulls_last=True)
        .with_columns((pl.int_range(pl.len()).over("account_id") + 1).cast(pl.Int64).alias("rank"))
        .filter(pl.col("rank") <= n)
    )


def _top_popular(white: pl.DataFrame, popularity: pl.DataFrame, n: int) -> pl.DataFrame:
    """The baseline: each account's ``n`` white items most owned overall (owners > 0), ties by
    item."""
    return (
        white.join(popularity, on="item", how="inner")
        .filter(pl.col("owners") > 0)
        .sort(["account_id", "owners", "item"], descending=[False, True, False])
        .with_columns((pl.int_range(pl.len()).over("account_id") + 1).alias("rank"))
        .filter(pl.col("rank") <= n)
        .select("account_id", "item")
    )


def _metrics(suggested: pl.DataFrame, actual: pl.DataFrame, evaluated: pl.Series) -> dict[str, Any]:
    """Hit rate, precision and recall of ``suggested`` against ``actual`` over ``evaluated``."""
    sug = suggested.filter(pl.col("account_id").is_in(evaluated.implode()))
    act = actual.filter(pl.col("account_id").is_in(evaluated.implode()))
    hits = sug.join(act, on=["account_id", "item"], how="semi")
    n_eval = evaluated.len()
    hit_accounts = hits.get_column("account_id").n_unique()
    return {
        "hit_rate_at_3": hit_accounts / n_eval if n_eval else None,
        "precision_at_3": hits.height / sug.height if sug.height else None,
        "recall_at_3": hits.height / act.height if act.height else None,
        "accounts_with_a_hit": hit_accounts,
        "hits": hits.height,
        "suggestions": sug.height,
    }


def evaluate_holdout(
    book: Book, config: AnalysisConfig, horizon_months: int = 12
) -> dict[str, Any]:
    """How well the look-alike ranking predicts what accounts buy next, on held-out history.

    cutoff = as_of − horizon. The model sees only revenue dated ≤ cutoff (ownership in the
    config's window ending at the cutoff). Every account × item not owned at the cutoff is a white
    cell; the look-alike top 3 (``next_best``) and a popularity baseline's top 3 (the white items
    most owned at the cutoff) are compared with what each account newly bought, R > 0 in
    (cutoff, as_of], among its white items. Evaluated accounts: ≥ 1 white item and ≥ 1 new
    purchase. Hit rate@3 = share of them with at least one suggestion bought; precision@3 =
    hits / suggestions; recall@3 = hits / new purchases.
    """
    if horizon_months < 1:
        raise ValueError("horizon_months must be ≥ 1")
    cutoff = minus_months(config.as_of, horizon_months)
    train_config = replace(config, as_of=cutoff)
    train_book = Book(
        accounts=book.accounts,
        products=book.products,
        revenue=book.revenue.filter(pl.col("date") <= cutoff),
        opportunities=book.opportunities.filter(
            pl.col("created_date").is_null() | (pl.col("created_date") <= cutoff)
        ),
        overrides=book.overrides,
    )
    owned = ownership(train_book, train_config)
    items = item_keys(book.products, config.level).select("item").unique().sort("item")
    accounts = book.accounts.select(pl.col("account_id").cast(pl.Int64)).unique().sort("account_id")
    white = (
        accounts.join(items, how="cross")
        .join(owned, on=["account_id", "item"], how="anti")
        .with_columns(pl.lit("none").alias("state"))
    )
    later = (
        book.revenue.filter((pl.col("date") > cutoff) & (pl.col("date") <= config.as_of))
        .select(pl.col("account_id").cast(pl.Int64), pl.col("product_id").cast(pl.Int64), "amount")
        .join(item_keys(book.products, config.level), on="product_id", how="inner")
        .group_by("account_id", "item")
        .agg(pl.col("amount").sum())
        .filter(pl.col("amount") > 0)
        .join(white, on=["account_id", "item"], how="semi")
        .select("account_id", "item")
    )
    scored = score_cells(train_book, train_config, white)
    model = next_best(scored, 3).select("account_id", "item")
    popularity = owned.group_by("item").agg(pl.len().alias("owners"))
    baseline = _top_popular(white.select("account_id", "item"), popularity, 3)
    with_white = white.get_column("account_id").unique()
    evaluated = later.get_column("account_id").unique().sort()
    evaluated = evaluated.filter(evaluated.is_in(with_white.implode()))
    look = _metrics(model, later, evaluated)
    pop = _metrics(baseline, later, evaluated)
    lift = None
    if look["hit_rate_at_3"] is not None and pop["hit_rate_at_3"] is not None:
        lift = round(100 * (look["hit_rate_at_3"] - pop["hit_rate_at_3"]), 1)
    return {
        "as_of": config.as_of,
        "cutoff": cutoff,
        "horizon_months": horizon_months,
        "window_months": config.window_months,
        "level": config.level,
        "accounts": accounts.height,
        "items": items.height,
        "accounts_with_white_space": with_white.len(),
        "white_cells": white.height,
        "accounts_evaluated": evaluated.len(),
        "new_purchases": later.height,
        "lookalike": look,
        "popularity": pop,
        "hit_rate_lift_points": lift,
    }

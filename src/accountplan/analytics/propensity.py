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

The search is approximate, so that its cost grows with the accounts and the owned pairs, never
with accounts × accounts (``lookalike_search``): the look-alikes are the k best, by the exact
similarity above, among a bounded set of candidates per account, its neighbours in three
orderings: for each item it owns, the ``item_window`` (4) owners of the item on either side
when the owners are sorted by (segment, log size); the ``segment_window`` (8) accounts on either
side in its segment sorted by log size (also in its territory when that weight is > 0); the
``size_window`` (2) accounts on either side among all accounts sorted by log size. An account
more similar than the k-th found but in none of those windows is missed; windows as wide as the
book give the exact answer.

The propensity of a white cell (account a, item i; state "none") is

    (Σ similarity(a, b) over look-alikes b that own i + α × base_rate(i))
    / (Σ similarity(a, b) over all look-alikes + α)

with α = 1 (``smoothing``) and base_rate(i) = the share of all accounts that own i: as if one more
look-alike, of similarity 1, owned i at the book's average rate. 0 when there is no look-alike and
nobody owns i. The look-alikes named beside it are those that own i, most similar first, at most
five. ``propensity`` scores every account's candidates (the items its look-alikes own that it
does not, and its ``n`` most-owned white items, so its top n is always among them);
``propensity_for`` scores any other cell from the stored look-alikes. Pure Polars; no Django
import.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from accountplan.analytics import lookalike_search as search
from accountplan.analytics.cells import item_map
from accountplan.analytics.dates import shift_months
from accountplan.analytics.frames import AnalysisConfig, Book
from accountplan.analytics.lookalike_search import PropensityParams

__all__ = [
    "PROPENSITY_SCHEMA",
    "Propensity",
    "PropensityParams",
    "evaluate_holdout",
    "item_keys",
    "lookalikes",
    "minus_months",
    "next_best",
    "ownership",
    "propensity",
    "propensity_for",
    "score_cells",
]

#: The columns ``score_cells`` returns.
PROPENSITY_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "account_id": pl.Int64,
    "item": pl.String,
    "propensity": pl.Float64,
    "lookalikes": pl.List(pl.String),
    "lookalike_owners": pl.Int64,  # how many of the account's look-alikes own the item
    "base_rate": pl.Float64,  # share of all accounts that own the item (tie-breaker, context)
}
LOOKALIKES_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "account_id": pl.Int64,
    "other_id": pl.Int64,
    "other_name": pl.String,
    "similarity": pl.Float64,
    "rank": pl.Int64,
}
FOUND_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "a": pl.UInt32,
    "b": pl.UInt32,
    "similarity": pl.Float64,
    "rank": pl.Int64,
}
BASE_RATE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "item": pl.String,
    "owners": pl.Int64,
    "base_rate": pl.Float64,
}
CANDIDATES_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "account_id": pl.Int64,
    "item": pl.String,
    "propensity": pl.Float64,
    "lookalike_owners": pl.Int64,
    "lookalikes": pl.List(pl.String),
    "base_rate": pl.Float64,
}


@dataclass(frozen=True)
class Propensity:
    """What ``propensity`` computes for a whole book.

    ``lookalikes``: account_id, other_id, other_name, similarity, rank (≤ k per account).
    ``base_rate``: item, owners, base_rate = owners / accounts, for every item (most owned first).
    ``candidates``: account_id, item, propensity, lookalike_owners, lookalikes (names, most
    similar first, ≤ max_named), base_rate: each item an account does not own that one of its
    look-alikes owns, and its ``n`` most-owned items it does not own; by account, then propensity
    (highest first), base rate, item.
    """

    lookalikes: pl.DataFrame
    base_rate: pl.DataFrame
    candidates: pl.DataFrame


def minus_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved back by calendar months, the day clamped: 2020-02-29 − 12 → 2019-02-28."""
    return shift_months(day, -months)


def item_keys(products: pl.DataFrame, level: str) -> pl.DataFrame:
    """product_id → item, exactly as the cells have it (``cells.item_map``): the external id
    (else the name) at product level, the family name at family level ("(none)" when empty)."""
    return item_map(products, level).select(
        pl.col("product_id").cast(pl.Int64), pl.col("item").cast(pl.String)
    )


def _bought(revenue: pl.DataFrame, keys: pl.DataFrame, keep: pl.Expr) -> pl.DataFrame:
    """(account_id, item), sorted, with revenue > 0 among the rows ``keep`` selects (amount
    Float64 or Decimal): summed by (account, product), then by item when products share one.
    Items travel as their rank in sorted order (numbers group and sort faster than text)."""
    names = keys.get_column("item").drop_nulls().unique().sort()
    codes = keys.drop_nulls("item").select(
        "product_id",
        pl.col("item").cast(pl.Enum(names)).to_physical().cast(pl.UInt32).alias("code"),
    )
    summed = (
        revenue.lazy()
        .filter(keep)
        .group_by(pl.col("account_id").cast(pl.Int64), pl.col("product_id").cast(pl.Int64))
        .agg(pl.col("amount").sum())
        .join(codes.lazy(), on="product_id", how="inner")
    )
    if codes.height > names.len():  # products sharing an item (family level): sum by item
        summed = summed.group_by("account_id", "code").agg(pl.col("amount").sum())
    return (
        summed.filter(pl.col("amount") > 0)
        .select("account_id", "code")
        .sort("account_id", "code")
        .select("account_id", pl.lit(names).gather(pl.col("code")).alias("item"))
        .collect()
    )


def ownership(book: Book, config: AnalysisConfig) -> pl.DataFrame:
    """(account_id, item) pairs with R > 0 in the config's window ending at ``config.as_of``
    (all history up to as_of when the window is "all")."""
    date = pl.col("date")
    keep = date <= config.as_of
    if config.window_months is not None:
        keep = keep & (date > minus_months(config.as_of, config.window_months))
    return _bought(book.revenue, item_keys(book.products, config.level), keep)


def _base_rates(book: Book, config: AnalysisConfig, idx: search.Index) -> pl.DataFrame:
    """Every item (the catalog's and any owned): owners among the book's accounts, base rate."""
    n_accounts = max(idx.accounts.height, 1)
    catalog = item_keys(book.products, config.level).select("item").unique()
    return (
        idx.items.join(catalog, on="item", how="full", coalesce=True)
        .with_columns(pl.col("owners").fill_null(0))
        .with_columns((pl.col("owners") / n_accounts).alias("base_rate"))
        .sort(["owners", "item"], descending=[True, False])
        .cast(BASE_RATE_SCHEMA)  # type: ignore[arg-type]
    )


def _public_lookalikes(idx: search.Index, found: pl.DataFrame) -> pl.DataFrame:
    """Internal (a, b, similarity, rank) → account_id, other_id, other_name, similarity, rank."""
    acc = idx.accounts
    return found.select(
        pl.lit(acc.get_column("account_id")).gather(pl.col("a")).alias("account_id"),
        pl.lit(acc.get_column("account_id")).gather(pl.col("b")).alias("other_id"),
        pl.lit(acc.get_column("account_name")).gather(pl.col("b")).alias("other_name"),
        "similarity",
        "rank",
    ).cast(LOOKALIKES_SCHEMA)  # type: ignore[arg-type]


def _chunks(targets: pl.Series, size: int) -> list[pl.Series]:
    return [targets.slice(start, size) for start in range(0, targets.len(), size)]


def _search(idx: search.Index, p: PropensityParams, targets: pl.Series) -> pl.DataFrame:
    """Internal look-alikes (a, b, similarity, rank) of the accounts ``targets`` (ix, sorted)."""
    found = search.windows(idx, p)
    parts = [search.search(idx, p, chunk, found) for chunk in _chunks(targets, p.chunk_size)]
    if not parts:
        return pl.DataFrame(schema=FOUND_SCHEMA)
    return pl.concat(parts)


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
    idx = search.build_index(book, config, owned)
    return _public_lookalikes(idx, _search(idx, p, _targets(idx, for_accounts)))


def _targets(idx: search.Index, for_accounts: pl.Series | None) -> pl.Series:
    """The ix of ``for_accounts`` (all accounts when None), sorted."""
    acc = idx.accounts
    if for_accounts is None:
        return acc.get_column("ix")
    wanted = for_accounts.cast(pl.Int64).implode()
    return acc.filter(pl.col("account_id").is_in(wanted)).get_column("ix")


# --- the propensity formula, shared by ``propensity`` and ``propensity_for`` ------------------


def _owner_stats(rows: pl.DataFrame, keys: list[str], max_named: int) -> pl.DataFrame:
    """Per run of equal ``keys`` (``rows`` sorted by them, then rank; look-alike rows first,
    other rows with a null similarity last): _num = Σ similarity, lookalike_owners and
    lookalikes (the first ``max_named`` names). Runs are summed in rank order by one code path,
    so ``propensity`` and ``propensity_for`` get the same floats."""
    first = search.group_start(*keys)
    return (
        rows.with_columns(first.cum_sum().alias("_run"))
        .with_columns(pl.col("_run").set_sorted())
        .group_by("_run", maintain_order=True)
        .agg(
            pl.col(keys).first(),
            pl.col("similarity").sum().alias("_num"),
            pl.col("similarity").count().cast(pl.Int64).alias("lookalike_owners"),
            pl.col("other_name").head(max_named).drop_nulls().alias("lookalikes"),
        )
        .drop("_run")
    )


def _score(p: PropensityParams) -> list[pl.Expr]:
    """propensity, lookalike_owners, lookalikes from _num, _denom and base_rate (nulls → 0)."""
    num = pl.col("_num").fill_null(0.0)
    denom = pl.col("_denom").fill_null(0.0)
    base = pl.col("base_rate").fill_null(0.0)
    return [
        pl.when(denom + p.smoothing > 0)
        .then(((num + p.smoothing * base) / (denom + p.smoothing)).clip(0.0, 1.0))
        .otherwise(0.0)
        .alias("propensity"),
        pl.col("lookalike_owners").fill_null(0).cast(pl.Int64),
        pl.col("lookalikes").fill_null(pl.lit([], dtype=pl.List(pl.String))),
    ]


def _candidates(
    idx: search.Index, found: pl.DataFrame, targets: pl.Series, p: PropensityParams, n: int
) -> pl.DataFrame:
    """The candidates of the accounts ``targets`` (ix, sorted) given their look-alikes
    ``found`` (sorted by a, rank): one packed UInt64 (a, item, rank slot) per look-alike owning
    an item a does not own, and per popular white item (slot k), sorted; runs are the cells."""
    acc, k = idx.accounts, p.k
    lo = int(targets.min())  # type: ignore[arg-type]
    hi = int(targets.max())  # type: ignore[arg-type]
    ab, cb, sb = search.bits(hi - lo + 1), search.bits(idx.items.height), search.bits(k + 1)
    if ab + cb + sb > 64:
        raise ValueError("propensity: too many accounts × items for one block; lower chunk_size")

    def of(frame: pl.DataFrame, col: str, who: str) -> pl.Expr:
        return pl.lit(frame.get_column(col)).gather(pl.col(who))

    def pack(code: pl.Expr, slot: pl.Expr) -> pl.Expr:
        return search.shl(pl.col("a") - lo, cb + sb) + search.shl(code, sb) + slot.cast(pl.UInt64)

    # One key per (look-alike, item it owns), then only those of items a does not own.
    decode = [
        ((pl.col("k") // pl.lit(1 << (cb + sb), dtype=pl.UInt64)) + lo).cast(pl.UInt32).alias("a"),
        search.field(pl.col("k"), sb, cb).cast(pl.UInt32).alias("code"),
    ]
    rows = (
        found.select(
            pack(pl.lit(0), pl.col("rank") - 1).alias("k"),
            pl.int_ranges(
                of(acc, "start", "b"), of(acc, "start", "b") + of(acc, "n_items", "b")
            ).alias("row"),
        )
        .explode("row")
        .drop_nulls("row")
        .select(pl.col("k") + search.shl(of(idx.owned, "code", "row"), sb))
        .with_columns(decode)
    )
    rows = rows.filter(~idx.owns(rows)).select("k")
    # Each account's n most-owned items it does not own: by owners, skipping its own.
    popular = (
        pl.DataFrame({"a": targets})
        .with_columns(
            pl.int_ranges(0, (of(acc, "n_items", "a") + n).clip(0, idx.items.height)).alias("pos")
        )
        .explode("pos")
        .drop_nulls("pos")
        .with_columns(pl.lit(idx.by_owners).gather(pl.col("pos")).alias("code"))
    )
    popular = (
        popular.filter(~idx.owns(popular))
        .filter(search.rank_in_run(search.group_start("a")) <= n)
        .select(pack(pl.col("code"), pl.lit(k)).alias("k"))
    )
    keys = pl.concat([rows, popular]).get_column("k").sort()
    cells = keys.to_frame("k").select(
        ((pl.col("k") // pl.lit(1 << (cb + sb), dtype=pl.UInt64)) + lo).cast(pl.UInt32).alias("a"),
        search.field(pl.col("k"), sb, cb).cast(pl.UInt32).alias("code"),
        search.field(pl.col("k"), 0, sb).cast(pl.Int64).alias("slot"),
    )
    span = int(targets.max()) - lo + 1  # type: ignore[arg-type]
    first = found.get_column("a").search_sorted(pl.int_range(lo, lo + span, eager=True))
    at = pl.lit(first.cast(pl.Int64)).gather(pl.col("a") - lo) + pl.col("slot")
    at = pl.when(pl.col("slot") < k).then(at)
    cells = cells.with_columns(
        pl.lit(found.get_column("similarity")).gather(at).alias("similarity"),
        pl.lit(acc.get_column("account_name"))
        .gather(pl.lit(found.get_column("b")).gather(at))
        .alias("other_name"),
    )
    stats = _owner_stats(cells, ["a", "code"], p.max_named)
    denoms = _owner_stats(found.with_columns(pl.lit(None, pl.String).alias("other_name")), ["a"], 0)
    d_at = pl.lit(denoms.get_column("a")).search_sorted(pl.col("a")).cast(pl.Int64)
    d_at = d_at.clip(0, max(denoms.height - 1, 0))
    base = idx.items.get_column("owners") / max(acc.height, 1)
    return stats.with_columns(
        (
            pl.when(pl.lit(denoms.get_column("a")).gather(d_at) == pl.col("a")).then(
                pl.lit(denoms.get_column("_num")).gather(d_at)
            )
            if denoms.height
            else pl.lit(None, dtype=pl.Float64)
        ).alias("_denom"),
        pl.lit(base).gather(pl.col("code")).alias("base_rate"),
    ).select(
        of(acc, "account_id", "a").alias("account_id"),
        of(idx.items, "item", "code").alias("item"),
        *_score(p),
        "base_rate",
    )


def propensity(
    book: Book,
    config: AnalysisConfig,
    owned: pl.DataFrame | None = None,
    params: PropensityParams | None = None,
    n: int = 3,
) -> Propensity:
    """Look-alikes, base rates and scored candidates of every account (see ``Propensity``)."""
    if n < 0:
        raise ValueError("n must be ≥ 0")
    p = params or PropensityParams.from_config(config)
    # (no local reference to a computed ownership: it is not needed past the index)
    idx = search.build_index(book, config, ownership(book, config) if owned is None else owned)
    found = search.windows(idx, p)
    looks: list[pl.DataFrame] = []
    candidates: list[pl.DataFrame] = []
    for chunk in _chunks(idx.accounts.get_column("ix"), p.chunk_size):
        top = search.search(idx, p, chunk, found)
        looks.append(_public_lookalikes(idx, top))
        candidates.append(_candidates(idx, top, chunk, p, n).cast(CANDIDATES_SCHEMA))  # type: ignore[arg-type]
    return Propensity(
        lookalikes=pl.concat(looks, rechunk=False)
        if looks
        else pl.DataFrame(schema=LOOKALIKES_SCHEMA),
        base_rate=_base_rates(book, config, idx),
        candidates=pl.concat(candidates, rechunk=False)
        if candidates
        else pl.DataFrame(schema=CANDIDATES_SCHEMA),
    )


def propensity_for(
    pairs: pl.DataFrame,
    lookalikes: pl.DataFrame,
    owned: pl.DataFrame,
    base_rate: pl.DataFrame,
    params: PropensityParams | None = None,
) -> pl.DataFrame:
    """The propensity of each (account_id, item) of ``pairs``, in their order, from stored
    look-alikes (``Propensity.lookalikes``), ownership and base rates (``Propensity.base_rate``):
    account_id, item, propensity, lookalike_owners, lookalikes. The same as ``candidates`` for
    a pair it holds; α × base_rate / (Σ similarity + α) for a pair no look-alike owns. Pairs are
    meant to be white cells (an owned pair is scored all the same)."""
    p = params or PropensityParams()
    asked = pairs.select(
        pl.col("account_id").cast(pl.Int64), pl.col("item").cast(pl.String)
    ).with_row_index("_order")
    wanted = asked.select("account_id", "item").unique()
    looks = (
        lookalikes.select("account_id", "other_id", "other_name", "similarity", "rank")
        .join(wanted.select("account_id").unique(), on="account_id", how="semi")
        .sort("account_id", "rank")
    )
    rows = (
        looks.join(
            owned.select(
                pl.col("account_id").cast(pl.Int64).alias("other_id"),
                pl.col("item").cast(pl.String),
            ).unique(),
            on="other_id",
            how="inner",
        )
        .join(wanted, on=["account_id", "item"], how="semi")
        .sort("account_id", "item", "rank")
    )
    denoms = _owner_stats(looks, ["account_id"], 0).select(
        "account_id", pl.col("_num").alias("_denom")
    )
    return (
        asked.join(denoms, on="account_id", how="left")
        .join(
            _owner_stats(rows, ["account_id", "item"], p.max_named),
            on=["account_id", "item"],
            how="left",
        )
        .join(base_rate.select("item", "base_rate"), on="item", how="left")
        .sort("_order")
        .select("account_id", "item", *_score(p))
    )


def score_cells(book: Book, config: AnalysisConfig, cells: pl.DataFrame) -> pl.DataFrame:
    """Propensity of every white cell (state "none") of ``cells``, in the order of ``cells``.

    Returns account_id, item, propensity (0–1), lookalikes (the look-alikes that own the item,
    most similar first, ≤ 5), lookalike_owners and base_rate (share of all accounts owning it).
    Searches the look-alikes of the accounts with a white cell only (``propensity_for``).
    """
    p = PropensityParams.from_config(config)
    white = (
        cells.filter(pl.col("state") == "none")
        .select(pl.col("account_id").cast(pl.Int64), pl.col("item").cast(pl.String))
        .unique(maintain_order=True)
    )
    owned = ownership(book, config)
    idx = search.build_index(book, config, owned)
    looks = _public_lookalikes(
        idx, _search(idx, p, _targets(idx, white.get_column("account_id").unique()))
    )
    base = _base_rates(book, config, idx)
    return (
        propensity_for(white, looks, owned, base, p)
        .join(base.select("item", "base_rate"), on="item", how="left", maintain_order="left")
        .with_columns(pl.col("base_rate").fill_null(0.0))
        .select(list(PROPENSITY_SCHEMA))
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


def _top_popular(candidates: pl.DataFrame, n: int) -> pl.DataFrame:
    """The baseline: each account's ``n`` white items most owned overall (owners > 0), ties by
    item: they are among its candidates, which hold its n most-owned white items."""
    return (
        candidates.filter(pl.col("base_rate") > 0)
        .sort(["account_id", "base_rate", "item"], descending=[False, True, False])
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
    cell; the look-alike top 3 (``next_best`` of the candidates of ``propensity``, which hold
    each account's top 3) and a popularity baseline's top 3 (the white items most owned at the
    cutoff) are compared with what each account newly bought, R > 0 in (cutoff, as_of], among its
    white items. Evaluated accounts: ≥ 1 white item and ≥ 1 new purchase. Hit rate@3 = share of
    them with at least one suggestion bought; precision@3 = hits / suggestions; recall@3 = hits /
    new purchases. Never builds the account × item grid.
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
    items = item_keys(book.products, config.level).select("item").unique()
    accounts = book.accounts.select(pl.col("account_id").cast(pl.Int64)).unique()
    owned = ownership(train_book, train_config).join(accounts, on="account_id", how="semi")
    per_account = owned.group_by("account_id").agg(pl.len().alias("n"))
    with_white = (
        accounts.join(per_account, on="account_id", how="left")
        .filter(pl.col("n").fill_null(0) < items.height)
        .get_column("account_id")
    )
    keys = item_keys(book.products, config.level)
    fresh = (pl.col("date") > cutoff) & (pl.col("date") <= config.as_of)
    later = (
        _bought(book.revenue, keys, fresh)
        .join(accounts, on="account_id", how="semi")
        .join(owned, on=["account_id", "item"], how="anti")
    )
    scored = propensity(train_book, train_config, owned=owned, n=3).candidates
    model = next_best(scored, 3).select("account_id", "item")
    baseline = _top_popular(scored, 3)
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
        "white_cells": accounts.height * items.height - owned.height,
        "accounts_evaluated": evaluated.len(),
        "new_purchases": later.height,
        "lookalike": look,
        "popularity": pop,
        "hit_rate_lift_points": lift,
    }

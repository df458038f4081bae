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

The search is approximate, so that its cost grows with the accounts and the items they own, never
with accounts × accounts (``lookalike_search``): the look-alikes are the k best, by the exact
similarity above, among a bounded set of candidates per account, its neighbours in (segment, log
size) order among the owners of each item it owns (``item_budget`` = 32 per side in all, half on
its rarest item, a quarter on the next, …: an account much like it must own its rarest items), in
its segment (``segment_window`` = 4 per side; in its territory too when that weight is > 0) and
among all accounts (``size_window`` = 2 per side). An account more similar than the k-th found
but in none of these windows is missed; windows as wide as the book give the exact answer.

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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from accountplan.analytics import lookalike_search as search
from accountplan.analytics.cells import item_map
from accountplan.analytics.dates import shift_months
from accountplan.analytics.frames import AnalysisConfig, Book
from accountplan.analytics.lookalike_cells import candidates as candidate_cells
from accountplan.analytics.lookalike_cells import owner_stats, score
from accountplan.analytics.lookalike_index import Index, PropensityParams, build_index

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

    ``lookalikes``: account_id, other_id, other_name, similarity, rank (≤ k per account, an
    account's rows together in rank order). ``base_rate``: item, owners, base_rate = owners /
    accounts, for every item of the catalog (most owned first). ``candidates``: account_id, item,
    propensity, lookalike_owners, lookalikes (names, most similar first, ≤ max_named),
    base_rate: each item an account does not own that one of its look-alikes owns, and its ``n``
    most-owned items it does not own (an account's rows together, most owned item first).
    Accounts come in no particular order (they are searched in segment and size order).
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


def _bought_codes(
    revenue: pl.DataFrame, keys: pl.DataFrame, keep: pl.Expr
) -> tuple[pl.DataFrame, pl.Series]:
    """(account_id, code) with revenue > 0 among the rows ``keep`` selects (amount Float64 or
    Decimal), summed by (account, product), then by item when products share one; and the item
    names the codes index, sorted (numbers group and sort faster than text)."""
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
    return summed.filter(pl.col("amount") > 0).select("account_id", "code").collect(), names


def _bought(revenue: pl.DataFrame, keys: pl.DataFrame, keep: pl.Expr) -> pl.DataFrame:
    """(account_id, item), sorted, with revenue > 0 among the rows ``keep`` selects."""
    pairs, names = _bought_codes(revenue, keys, keep)
    return pairs.sort("account_id", "code").select(
        "account_id", pl.lit(names).gather(pl.col("code")).alias("item")
    )


def _window(config: AnalysisConfig) -> pl.Expr:
    """The revenue rows of the config's window ending at ``config.as_of``."""
    date = pl.col("date")
    keep = date <= config.as_of
    if config.window_months is not None:
        keep = keep & (date > minus_months(config.as_of, config.window_months))
    return keep


def _index(book: Book, config: AnalysisConfig, owned: pl.DataFrame | None) -> Index:
    """The numbered book, from ``owned`` or from the revenue (without naming every pair)."""
    if owned is not None:
        return build_index(book, config, owned)
    keys = item_keys(book.products, config.level)
    return build_index(book, config, *_bought_codes(book.revenue, keys, _window(config)))


def ownership(book: Book, config: AnalysisConfig) -> pl.DataFrame:
    """(account_id, item) pairs with R > 0 in the config's window ending at ``config.as_of``
    (all history up to as_of when the window is "all")."""
    return _bought(book.revenue, item_keys(book.products, config.level), _window(config))


def _base_rates(book: Book, config: AnalysisConfig, idx: Index) -> pl.DataFrame:
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


def _public_lookalikes(idx: Index, found: pl.DataFrame) -> pl.DataFrame:
    """Internal (a, b, similarity, rank) → account_id, other_id, other_name, similarity, rank."""
    acc = idx.accounts
    return found.select(
        pl.lit(acc.get_column("account_id")).gather(pl.col("a")).alias("account_id"),
        pl.lit(acc.get_column("account_id")).gather(pl.col("b")).alias("other_id"),
        pl.lit(acc.get_column("account_name")).gather(pl.col("b")).alias("other_name"),
        "similarity",
        "rank",
    ).cast(LOOKALIKES_SCHEMA)  # type: ignore[arg-type]


#: The smallest block worth a thread of its own.
MIN_BLOCK = 1_000


def _chunks(targets: pl.Series, size: int) -> list[pl.Series]:
    return [targets.slice(start, size) for start in range(0, targets.len(), size)]


def _each_chunk[T](
    targets: pl.Series, p: PropensityParams, work: Callable[[pl.Series], T]
) -> list[T]:
    """``work`` on each block of ``targets``, ``p.workers`` at a time, results in order.

    A book smaller than ``workers`` blocks is cut into ``workers`` equal blocks (of at least
    ``MIN_BLOCK`` accounts), so every worker has one."""
    size = min(p.chunk_size, max(MIN_BLOCK, -(-targets.len() // p.workers)))
    chunks = _chunks(targets, size)
    if p.workers == 1 or len(chunks) < 2:
        return [work(chunk) for chunk in chunks]
    with ThreadPoolExecutor(max_workers=p.workers) as pool:
        return list(pool.map(work, chunks))


def _search(idx: Index, p: PropensityParams, targets: pl.Series) -> pl.DataFrame:
    """Internal look-alikes (a, b, similarity, rank) of the accounts ``targets`` (ix, sorted)."""
    found = search.windows(idx, p)
    parts = _each_chunk(targets, p, lambda chunk: search.search(idx, p, chunk, found))
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
    idx = _index(book, config, owned)
    return _public_lookalikes(idx, _search(idx, p, _targets(idx, for_accounts)))


def _targets(idx: Index, for_accounts: pl.Series | None) -> pl.Series:
    """The ix of ``for_accounts`` (all accounts when None), sorted."""
    acc = idx.accounts
    if for_accounts is None:
        return acc.get_column("ix")
    wanted = for_accounts.cast(pl.Int64).implode()
    return acc.filter(pl.col("account_id").is_in(wanted)).get_column("ix")


def propensity(
    book: Book,
    config: AnalysisConfig,
    owned: pl.DataFrame | None = None,
    params: PropensityParams | None = None,
    n: int = 3,
    reduce: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
) -> Propensity:
    """Look-alikes, base rates and scored candidates of every account (see ``Propensity``).

    ``reduce``, when given, is applied to each block's candidates before the blocks are
    gathered (e.g. to keep each account's best few), so the whole book's candidates never exist
    at once; ``Propensity.candidates`` then holds what it returns."""
    if n < 0:
        raise ValueError("n must be ≥ 0")
    p = params or PropensityParams.from_config(config)
    idx = _index(book, config, owned)
    found = search.windows(idx, p)

    def block(chunk: pl.Series) -> tuple[pl.DataFrame, pl.DataFrame]:
        top = search.search(idx, p, chunk, found)
        cells = candidate_cells(idx, top, chunk, p, n).cast(CANDIDATES_SCHEMA)  # type: ignore[arg-type]
        return _public_lookalikes(idx, top), cells if reduce is None else reduce(cells)

    done = _each_chunk(idx.accounts.get_column("ix"), p, block)
    looks = [d[0] for d in done]
    candidates = [d[1] for d in done]
    del done
    return Propensity(
        lookalikes=pl.concat(looks, rechunk=False)
        if looks
        else pl.DataFrame(schema=LOOKALIKES_SCHEMA),
        base_rate=_base_rates(book, config, idx),
        candidates=pl.concat(candidates, rechunk=False)
        if candidates
        else _empty_candidates(reduce),
    )


def _empty_candidates(reduce: Callable[[pl.DataFrame], pl.DataFrame] | None) -> pl.DataFrame:
    empty = pl.DataFrame(schema=CANDIDATES_SCHEMA)
    return empty if reduce is None else reduce(empty)


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
    theirs = owned.select(
        pl.col("account_id").cast(pl.Int64).alias("other_id"), pl.col("item").cast(pl.String)
    )
    theirs = theirs.join(looks.select("other_id").unique(), on="other_id", how="semi").unique()
    rows = (
        looks.join(theirs, on="other_id", how="inner")
        .join(wanted, on=["account_id", "item"], how="semi")
        .sort("account_id", "item", "rank")
    )
    denoms = owner_stats(looks, ["account_id"], 0).select(
        "account_id", pl.col("_num").alias("_denom")
    )
    return (
        asked.join(denoms, on="account_id", how="left")
        .join(
            owner_stats(rows, ["account_id", "item"], p.max_named),
            on=["account_id", "item"],
            how="left",
        )
        .join(base_rate.select("item", "base_rate"), on="item", how="left")
        .sort("_order")
        .select("account_id", "item", *score(p))
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
    idx = build_index(book, config, owned)
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
    # a row among an account's n best has fewer than n rows of higher propensity: the full
    # sort then only sees those (a few per account instead of every candidate)
    contender = pl.col("propensity").rank("min", descending=True).over("account_id") <= n
    return (
        frame.filter(pl.col("propensity") > 0)
        .filter(contender)
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

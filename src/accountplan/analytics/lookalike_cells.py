"""The propensity formula over the look-alikes, shared by ``propensity`` (every account's
candidates) and ``propensity_for`` (any cell): the same runs, summed in the same order, so both
give the same floats.

``candidates`` packs one UInt64 (account, item, rank slot) per look-alike owning an item the
account does not own, and one per popular white item, sorts them once, and reads each run of
equal (account, item) as a cell. Pure Polars; no Django import.
"""

from __future__ import annotations

import polars as pl

from accountplan.analytics.lookalike_index import (
    Index,
    PropensityParams,
    bits,
    field,
    group_start,
    rank_in_run,
    shl,
)


def owner_stats(rows: pl.DataFrame, keys: list[str], max_named: int) -> pl.DataFrame:
    """Per run of equal ``keys`` (``rows`` sorted by them, then rank; look-alike rows first,
    other rows with a null similarity last): _num = Σ similarity, lookalike_owners and
    lookalikes (the first ``max_named`` names). Runs are summed in rank order by one code path,
    so ``propensity`` and ``propensity_for`` get the same floats."""
    first = group_start(*keys)
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


def score(p: PropensityParams) -> list[pl.Expr]:
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


def candidates(
    idx: Index, found: pl.DataFrame, targets: pl.Series, p: PropensityParams, n: int
) -> pl.DataFrame:
    """The candidates of the accounts ``targets`` (ix, sorted) given their look-alikes
    ``found`` (sorted by a, rank): one packed UInt64 (a, item, rank slot) per look-alike owning
    an item a does not own, and per popular white item (slot k), sorted; runs are the cells."""
    acc, k = idx.accounts, p.k
    lo = int(targets.min())  # type: ignore[arg-type]
    hi = int(targets.max())  # type: ignore[arg-type]
    ab, cb, sb = bits(hi - lo + 1), bits(idx.items.height), bits(k + 1)
    if ab + cb + sb > 64:
        raise ValueError("propensity: too many accounts × items for one block; lower chunk_size")

    def of(frame: pl.DataFrame, col: str, who: str) -> pl.Expr:
        return pl.lit(frame.get_column(col)).gather(pl.col(who))

    def pack(code: pl.Expr, slot: pl.Expr) -> pl.Expr:
        return shl(pl.col("a") - lo, cb + sb) + shl(code, sb) + slot.cast(pl.UInt64)

    # One key per (look-alike, item it owns), then only those of items a does not own.
    decode = [
        ((pl.col("k") // pl.lit(1 << (cb + sb), dtype=pl.UInt64)) + lo).cast(pl.UInt32).alias("a"),
        field(pl.col("k"), sb, cb).cast(pl.UInt32).alias("code"),
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
        .select(pl.col("k") + shl(of(idx.owned, "code", "row"), sb))
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
        .filter(rank_in_run(group_start("a")) <= n)
        .select(pack(pl.col("code"), pl.lit(k)).alias("k"))
    )
    keys = pl.concat([rows, popular]).get_column("k").sort()
    cells = keys.to_frame("k").select(
        ((pl.col("k") // pl.lit(1 << (cb + sb), dtype=pl.UInt64)) + lo).cast(pl.UInt32).alias("a"),
        field(pl.col("k"), sb, cb).cast(pl.UInt32).alias("code"),
        field(pl.col("k"), 0, sb).cast(pl.Int64).alias("slot"),
    )
    span = int(targets.max()) - lo + 1  # type: ignore[arg-type]
    first = found.get_column("a").search_sorted(pl.int_range(lo, lo + span, eager=True))
    at = pl.lit(first.cast(pl.Int64)).gather(pl.col("a") - lo) + pl.col("slot")
    at = pl.when(pl.col("slot") < k).then(at)
    names = (  # the look-alikes named in the explanation; none asked, none gathered
        pl.lit(acc.get_column("account_name")).gather(pl.lit(found.get_column("b")).gather(at))
        if p.max_named
        else pl.lit(None, dtype=pl.String)
    )
    cells = cells.with_columns(
        pl.lit(found.get_column("similarity")).gather(at).alias("similarity"),
        names.alias("other_name"),
    )
    stats = owner_stats(cells, ["a", "code"], p.max_named)
    denoms = owner_stats(found.with_columns(pl.lit(None, pl.String).alias("other_name")), ["a"], 0)
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
        *score(p),
        "base_rate",
    )

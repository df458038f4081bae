"""The look-alike search behind ``propensity``: each account's top k among a bounded candidate set.

The candidates of an account a (``candidate_pairs``) are its neighbours in a few orderings of the
numbered book (``lookalike_index``):

- for each item a owns, the owners of that item on either side of a when the owners are sorted by
  (segment, log size, id): ``item_budget`` per side in all, half to a's rarest item, a quarter to
  the next rarest, … (at least 1 and at most ``item_window`` per item) — an account much like a
  (most of a's items) must own a's rarest ones;
- the ``segment_window`` accounts on either side of a in its segment sorted by log size (and the
  same in its territory when the territory weight is > 0);
- the ``size_window`` accounts on either side of a among all accounts sorted by log size.

Every candidate is then scored with the exact similarity of ``propensity`` and the k best kept,
ties by name then id (``top_k``: one packed UInt64 sort, exact). Cost: O(accounts × (2 ×
item_budget + 2 × segment_window + 2 × size_window)) pairs, never accounts × accounts. Pure
Polars; no Django import.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from accountplan.analytics.lookalike_index import (
    U32,
    U64,
    Index,
    PropensityParams,
    bits,
    field,
    group_start,
    of,
    rank_in_run,
    shl,
)


@dataclass(frozen=True)
class Window:
    """One ordering of rows (accounts or owned pairs): who stands where, and in which group."""

    order: pl.Series  # ix of the account at each position
    group: pl.Series  # neighbours must share it (null: no neighbours)
    position: pl.Series  # position of each row (account ix, or owned row) in ``order``
    width: int


def _account_window(order: pl.Series, group: pl.Series | None, width: int) -> Window:
    """Accounts in ``order`` (ix), neighbours within ``group`` (in ix order; None: all)."""
    grp = group.gather(order) if group is not None else pl.zeros(order.len(), U32, eager=True)
    return Window(order, grp, order.arg_sort().cast(U32), width)


def _item_window(idx: Index, width: int) -> Window:
    """Owned pairs ordered by (item, owner's ix), i.e. by item, then segment and log size."""
    own = idx.owned
    n, rows = idx.accounts.height, own.height
    rb, cb, pb = bits(n), bits(idx.items.height), bits(rows)
    keys = own.select(shl(pl.col("code"), rb) + pl.col("ix").cast(U64))
    ordered = (
        keys.to_series()
        .sort()
        .to_frame("k")
        .select(
            field(pl.col("k"), 0, rb).cast(U32).alias("ix"),
            (pl.col("k") // pl.lit(1 << rb, dtype=U64)).cast(U32).alias("code"),
        )
    )
    if rb + cb + pb <= 64:
        # Each owned row's position in the order: sort (ix, code, position) back to owned order.
        back = (
            ordered.select(
                shl(pl.col("ix"), cb + pb)
                + shl(pl.col("code"), pb)
                + pl.int_range(pl.len(), dtype=U64)
            )
            .to_series()
            .sort()
        )
        position = (back % (1 << pb)).cast(U32)
    else:
        position = ordered.select(pl.arg_sort_by(["ix", "code"]).cast(U32)).to_series()
        position = position.arg_sort().cast(U32)
    return Window(ordered.get_column("ix"), ordered.get_column("code"), position, width)


def windows(idx: Index, p: PropensityParams) -> tuple[list[Window], list[Window]]:
    """The item windows (over owned pairs) and the account windows of the search."""
    acc = idx.accounts
    n = acc.height
    items: list[Window] = []
    if p.item_window and idx.owned.height:
        items.append(_item_window(idx, p.item_window))
    out: list[Window] = []
    if p.segment_window:
        # ix is already the (segment, log size) order
        ident = pl.int_range(n, dtype=U32, eager=True)
        out.append(Window(ident, acc.get_column("seg_code"), ident, p.segment_window))
        if p.w_territory > 0:
            by_terr = acc.select(
                pl.arg_sort_by(["terr_code", "lsize", "ix"], nulls_last=True).cast(U32)
            ).to_series()
            out.append(_account_window(by_terr, acc.get_column("terr_code"), p.segment_window))
    if p.size_window:
        by_size = acc.select(
            pl.arg_sort_by("lsize", nulls_last=True, maintain_order=True).cast(U32)
        ).to_series()
        out.append(_account_window(by_size, None, p.size_window))
    return items, out


def _neighbours(
    a: pl.Series, pos: pl.Series, win: Window, width: pl.Series | None = None
) -> pl.DataFrame:
    """(a, b) for each row standing at ``pos`` and each b within the window's width of it (or
    the row's own ``width``, at most the window's), in the same group. Work ∝ pairs."""
    n = win.order.len()
    reach = pl.lit(min(win.width, max(n - 1, 0)), dtype=pl.Int64)
    w = reach if width is None else pl.min_horizontal(width.cast(pl.Int64), reach)
    q = pl.col("pos") + pl.col("d")
    return (
        pl.DataFrame({"a": a, "pos": pos.cast(pl.Int64)})
        .with_columns(pl.int_ranges(-w, w + 1).alias("d"))
        .explode("d")
        .filter((pl.col("d") != 0) & (q >= 0) & (q < n))
        .filter(pl.lit(win.group).gather(q) == pl.lit(win.group).gather(pl.col("pos")))
        .select("a", pl.lit(win.order).gather(q).alias("b"))
    )


def candidate_pairs(
    idx: Index,
    item_windows: list[Window],
    account_windows: list[Window],
    targets: pl.Series,
    item_budget: int,
) -> pl.DataFrame:
    """(a, b) candidate pairs for the accounts ``targets`` (ix), duplicates included."""
    parts: list[pl.DataFrame] = []
    acc = idx.accounts
    if item_windows:
        start, count = of(acc, "start", "a"), of(acc, "n_items", "a")
        rows = (
            pl.DataFrame({"a": targets})
            .with_columns(pl.int_ranges(start, start + count, dtype=U32).alias("row"), count)
            .explode("row")
            .drop_nulls("row")
        )
        # The budget goes to the account's rarest items first (codes run from the most owned):
        # half to the rarest, a quarter to the next, …, at least 1 each.
        rarity = pl.col("n_items") - rank_in_run(group_start("a"))  # 0: the rarest
        share = item_budget / pl.lit(2.0).pow(rarity.clip(0, 60) + 1)
        rows = rows.with_columns(share.ceil().clip(1, None).cast(pl.Int64).alias("w"))
        for win in item_windows:
            pos = win.position.gather(rows.get_column("row"))
            parts.append(_neighbours(rows.get_column("a"), pos, win, rows.get_column("w")))
    for win in account_windows:
        parts.append(_neighbours(targets, win.position.gather(targets), win))
    if not parts:
        return pl.DataFrame(schema={"a": U32, "b": U32})
    return pl.concat(parts).filter(pl.col("a") != pl.col("b"))


def _intersections(idx: Index, pairs: pl.DataFrame) -> pl.Expr:
    """|A ∩ B| of each pair (Int64): popcounts of the bitmasks, plus the tail by a join."""
    inter: pl.Expr = pl.lit(0, dtype=pl.Int64)
    for w in range(idx.words):
        both = of(idx.accounts, f"w{w}", "a") & of(idx.accounts, f"w{w}", "b")
        inter = inter + both.bitwise_count_ones().cast(pl.Int64)
    rare = idx.rare
    if not rare.height:
        return inter
    tail = (
        pairs.select("a", "b")
        .unique()
        .join(rare.rename({"ix": "a"}), on="a", how="inner")
        .join(rare.rename({"ix": "b"}), on=["b", "code"], how="inner")
        .group_by("a", "b")
        .agg(pl.len().cast(pl.Int64).alias("_tail"))
    )
    extra = pairs.select("a", "b").join(tail, on=["a", "b"], how="left", maintain_order="left")
    return inter + pl.lit(extra.get_column("_tail").fill_null(0))


def _similarity(
    idx: Index, pairs: pl.DataFrame, p: PropensityParams
) -> tuple[pl.DataFrame, pl.Expr]:
    """``pairs`` with the column the similarity needs twice, and the similarity's expression:
    the formula of the ``propensity`` docstring, in its order of evaluation."""
    acc = idx.accounts
    frame = pairs
    inter = _intersections(idx, pairs)
    if p.overlap == "jaccard" or idx.rare.height:
        frame = frame.with_columns(inter.alias("_i"))
        inter = pl.col("_i")
    n_a = of(acc, "n_items", "a")
    if p.overlap == "containment":
        overlap = inter / n_a.clip(1)  # n_a = 0: inter = 0, overlap 0
    else:
        overlap = inter / (n_a + of(acc, "n_items", "b") - inter).clip(1)
    same_seg = (of(acc, "segk", "a") == of(acc, "segk", "b")).cast(pl.Float64)
    gap = (of(acc, "lsize", "a") - of(acc, "lsize", "b")).abs()
    closeness = (1 - gap / p.size_decades).clip(0.0, 1.0).fill_null(0.0)
    sim = p.w_ownership * overlap + p.w_segment * same_seg + p.w_size * closeness
    if p.w_territory > 0:
        same_terr = (of(acc, "terrk", "a") == of(acc, "terrk", "b")).cast(pl.Float64)
        sim = sim + p.w_territory * same_terr
    return frame, sim


def similarity(idx: Index, pairs: pl.DataFrame, p: PropensityParams) -> pl.DataFrame:
    """Pairs (a, b) with their exact similarity (the formula of the ``propensity`` docstring)."""
    frame, sim = _similarity(idx, pairs, p)
    return frame.select("a", "b", sim.alias("similarity"))


def _exact_top_k(idx: Index, scored: pl.DataFrame, k: int) -> pl.DataFrame:
    """Top k per a by (similarity desc, name, id), duplicates dropped, ranked."""
    first = group_start("a")
    return (
        scored.with_columns(of(idx.accounts, "name_rank", "b").alias("_nr"))
        .sort(["a", "similarity", "_nr"], descending=[False, True, False])
        .filter(group_start("a", "b"))
        .with_columns(rank_in_run(first).alias("rank"))
        .filter(pl.col("rank") <= k)
        .select("a", "b", "similarity", "rank")
    )


def top_k(idx: Index, pairs: pl.DataFrame, p: PropensityParams) -> pl.DataFrame:
    """The k most similar b per a (similarity > 0; ties by name, then id), duplicates dropped:
    a, b, similarity, rank (Int64), sorted by a then rank.

    Sorts one packed UInt64 per pair, (a, similarity quantized downwards, name rank), then
    re-sorts exactly only the pairs whose quantized similarity collides; a pair below the k-th
    one's quantum cannot be in the top k, so the result is exact."""
    if pairs.height == 0:
        return _exact_top_k(idx, similarity(idx, pairs, p), p.k)
    lo = int(pairs.get_column("a").min())  # type: ignore[arg-type]
    span = int(pairs.get_column("a").max()) - lo + 1  # type: ignore[arg-type]
    nb, ab = bits(idx.accounts.height), bits(span)
    qb = 64 - nb - ab
    if qb < 16:
        scored = similarity(idx, pairs, p).filter(pl.col("similarity") > 0)
        return _exact_top_k(idx, scored, p.k)
    top_q = (1 << qb) - 1
    scale = (top_q - 1) / (p.w_ownership + p.w_segment + p.w_size + p.w_territory)
    # Any monotone quantization keeps the result exact; this one has ~qb bits of resolution,
    # and maps similarity ≤ 0 (never a look-alike) to the last quantum, dropped below.
    frame, sim = _similarity(idx, pairs, p)
    top = pl.lit(top_q, dtype=U64)
    qd = top - (sim * scale).ceil().clip(0, None).cast(U64).clip(upper_bound=top)
    packed = (
        frame.select(
            shl(pl.col("a") - lo, qb + nb)
            + shl(qd, nb)
            + of(idx.accounts, "name_rank", "b").cast(U64)
        )
        .to_series()
        .sort()
    )
    first = group_start("a")
    sentinel = pl.lit((1 << 64) - 1, dtype=U64)
    k = p.k
    kept = (
        packed.to_frame("k")
        .filter(group_start("k"))
        .select(
            ((pl.col("k") // pl.lit(1 << (qb + nb), dtype=U64)) + lo).cast(U32).alias("a"),
            field(pl.col("k"), nb, qb).alias("qd"),
            field(pl.col("k"), 0, nb).cast(U32).alias("_nr"),
        )
        .with_columns(rank_in_run(first).alias("rank"))
        .with_columns(
            pl.when(pl.col("rank") == k)
            .then(pl.col("qd"))
            .when(first)
            .then(sentinel)
            .otherwise(None)
            .forward_fill()
            .alias("_qk")
        )
        .filter(((pl.col("rank") <= k) | (pl.col("qd") == pl.col("_qk"))) & (pl.col("qd") < top_q))
        .select("a", pl.lit(idx.by_name).gather(pl.col("_nr")).alias("b"), "qd", "_nr")
    )
    kept = kept.with_columns(similarity(idx, kept, p).get_column("similarity"))
    # Pairs sharing a quantum with a neighbour: order them exactly, in place.
    clash = group_start("a", "qd").not_() | group_start("a", "qd").shift(-1).not_()
    tied = kept.with_row_index("_row").filter(clash.fill_null(False))
    if tied.height:
        rows = tied.get_column("_row")
        fixed = tied.sort(["a", "qd", "similarity", "_nr"], descending=[False, False, True, False])
        kept = kept.with_columns(
            kept.get_column(c).scatter(rows, fixed.get_column(c)) for c in ("b", "similarity")
        )
    return (
        kept.with_columns(rank_in_run(first).alias("rank"))
        .filter(pl.col("rank") <= k)
        .select("a", "b", "similarity", "rank")
    )


def search(
    idx: Index,
    p: PropensityParams,
    targets: pl.Series,
    found: tuple[list[Window], list[Window]] | None = None,
) -> pl.DataFrame:
    """The top-k look-alikes (a, b, similarity, rank) of the accounts ``targets`` (ix)."""
    item_windows, account_windows = found or windows(idx, p)
    pairs = candidate_pairs(idx, item_windows, account_windows, targets, p.item_budget)
    return top_k(idx, pairs, p)

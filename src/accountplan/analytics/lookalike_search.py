"""The look-alike search behind ``propensity``: each account's top k among a bounded candidate set.

The book is numbered densely first (``build_index``): account ``ix`` = position by account_id,
item ``code`` = rank by owners (most owned first, ties by item), each account's item set as a
bitmask of up to ``MAX_WORDS`` × 64 bits (codes beyond that, the rarely owned tail, are matched
by a join). The candidates of an account a are its neighbours in a few orderings
(``candidate_pairs``):

- for each item a owns, the ``item_window`` owners of that item on either side of a when the
  owners are sorted by (segment, log size, id): other owners of the item most like a;
- the ``segment_window`` accounts on either side of a in the same segment sorted by log size
  (and the same for territory when its weight is > 0);
- the ``size_window`` accounts on either side of a when all accounts are sorted by log size.

Every candidate is then scored with the exact similarity of ``propensity`` and the k best kept
(ties: name, then id). Cost: O(owned pairs × item_window + accounts × the other windows), never
accounts × accounts. Pure Polars; no Django import.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields

import polars as pl

from accountplan.analytics.frames import AnalysisConfig, Book

#: Words (of 64 items each) of the per-account item bitmask; items past them are joined.
MAX_WORDS = 4
U32 = pl.UInt32
U64 = pl.UInt64
_POW2 = pl.Series("pow2", [1 << b for b in range(64)], dtype=U64)


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
    chunk_size: int = 50_000  # accounts per block of the search (bounds memory, not results)
    # Candidates: for each owned item, the owners on either side in (segment, log size) order,
    # ``item_budget`` per account, half to its rarest item, a quarter to the next, … (at least
    # 1, at most ``item_window`` per item); same-segment (and territory) accounts on either side
    # by log size; accounts on either side by log size, whatever their segment.
    item_budget: int = 32
    item_window: int = 64
    segment_window: int = 4
    size_window: int = 2

    def __post_init__(self) -> None:
        weights = (self.w_ownership, self.w_segment, self.w_size, self.w_territory)
        windows = (self.item_budget, self.item_window, self.segment_window, self.size_window)
        if self.k < 1 or self.max_named < 0 or self.chunk_size < 1 or min(windows) < 0:
            raise ValueError("propensity: k and chunk_size must be ≥ 1, max_named and windows ≥ 0")
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


def bits(n: int) -> int:
    """Bits to hold 0 … n − 1."""
    return max(1, (max(n, 1) - 1).bit_length())


def shl(expr: pl.Expr, bits: int) -> pl.Expr:
    return expr.cast(U64) * pl.lit(1 << bits, dtype=U64)


def field(expr: pl.Expr, shift: int, bits: int) -> pl.Expr:
    """Bits ``shift`` … ``shift + bits − 1`` of a packed UInt64."""
    return (expr // pl.lit(1 << shift, dtype=U64)) % pl.lit(1 << bits, dtype=U64)


def _of(frame: pl.DataFrame, col: str, who: str) -> pl.Expr:
    """``frame[col]`` at the row numbers in column ``who``."""
    return pl.lit(frame.get_column(col)).gather(pl.col(who))


def group_start(*cols: str) -> pl.Expr:
    """True on the first row of each run of equal ``cols`` (rows sorted by them)."""
    same = pl.lit(True)
    for c in cols:
        same = same & (pl.col(c) == pl.col(c).shift(1))
    return ~same.fill_null(False)


def rank_in_run(first: pl.Expr) -> pl.Expr:
    """1, 2, … within each run starting where ``first`` is true."""
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    return row - pl.when(first).then(row).otherwise(None).forward_fill() + 1


@dataclass(frozen=True)
class Window:
    """One ordering of rows (accounts or owned pairs): who stands where, and in which group."""

    order: pl.Series  # ix of the account at each position
    group: pl.Series  # neighbours must share it (null: no neighbours)
    position: pl.Series  # position of each row (account ix, or owned row) in ``order``
    width: int


@dataclass(frozen=True)
class Index:
    """The book densely numbered (see the module docstring)."""

    accounts: pl.DataFrame  # by ix: account_id, account_name, seg_code, lsize, terr_code,
    #                          n_items, start, name_rank, w0 … (bitmask words)
    by_name: pl.Series  # ix in (name, id) order
    items: pl.DataFrame  # by code: item, owners
    by_owners: pl.Series  # codes by owners (most first), then item
    owned: pl.DataFrame  # ix, code (UInt32), sorted by ix then code
    words: int
    flat_words: pl.Series  # the words one after the other: word w of ix at w × accounts + ix

    @property
    def rare(self) -> pl.DataFrame:
        """Owned pairs whose item is past the bitmask."""
        return self.owned.filter(pl.col("code") >= 64 * self.words)

    def owns(self, frame: pl.DataFrame, account: str = "a", code: str = "code") -> pl.Series:
        """Whether the account in column ``account`` owns the item in column ``code``."""
        n, top = self.accounts.height, 64 * self.words
        word = pl.col(code).cast(pl.Int64) // 64
        at = (word.clip(0, max(self.words - 1, 0)) * n + pl.col(account).cast(pl.Int64)).cast(U32)
        bit = (pl.lit(self.flat_words).gather(at) & pl.lit(_POW2).gather(pl.col(code) % 64)) != 0
        owns = (
            pl.when(pl.col(code) < top).then(bit).otherwise(False) if self.words else pl.lit(False)
        )
        out = frame.select(account, code).with_columns(owns.alias("owns"))
        rare = self.rare
        if rare.height:
            tail = rare.rename({"ix": account, "code": code}).with_columns(pl.lit(True).alias("_r"))
            out = out.join(tail, on=[account, code], how="left", maintain_order="left")
            out = out.with_columns(pl.col("owns") | pl.col("_r").fill_null(False))
        return out.get_column("owns")


def account_features(book: Book, config: AnalysisConfig) -> pl.DataFrame:
    """One row per account, by id: name, segment, log10 size, territory."""
    missing = [
        c
        for c in (config.segment_field, config.size_field)
        if c is not None and c not in book.accounts.columns
    ]
    if missing:
        raise ValueError(f"accounts have no column {', '.join(missing)} (segment/size field)")

    def text(col: str) -> pl.Expr:
        value = pl.col(col).cast(pl.String).str.strip_chars()
        return pl.when(value == "").then(None).otherwise(value)

    size = pl.col(config.size_field).cast(pl.Float64, strict=False)
    territory = text("territory") if "territory" in book.accounts.columns else pl.lit(None)
    feats = book.accounts.select(
        pl.col("account_id").cast(pl.Int64),
        pl.col("account_name").cast(pl.String).fill_null(""),
        (text(config.segment_field) if config.segment_field else pl.lit(None, pl.String)).alias(
            "seg"
        ),
        pl.when(size > 0).then(size.log10()).otherwise(None).alias("lsize"),
        territory.cast(pl.String).alias("terr"),
    ).drop_nulls("account_id")
    if feats.get_column("account_id").n_unique() < feats.height:
        feats = feats.unique("account_id", keep="first", maintain_order=True)
    return feats.sort("account_id")


def _code_owned(
    owned: pl.DataFrame, ids: pl.Series, ix_of: pl.Series
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Owned pairs of known accounts as (ix, code), unique, sorted; the items by code.
    ``ids``: the account ids, sorted; ``ix_of``: the ix of each of them."""
    n = ids.len()
    own = owned.select(pl.col("account_id").cast(pl.Int64), pl.col("item").cast(pl.String))
    own = own.drop_nulls().with_columns(
        pl.lit(ids).search_sorted(pl.col("account_id")).cast(U32).alias("_at")
    )
    own = (
        own.filter(
            pl.col("_at") < n,
            pl.lit(ids).gather(pl.col("_at").clip(0, max(n - 1, 0))) == pl.col("account_id"),
        ).with_columns(pl.lit(ix_of).gather(pl.col("_at")).alias("ix"))
        if n
        else own.clear().with_columns(pl.col("_at").alias("ix"))
    )
    # Codes by owners (most first), counted before removing duplicate pairs; ``owners`` and
    # ``Index.by_owners`` are counted after.
    counts = own.group_by("item").agg(pl.len().alias("n"))
    items = counts.sort(["n", "item"], descending=[True, False]).select("item")
    cb = bits(items.height)
    packed = own.select(
        shl(pl.col("ix"), cb)
        + pl.col("item").cast(pl.Enum(items.get_column("item"))).to_physical().cast(U64)
    )
    pairs = (
        packed.to_series()
        .sort()
        .to_frame("k")
        .filter(group_start("k"))
        .select(
            (pl.col("k") // pl.lit(1 << cb, dtype=U64)).cast(U32).alias("ix"),
            (pl.col("k") % pl.lit(1 << cb, dtype=U64)).cast(U32).alias("code"),
        )
    )
    owners = pairs.group_by("code").agg(pl.len().cast(pl.Int64).alias("owners"))
    items = (
        items.with_row_index("code")
        .with_columns(pl.col("code").cast(U32))
        .join(owners, on="code", how="left", maintain_order="left")
        .with_columns(pl.col("owners").fill_null(0))
    )
    return pairs, items.select("item", "owners")


def build_index(book: Book, config: AnalysisConfig, owned: pl.DataFrame) -> Index:
    """Number accounts and items; owned pairs of accounts not in the book are dropped.

    Accounts are numbered in (segment, log size, id) order: the candidates of an account are
    mostly near it in that order, so the look-ups of their features stay near in memory."""
    feats = account_features(book, config).with_columns(
        pl.col("seg").rank("dense").cast(U32).alias("seg_code"),  # null: no segment
        pl.col("terr").rank("dense").cast(U32).alias("terr_code"),
    )
    order = feats.select(
        pl.arg_sort_by(["seg_code", "lsize", "account_id"], nulls_last=True).cast(U32)
    ).to_series()
    own, items = _code_owned(owned, feats.get_column("account_id"), order.arg_sort().cast(U32))
    feats = feats[order]
    n = feats.height
    words = min(-(-items.height // 64), MAX_WORDS)
    start = own.get_column("ix").search_sorted(pl.int_range(n + 1, dtype=U32, eager=True))
    per_word = (
        own.with_columns(pl.col("ix").set_sorted())
        .with_columns(
            pl.when(pl.col("code") // 64 == w)
            .then(pl.lit(_POW2).gather(pl.col("code") % 64))
            .otherwise(pl.lit(0, dtype=U64))
            .alias(f"w{w}")
            for w in range(words)
        )
        .group_by("ix")
        .agg(pl.col(f"w{w}").sum() for w in range(words))
    )
    accounts = feats.select(
        "account_id",
        "account_name",
        pl.int_range(pl.len(), dtype=U32).alias("ix"),
        "seg_code",
        "lsize",
        "terr_code",
        start.slice(0, n).cast(pl.Int64).alias("start"),
        (start.slice(1, n).cast(pl.Int64) - start.slice(0, n).cast(pl.Int64)).alias("n_items"),
    )
    if words:
        accounts = accounts.join(per_word, on="ix", how="left", maintain_order="left")
        accounts = accounts.with_columns(pl.col(f"w{w}").fill_null(0) for w in range(words))
    accounts = accounts.with_columns(
        # A segment (territory) key equal for two accounts only when they share a known one.
        pl.coalesce("seg_code", -1 - pl.col("ix").cast(pl.Int64)).alias("segk"),
        pl.coalesce("terr_code", -1 - pl.col("ix").cast(pl.Int64)).alias("terrk"),
    )
    by_name = accounts.select(pl.arg_sort_by(["account_name", "account_id"]).cast(U32)).to_series()
    accounts = accounts.with_columns(by_name.arg_sort().cast(U32).alias("name_rank"))
    by_owners = items.select(
        pl.arg_sort_by(["owners", "item"], descending=[True, False]).cast(U32)
    ).to_series()
    cols = [accounts.get_column(f"w{w}") for w in range(words)]
    flat = pl.concat(cols) if cols else pl.Series("w", [0], dtype=U64)
    return Index(accounts, by_name, items, by_owners, own, words, flat)


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
) -> Iterator[pl.DataFrame]:
    """(a, b) for each row standing at ``pos`` and each b within the window's width of it (or
    the row's own ``width``, at most the window's). Work ∝ pairs: rows drop out as d grows."""
    n = win.order.len()
    frame = pl.DataFrame({"a": a, "pos": pos.cast(pl.Int64)}).with_columns(
        pl.lit(win.group).gather(pl.col("pos")).alias("g")
    )
    if width is not None:
        frame = frame.with_columns(width.alias("w"))
    for d in range(1, min(win.width, max(n - 1, 0)) + 1):
        if width is not None:
            frame = frame.filter(pl.col("w") >= d)
        if frame.height == 0:
            return
        for step in (d, -d):
            q = (pl.col("pos") + step).clip(0, max(n - 1, 0))
            yield frame.filter(
                ((pl.col("pos") + step) >= 0)
                & ((pl.col("pos") + step) < n)
                & (pl.lit(win.group).gather(q) == pl.col("g"))
            ).select("a", pl.lit(win.order).gather(q).alias("b"))


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
        start, count = _of(acc, "start", "a"), _of(acc, "n_items", "a")
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
            parts.extend(_neighbours(rows.get_column("a"), pos, win, rows.get_column("w")))
    for win in account_windows:
        parts.extend(_neighbours(targets, win.position.gather(targets), win))
    if not parts:
        return pl.DataFrame(schema={"a": U32, "b": U32})
    return pl.concat(parts).filter(pl.col("a") != pl.col("b"))


def _intersections(idx: Index, pairs: pl.DataFrame) -> pl.Expr:
    """|A ∩ B| of each pair (Int64): popcounts of the bitmasks, plus the tail by a join."""
    inter: pl.Expr = pl.lit(0, dtype=pl.Int64)
    for w in range(idx.words):
        both = _of(idx.accounts, f"w{w}", "a") & _of(idx.accounts, f"w{w}", "b")
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
    n_a = _of(acc, "n_items", "a")
    if p.overlap == "containment":
        overlap = inter / n_a.clip(1)  # n_a = 0: inter = 0, overlap 0
    else:
        overlap = inter / (n_a + _of(acc, "n_items", "b") - inter).clip(1)
    same_seg = (_of(acc, "segk", "a") == _of(acc, "segk", "b")).cast(pl.Float64)
    gap = (_of(acc, "lsize", "a") - _of(acc, "lsize", "b")).abs()
    closeness = (1 - gap / p.size_decades).clip(0.0, 1.0).fill_null(0.0)
    sim = p.w_ownership * overlap + p.w_segment * same_seg + p.w_size * closeness
    if p.w_territory > 0:
        same_terr = (_of(acc, "terrk", "a") == _of(acc, "terrk", "b")).cast(pl.Float64)
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
        scored.with_columns(_of(idx.accounts, "name_rank", "b").alias("_nr"))
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
            + _of(idx.accounts, "name_rank", "b").cast(U64)
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

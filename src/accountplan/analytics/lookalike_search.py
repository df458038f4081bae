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
    item_window: int = 4  # owners of each owned item on either side (by segment, log size)
    segment_window: int = 8  # same-segment (and territory) accounts on either side, by log size
    size_window: int = 2  # accounts on either side by log size, whatever their segment

    def __post_init__(self) -> None:
        weights = (self.w_ownership, self.w_segment, self.w_size, self.w_territory)
        windows = (self.item_window, self.segment_window, self.size_window)
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

    @property
    def rare(self) -> pl.DataFrame:
        """Owned pairs whose item is past the bitmask."""
        return self.owned.filter(pl.col("code") >= 64 * self.words)

    def owns(self, frame: pl.DataFrame, account: str = "a", code: str = "code") -> pl.Series:
        """Whether the account in column ``account`` owns the item in column ``code``."""
        word: pl.Expr = pl.lit(0, dtype=U64)
        for w in range(self.words):
            gathered = _of(self.accounts, f"w{w}", account)
            word = pl.when(pl.col(code) // 64 == w).then(gathered).otherwise(word)
        bit = (word & pl.lit(_POW2).gather(pl.col(code) % 64)) != 0
        out = frame.select(account, code).with_columns(bit.alias("owns"))
        rare = self.rare
        if rare.height:
            tail = rare.rename({"ix": account, "code": code}).with_columns(pl.lit(True).alias("_r"))
            out = out.join(tail, on=[account, code], how="left", maintain_order="left")
            out = out.with_columns(pl.col("owns") | pl.col("_r").fill_null(False))
        return out.get_column("owns")


def account_features(book: Book, config: AnalysisConfig) -> pl.DataFrame:
    """One row per account, by id: name, segment, log10 size, territory."""
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
    feats = book.accounts.select(
        pl.col("account_id").cast(pl.Int64),
        pl.col("account_name").cast(pl.String).fill_null(""),
        text(config.segment_field).alias("seg"),
        pl.when(size > 0).then(size.log10()).otherwise(None).alias("lsize"),
        territory.cast(pl.String).alias("terr"),
    ).drop_nulls("account_id")
    if feats.get_column("account_id").n_unique() < feats.height:
        feats = feats.unique("account_id", keep="first", maintain_order=True)
    return feats.sort("account_id")


def _code_owned(owned: pl.DataFrame, ids: pl.Series) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Owned pairs of known accounts as (ix, code), unique, sorted; the items by code."""
    n = ids.len()
    own = owned.select(pl.col("account_id").cast(pl.Int64), pl.col("item").cast(pl.String))
    own = own.drop_nulls().with_columns(
        pl.lit(ids).search_sorted(pl.col("account_id")).cast(U32).alias("ix")
    )
    own = (
        own.filter(
            pl.col("ix") < n,
            pl.lit(ids).gather(pl.col("ix").clip(0, max(n - 1, 0))) == pl.col("account_id"),
        )
        if n
        else own.clear()
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
    """Number accounts and items; owned pairs of accounts not in the book are dropped."""
    feats = account_features(book, config)
    ids = feats.get_column("account_id")
    own, items = _code_owned(owned, ids)
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
        pl.col("seg").rank("dense").cast(U32).alias("seg_code"),
        "lsize",
        pl.col("terr").rank("dense").cast(U32).alias("terr_code"),
        start.slice(0, n).cast(pl.Int64).alias("start"),
        (start.slice(1, n).cast(pl.Int64) - start.slice(0, n).cast(pl.Int64)).alias("n_items"),
    )
    if words:
        accounts = accounts.join(per_word, on="ix", how="left", maintain_order="left")
        accounts = accounts.with_columns(pl.col(f"w{w}").fill_null(0) for w in range(words))
    by_name = accounts.select(pl.arg_sort_by(["account_name", "ix"]).cast(U32)).to_series()
    accounts = accounts.with_columns(by_name.arg_sort().cast(U32).alias("name_rank"))
    by_owners = items.select(
        pl.arg_sort_by(["owners", "item"], descending=[True, False]).cast(U32)
    ).to_series()
    return Index(accounts, by_name, items, by_owners, own, words)


def _account_window(acc: pl.DataFrame, keys: list[str], group: str | None, width: int) -> Window:
    order = acc.select(pl.arg_sort_by(keys, nulls_last=True).cast(U32)).to_series()
    grp = acc.get_column(group).gather(order) if group else pl.zeros(order.len(), U32, eager=True)
    return Window(order, grp, order.arg_sort().cast(U32), width)


def _item_window(idx: Index, rank: pl.Series, width: int) -> Window:
    """Owned pairs ordered by (item, ``rank`` of the owner)."""
    own = idx.owned
    n, rows = idx.accounts.height, own.height
    rb, cb, pb = bits(n), bits(idx.items.height), bits(rows)
    by_rank = rank.arg_sort().cast(U32)
    keys = own.select(shl(pl.col("code"), rb) + pl.lit(rank).gather(pl.col("ix")).cast(U64))
    ordered = (
        keys.to_series()
        .sort()
        .to_frame("k")
        .select(
            pl.lit(by_rank).gather(field(pl.col("k"), 0, rb)).alias("ix"),
            (pl.col("k") // pl.lit(1 << rb, dtype=U64)).cast(U32).alias("code"),
        )
    )
    if bits(n) + cb + pb <= 64:
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
    by_seg = _account_window(acc, ["seg_code", "lsize", "ix"], "seg_code", p.segment_window)
    items: list[Window] = []
    if p.item_window and idx.owned.height:
        items.append(_item_window(idx, by_seg.position, p.item_window))
    out: list[Window] = []
    if p.segment_window:
        out.append(by_seg)
        if p.w_territory > 0:
            out.append(
                _account_window(acc, ["terr_code", "lsize", "ix"], "terr_code", p.segment_window)
            )
    if p.size_window:
        out.append(_account_window(acc, ["lsize", "ix"], None, p.size_window))
    return items, out


def _neighbours(a: pl.Series, pos: pl.Series, win: Window) -> Iterator[pl.DataFrame]:
    """(a, b) for each row standing at ``pos`` and each b within the window's width of it."""
    n = win.order.len()
    frame = pl.DataFrame({"a": a, "pos": pos.cast(pl.Int64)}).with_columns(
        pl.lit(win.group).gather(pl.col("pos")).alias("g")
    )
    for d in (*range(1, win.width + 1), *range(-win.width, 0)):
        q = (pl.col("pos") + d).clip(0, max(n - 1, 0))
        yield frame.filter(
            ((pl.col("pos") + d) >= 0)
            & ((pl.col("pos") + d) < n)
            & (pl.lit(win.group).gather(q) == pl.col("g"))
        ).select("a", pl.lit(win.order).gather(q).alias("b"))


def candidate_pairs(
    idx: Index, item_windows: list[Window], account_windows: list[Window], targets: pl.Series
) -> pl.DataFrame:
    """(a, b) candidate pairs for the accounts ``targets`` (ix), duplicates included."""
    parts: list[pl.DataFrame] = []
    acc = idx.accounts
    if item_windows:
        rows = (
            pl.DataFrame({"a": targets})
            .with_columns(
                pl.int_ranges(
                    _of(acc, "start", "a"),
                    _of(acc, "start", "a") + _of(acc, "n_items", "a"),
                    dtype=U32,
                ).alias("row")
            )
            .explode("row")
            .drop_nulls("row")
        )
        for win in item_windows:
            pos = win.position.gather(rows.get_column("row"))
            parts.extend(_neighbours(rows.get_column("a"), pos, win))
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


def similarity(idx: Index, pairs: pl.DataFrame, p: PropensityParams) -> pl.DataFrame:
    """Pairs (a, b) with their exact similarity (the formula of the ``propensity`` docstring)."""
    acc = idx.accounts
    inter = _intersections(idx, pairs)
    n_a, n_b = _of(acc, "n_items", "a"), _of(acc, "n_items", "b")
    if p.overlap == "containment":
        overlap = pl.when(n_a > 0).then(inter / n_a).otherwise(0.0)
    else:
        union = n_a + n_b - inter
        overlap = pl.when(union > 0).then(inter / union).otherwise(0.0)
    same_seg = (_of(acc, "seg_code", "a") == _of(acc, "seg_code", "b")).fill_null(False)
    same_terr = (_of(acc, "terr_code", "a") == _of(acc, "terr_code", "b")).fill_null(False)
    closeness = (
        (1 - (_of(acc, "lsize", "a") - _of(acc, "lsize", "b")).abs() / p.size_decades)
        .clip(0.0, 1.0)
        .fill_null(0.0)
    )
    sim = (
        p.w_ownership * overlap
        + p.w_segment * same_seg.cast(pl.Float64)
        + p.w_size * closeness
        + p.w_territory * same_terr.cast(pl.Float64)
    )
    return pairs.select("a", "b", sim.alias("similarity"))


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
    scored = similarity(idx, pairs, p).filter(pl.col("similarity") > 0)
    if scored.height == 0:
        return _exact_top_k(idx, scored, p.k)
    lo = int(scored.get_column("a").min())  # type: ignore[arg-type]
    span = int(scored.get_column("a").max()) - lo + 1  # type: ignore[arg-type]
    nb, ab = bits(idx.accounts.height), bits(span)
    qb = 64 - nb - ab
    if qb < 16:
        return _exact_top_k(idx, scored, p.k)
    top_q = (1 << qb) - 1
    scale = top_q / (p.w_ownership + p.w_segment + p.w_size + p.w_territory)
    # Any monotone quantization keeps the result exact; this one has ~qb bits of resolution.
    top = pl.lit(top_q, dtype=U64)
    qd = top - (pl.col("similarity") * scale).floor().cast(U64).clip(upper_bound=top)
    packed = (
        scored.select(
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
        .filter((pl.col("rank") <= k) | (pl.col("qd") == pl.col("_qk")))
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
    return top_k(idx, candidate_pairs(idx, item_windows, account_windows, targets), p)

"""The book numbered for the look-alike search (``lookalike_search``) and its settings.

Accounts get ``ix``, their position in (segment, log size, id) order, so that an account's
candidates, which are near it in that order, are near it in memory too; items get ``code``, their
rank by owners (most owned first, ties by item). Each account's item set is also kept as a bitmask
of up to ``MAX_WORDS`` × 64 bits (items past them, the rarely owned tail, are matched by a join).
Sorting and grouping go through packed UInt64 keys (``shl``/``field``) and runs of equal keys
(``group_start``/``rank_in_run``) rather than hash tables: one pass each, in memory order. Pure
Polars; no Django import.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import polars as pl

from accountplan.analytics.frames import AnalysisConfig, Book
from accountplan.core.fmt import noun

#: Words (of 64 items each) of the per-account item bitmask; items past them are joined.
MAX_WORDS = 4
U32 = pl.UInt32
U64 = pl.UInt64
POW2 = pl.Series("pow2", [1 << b for b in range(64)], dtype=U64)


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
    chunk_size: int = 10_000  # accounts per block of the search (bounds memory, not results)
    workers: int = 2  # blocks computed at once, in threads (Polars releases the GIL)
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
                    f"propensity: unknown {noun(len(unknown), 'setting')} "
                    f"{', '.join(map(str, unknown))}; "
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


def of(frame: pl.DataFrame, col: str, who: str) -> pl.Expr:
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
    rare: pl.DataFrame  # the owned pairs whose item is past the bitmask (usually none)

    def owns(self, frame: pl.DataFrame, account: str = "a", code: str = "code") -> pl.Series:
        """Whether the account in column ``account`` owns the item in column ``code``."""
        n, top = self.accounts.height, 64 * self.words
        word = pl.col(code).cast(pl.Int64) // 64
        at = (word.clip(0, max(self.words - 1, 0)) * n + pl.col(account).cast(pl.Int64)).cast(U32)
        bit = (pl.lit(self.flat_words).gather(at) & pl.lit(POW2).gather(pl.col(code) % 64)) != 0
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
    owned: pl.DataFrame, ids: pl.Series, ix_of: pl.Series, names: pl.Series | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Owned pairs of known accounts as (ix, code), unique, sorted; the owned items by code.
    ``owned``: account_id, item; or account_id, code (into ``names``). ``ids``: the account ids,
    sorted; ``ix_of``: the ix of each of them."""
    if names is None:
        own = owned.select(pl.col("account_id").cast(pl.Int64), pl.col("item").cast(pl.String))
        own = own.drop_nulls()
        names = own.get_column("item").unique().sort()
        first = pl.col("item").cast(pl.Enum(names)).to_physical()
    else:
        own = owned.select(pl.col("account_id").cast(pl.Int64), "code").drop_nulls()
        first = pl.col("code")
    n = ids.len()
    if n == 0:
        own = own.clear()
        ids, ix_of = pl.Series([0], dtype=pl.Int64), pl.Series([0], dtype=U32)
    at = pl.lit(ids).search_sorted(pl.col("account_id")).clip(0, max(ids.len() - 1, 0))
    own = own.select(
        pl.lit(ix_of).gather(at).alias("ix"),
        first.cast(U32).alias("p"),
        (pl.lit(ids).gather(at) == pl.col("account_id")).alias("_known"),
    ).filter(pl.col("_known"))
    # Codes by owners (most first, then item), counted before removing duplicate pairs;
    # ``owners`` (and ``Index.by_owners``) are counted after.
    counts = own.group_by("p").agg(pl.len().alias("n"))
    items = (
        pl.DataFrame({"item": names})
        .with_row_index("p")
        .join(counts, on="p", how="inner")
        .sort(["n", "item"], descending=[True, False])
        .with_row_index("code")
    )
    code_of = pl.Series("code", [0] * names.len(), dtype=U32)
    code_of.scatter(items.get_column("p"), items.get_column("code").cast(U32))
    cb = bits(items.height)
    pairs = (
        own.select(shl(pl.col("ix"), cb) + pl.lit(code_of).gather(pl.col("p")).cast(U64))
        .to_series()
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
        items.select(pl.col("code").cast(U32), "item")
        .join(owners, on="code", how="left", maintain_order="left")
        .with_columns(pl.col("owners").fill_null(0))
    )
    return pairs, items.select("item", "owners")


def build_index(
    book: Book, config: AnalysisConfig, owned: pl.DataFrame, names: pl.Series | None = None
) -> Index:
    """Number accounts and items; owned pairs of accounts not in the book are dropped.
    ``owned``: account_id, item (``ownership``); or account_id, code into ``names``.

    Accounts are numbered in (segment, log size, id) order: the candidates of an account are
    mostly near it in that order, so the look-ups of their features stay near in memory."""
    feats = account_features(book, config).with_columns(
        pl.col("seg").rank("dense").cast(U32).alias("seg_code"),  # null: no segment
        pl.col("terr").rank("dense").cast(U32).alias("terr_code"),
    )
    order = feats.select(
        pl.arg_sort_by(["seg_code", "lsize", "account_id"], nulls_last=True).cast(U32)
    ).to_series()
    ix_of = order.arg_sort().cast(U32)
    own, items = _code_owned(owned, feats.get_column("account_id"), ix_of, names)
    feats = feats[order]
    n = feats.height
    words = min(-(-items.height // 64), MAX_WORDS)
    start = own.get_column("ix").search_sorted(pl.int_range(n + 1, dtype=U32, eager=True))
    per_word = (
        own.with_columns(pl.col("ix").set_sorted())
        .with_columns(
            pl.when(pl.col("code") // 64 == w)
            .then(pl.lit(POW2).gather(pl.col("code") % 64))
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
    rare = own.filter(pl.col("code") >= 64 * words)
    return Index(accounts, by_name, items, by_owners, own, words, flat, rare)

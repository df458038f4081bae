"""Potential P from peers' revenue per unit of size, kept once per (peer group, item).

Peers of a cell (account a, item i) are the accounts of a's peer group (default: industry) with
R > 0 in i and a known size > 0 (a itself included when it qualifies). With fewer than
``min_peers`` of them, the peers are every account with R > 0 in i and a known size. Each peer's
rate R / size is kept to 10 decimal places (half-even); the median of the rates (the mean of the
two middle ones for an even count, to 10 decimal places) × a's size is P, exactly. Unknown without
peers or without a size. An imported potential replaces P.

Nothing here is per account × item: the peer table has one row per (peer group, item), and a
cell's P is derived from it and the account's size (``derive``), for the few cells shown.
"""

from __future__ import annotations

import polars as pl

from accountplan.analytics import fmt
from accountplan.analytics.cells import item_map
from accountplan.analytics.frames import MONEY, RATE, AnalysisConfig, Book

NO_KEY = "\x00"  # join key standing in for "no peer group" so joins need no null matching
#: Peer names kept per (peer group, item) for the explanation; the count says how many in all.
PEER_NAMES = 20

RATES_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "peer_key": pl.String,  # the peer group's value; null = accounts with no group
    "item": pl.String,
    "peer_count": pl.Int64,  # peers behind the rate (0 = nobody buys it: P unknown)
    "segment_count": pl.Int64,  # peers inside the group itself
    "peer_median_rate": RATE,  # null when there are no peers
    "peer_segment": pl.String,  # the group when its own peers are used, else null
    "peers": pl.List(pl.String),  # the first PEER_NAMES peer names, sorted
    "peer_text": pl.String,  # "median of 5 peers in Retail: $12 per employee"
}


def override_by_cell(book: Book, config: AnalysisConfig) -> pl.DataFrame:
    """account_id, item, override: product overrides at product level, family ones at family."""
    ov = book.overrides.filter(pl.col("amount").is_not_null())
    if config.level == "product":
        ov = ov.filter(pl.col("product_id").is_not_null()).join(
            item_map(book.products, "product").select("product_id", "item"), on="product_id"
        )
    else:
        family = pl.col("family").str.strip_chars()
        ov = ov.filter(pl.col("product_id").is_null() & (family.fill_null("") != "")).with_columns(
            family.alias("item")
        )
    return ov.group_by("account_id", "item").agg(
        pl.col("amount").cast(MONEY).sum().cast(MONEY).alias("override")
    )


def _stats(frame: pl.DataFrame, keys: list[str], prefix: str) -> pl.DataFrame:
    """Per group: peer count, the exact median rate and the first peer names."""
    rate = pl.col("rate").sort()
    n = pl.len()
    return (
        frame.group_by(keys)
        .agg(
            n.cast(pl.Int64).alias(f"{prefix}_count"),
            rate.get((n - 1) // 2).alias("_lo"),
            rate.get(n // 2).alias("_hi"),
            pl.col("account_name").sort().head(PEER_NAMES).alias(f"{prefix}_names"),
        )
        # (lo + hi) / 2 is exact for an odd count (lo = hi) and half-even to 10 places otherwise
        .with_columns(((pl.col("_lo") + pl.col("_hi")) / 2).cast(RATE).alias(f"{prefix}_median"))
        .drop("_lo", "_hi")
    )


def peer_rates(
    sparse: pl.DataFrame, keys: pl.DataFrame, items: pl.DataFrame, config: AnalysisConfig
) -> pl.DataFrame:
    """The peer table (``RATES_SCHEMA``): one row per (peer group of some account, item).

    ``sparse`` holds the cells' current revenue; ``keys`` each account's name, peer key and size.
    """
    qualifying = (
        sparse.filter(pl.col("current_revenue") > 0)
        .select("account_id", "item", "current_revenue")
        .join(keys, on="account_id", how="inner")
        .filter(pl.col("size").is_not_null())
        .with_columns((pl.col("current_revenue").cast(RATE) / pl.col("size")).alias("rate"))
    )
    by_segment = _stats(
        qualifying.filter(pl.col("peer_key").is_not_null()), ["peer_key", "item"], "seg"
    )
    by_item = _stats(qualifying, ["item"], "all")
    groups = keys.select("peer_key").unique().join(items.select("item"), how="cross")
    use_segment = pl.col("seg_count").fill_null(0) >= config.min_peers
    empty_names = pl.lit([], dtype=pl.List(pl.String))
    out = (
        groups.join(by_segment, on=["peer_key", "item"], how="left", nulls_equal=False)
        .join(by_item, on="item", how="left")
        .with_columns(pl.col("seg_count").fill_null(0), pl.col("all_count").fill_null(0))
        .select(
            "peer_key",
            "item",
            pl.when(use_segment).then("seg_count").otherwise("all_count").alias("peer_count"),
            pl.col("seg_count").alias("segment_count"),
            pl.when(use_segment)
            .then("seg_median")
            .otherwise("all_median")
            .alias("peer_median_rate"),
            pl.when(use_segment).then("peer_key").otherwise(None).alias("peer_segment"),
            pl.when(use_segment)
            .then("seg_names")
            .otherwise(pl.col("all_names").fill_null(empty_names))
            .alias("peers"),
        )
    )
    return out.with_columns(peer_text(out, config)).sort("peer_key", "item", nulls_last=True)


def peer_text(rates: pl.DataFrame, config: AnalysisConfig) -> pl.Series:
    """The "median of N peers in X: $r per employee" part of each rate's explanation.

    The rate is shown with every digit it has, so rate × size reproduces P exactly.
    """
    currency = str(config.extra.get("currency", "$"))
    one, _ = fmt.size_words(config.size_field)
    group = (config.segment_field or "peer group").replace("_", " ")
    texts: list[str | None] = []
    for key, seg_count, count, rate in rates.select(
        "peer_key", "segment_count", "peer_count", "peer_median_rate"
    ).iter_rows():
        if count == 0 or rate is None:
            texts.append(None)
            continue
        rate_text = f"{fmt.rate(rate, currency)} per {one}"
        if key is not None and seg_count >= config.min_peers:
            texts.append(f"median of {fmt.plural(count, 'peer')} in {key}: {rate_text}")
        elif key is None:
            where = f"all accounts; no {group}" if config.segment_field else "all accounts"
            texts.append(f"median of {fmt.plural(count, 'peer')} ({where}): {rate_text}")
        else:
            only = "none" if seg_count == 0 else f"only {seg_count:,}"
            where = f"all accounts; {only} in {key}"
            texts.append(f"median of {fmt.plural(count, 'peer')} ({where}): {rate_text}")
    return pl.Series("peer_text", texts, pl.String)


def with_key(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with ``_key``: the peer key, NO_KEY for none (joins without null matching)."""
    return frame.with_columns(pl.col("peer_key").fill_null(NO_KEY).alias("_key"))


def add_potential(cells: pl.DataFrame, rates: pl.DataFrame, config: AnalysisConfig) -> pl.DataFrame:
    """Cells (with account keys: peer_key, size; and ``override``) + potential, potential_source,
    peer_count, peer_median_rate, peer_segment, peer_text.

    P = override, else peer_median_rate × size (exact for a whole size; half-even to 10 places
    otherwise); null when unknown.
    """
    r = with_key(rates).select(
        "_key", "item", "peer_count", "peer_median_rate", "peer_segment", "peer_text"
    )
    computed = (pl.col("peer_median_rate") * pl.col("size")).cast(RATE)
    use_segment = pl.col("peer_segment").is_not_null()
    return (
        with_key(cells)
        .join(r, on=["_key", "item"], how="left")
        .drop("_key")
        .with_columns(pl.col("peer_count").fill_null(0))
        .with_columns(
            pl.coalesce(pl.col("override").cast(RATE), computed).alias("potential"),
            pl.when(pl.col("override").is_not_null())
            .then(pl.lit("override"))
            .when(computed.is_null())
            .then(pl.lit("unknown"))
            .when(use_segment)
            .then(pl.lit("peers_segment"))
            .otherwise(pl.lit("peers_all"))
            .alias("potential_source"),
        )
    )


def explanation(cells: pl.DataFrame, config: AnalysisConfig) -> pl.Series:
    """Each cell's explanation of P (cells with potential_source, peer_count, peer_text, size)."""
    one, many = fmt.size_words(config.size_field)
    out: list[str] = []
    for source, size, count, text in cells.select(
        "potential_source", "size", "peer_count", "peer_text"
    ).iter_rows():
        if source == "override":
            out.append("imported potential")
        elif size is None:
            out.append(f"unknown: no {one} count")
        elif not count or text is None:
            out.append("unknown: nobody buys this yet")
        else:
            out.append(f"{text} × {fmt.number(size)} {many}")
    return pl.Series("explanation", out, pl.String)

"""Potential P of every cell from its peers' revenue per unit of size, with imported overrides.

Peers of a cell (account a, item i) are the accounts of a's segment with R > 0 in i and a known
size > 0 (a itself included when it qualifies). With fewer than ``min_peers`` of them, the peers
are every account with R > 0 in i and a known size. P = median(R / size over the peers) × a's size;
unknown without peers or without a size. An imported potential replaces P.
"""

from __future__ import annotations

import polars as pl

from accountplan.analytics import fmt
from accountplan.analytics.cells import item_map
from accountplan.analytics.frames import AnalysisConfig, Book

NO_KEY = "\x00"  # join key standing in for "no segment" so the text table joins without nulls


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
    return ov.group_by("account_id", "item").agg(pl.col("amount").sum().alias("override"))


def _peer_stats(cells: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per (segment, item) and per item: peer count, median R/size, peer names sorted."""
    qualifying = cells.filter(
        (pl.col("current_revenue") > 0) & pl.col("size").is_not_null()
    ).with_columns((pl.col("current_revenue") / pl.col("size")).alias("rate"))

    def stats(frame: pl.DataFrame, keys: list[str], prefix: str) -> pl.DataFrame:
        return frame.group_by(keys).agg(
            pl.len().cast(pl.Int64).alias(f"{prefix}_count"),
            pl.col("rate").median().alias(f"{prefix}_median"),
            pl.col("account_name").sort().alias(f"{prefix}_names"),
        )

    by_segment = stats(
        qualifying.filter(pl.col("peer_key").is_not_null()), ["peer_key", "item"], "seg"
    )
    by_item = stats(qualifying, ["item"], "all")
    return by_segment, by_item


def _peer_text(frame: pl.DataFrame, config: AnalysisConfig) -> pl.DataFrame:
    """key, item → the "median of N peers in X: $r per employee" part of the explanation."""
    currency = str(config.extra.get("currency", "$"))
    one, _ = fmt.size_words(config.size_field)
    texts: list[str | None] = []
    for key, seg_count, all_count, rate in frame.select(
        "key", "seg_count", "all_count", "peer_median_rate"
    ).iter_rows():
        if all_count == 0 or rate is None:
            texts.append(None)
            continue
        rate_text = f"{fmt.money(rate, currency)} per {one}"
        if seg_count >= config.min_peers:
            texts.append(f"median of {fmt.plural(seg_count, 'peer')} in {key}: {rate_text}")
        elif key == NO_KEY:
            where = f"all accounts; no {config.segment_field.replace('_', ' ')}"
            texts.append(f"median of {fmt.plural(all_count, 'peer')} ({where}): {rate_text}")
        else:
            only = "none" if seg_count == 0 else f"only {seg_count:,}"
            where = f"all accounts; {only} in {key}"
            texts.append(f"median of {fmt.plural(all_count, 'peer')} ({where}): {rate_text}")
    return frame.select("key", "item").with_columns(pl.Series("peer_text", texts, pl.String))


def add_potential(cells: pl.DataFrame, book: Book, config: AnalysisConfig) -> pl.DataFrame:
    """The cells with potential, potential_source, peer_* columns and the explanation."""
    by_segment, by_item = _peer_stats(cells)
    use_segment = pl.col("seg_count") >= config.min_peers
    out = (
        cells.join(by_segment, on=["peer_key", "item"], how="left")
        .join(by_item, on="item", how="left")
        .with_columns(
            pl.col("seg_count").fill_null(0),
            pl.col("all_count").fill_null(0),
            pl.col("peer_key").fill_null(NO_KEY).alias("key"),
        )
        .with_columns(
            pl.when(use_segment).then("seg_count").otherwise("all_count").alias("peer_count"),
            pl.when(use_segment)
            .then("seg_median")
            .otherwise("all_median")
            .alias("peer_median_rate"),
            pl.when(use_segment)
            .then("seg_names")
            .otherwise(pl.col("all_names").fill_null(pl.lit([], dtype=pl.List(pl.String))))
            .alias("peer_names"),
            pl.when(use_segment).then("peer_key").otherwise(None).alias("peer_segment"),
        )
    )
    text = _peer_text(
        out.select("key", "item", "seg_count", "all_count", "peer_median_rate").unique(
            subset=["key", "item"]
        ),
        config,
    )
    _, many = fmt.size_words(config.size_field)
    one, _ = fmt.size_words(config.size_field)
    computed = pl.col("peer_median_rate") * pl.col("size")
    # format each account's size once (not once per cell)
    sizes = cells.select("account_id", "size").unique(subset="account_id")
    sizes = sizes.with_columns(
        pl.Series("size_text", [fmt.number(v) for v in sizes["size"].to_list()], pl.String)
    ).drop("size")
    size_text = pl.col("size_text")
    out = (
        out.join(text, on=["key", "item"], how="left")
        .join(sizes, on="account_id", how="left")
        .join(override_by_cell(book, config), on=["account_id", "item"], how="left")
        .with_columns(computed.alias("computed"))
        .with_columns(
            pl.coalesce("override", "computed").alias("potential"),
            pl.when(pl.col("override").is_not_null())
            .then(pl.lit("override"))
            .when(pl.col("computed").is_null())
            .then(pl.lit("unknown"))
            .when(use_segment)
            .then(pl.lit("peers_segment"))
            .otherwise(pl.lit("peers_all"))
            .alias("potential_source"),
            pl.when(pl.col("override").is_not_null())
            .then(pl.lit("imported potential"))
            .when(pl.col("size").is_null())
            .then(pl.lit(f"unknown: no {one} count"))
            .when(pl.col("peer_count") == 0)
            .then(pl.lit("unknown: nobody buys this yet"))
            .otherwise(
                pl.concat_str(pl.col("peer_text"), pl.lit(" × "), size_text, pl.lit(f" {many}"))
            )
            .alias("explanation"),
        )
    )
    return out.drop(
        "seg_count",
        "seg_median",
        "seg_names",
        "all_count",
        "all_median",
        "all_names",
        "key",
        "peer_text",
        "size_text",
        "override",
        "computed",
    )

"""Cells: an account × an item (product or family). Only the cells that hold something are built.

A product's item is its external id (its name when it has none); a family's item is the family
name, and products with an empty family form the family ``(none)``. Revenue rows without a product
or for an unknown account belong to no cell and are left out of every figure.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from accountplan.analytics.dates import Windows, shift_months
from accountplan.analytics.frames import MONEY, AnalysisConfig, Book

NO_FAMILY = "(none)"


def _blank_to_null(expr: pl.Expr) -> pl.Expr:
    """Strings that are empty or only spaces become null."""
    stripped = expr.str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped)


def item_map(products: pl.DataFrame, level: str) -> pl.DataFrame:
    """product_id → item, item_name, family (the family label, ``(none)`` when empty)."""
    family = pl.coalesce(_blank_to_null(pl.col("family")), pl.lit(NO_FAMILY))
    if level == "product":
        item = pl.coalesce(_blank_to_null(pl.col("external_id")), pl.col("product_name"))
        name = pl.col("product_name")
    elif level == "family":
        item = family
        name = family
    else:
        raise ValueError(f"level must be 'product' or 'family', not {level!r}")
    return products.select(
        "product_id",
        item.fill_null("").alias("item"),
        name.fill_null("").alias("item_name"),
        family.alias("family"),
    )


def items(products: pl.DataFrame, level: str) -> pl.DataFrame:
    """One row per item (item, item_name, family), sorted by item; duplicates collapse into one."""
    return (
        item_map(products, level)
        .group_by("item")
        .agg(pl.col("item_name").first(), pl.col("family").first())
        .sort("item")
    )


def _in_window(start: dt.date | None, end: dt.date) -> pl.Expr:
    """``start < date ≤ end`` (no lower bound when start is None)."""
    cond = pl.col("date") <= end
    if start is not None:
        cond = cond & (pl.col("date") > start)
    return cond


ZERO = pl.lit(0).cast(MONEY)


def revenue_by_cell(book: Book, config: AnalysisConfig, win: Windows) -> pl.DataFrame:
    """account_id, item, current_revenue, previous_revenue (null when there is no window).

    Only the cells some revenue row falls in (in either window): a sparse table. Rows are
    grouped by one packed integer per (account, product) in the lazy engine (about five times
    faster than two keys, eagerly, at a million accounts), then by item when products share one.
    """
    imap = item_map(book.products, config.level).with_row_index("_code")
    width = max(imap.height, 1)
    amount = pl.col("amount").cast(MONEY)
    in_current = _in_window(win.current_start, win.current_end)
    keep = in_current
    if win.previous_end is not None:
        in_previous = _in_window(win.previous_start, win.previous_end)
        keep = keep | in_previous
        previous = amount.filter(in_previous).sum()
    else:
        previous = pl.lit(None, dtype=MONEY)
    ids = book.revenue.get_column("account_id")
    low, high = ids.min(), ids.max()
    packed = ids.len() == 0 or (int(low) >= 0 and int(high) < (1 << 62) // width)  # type: ignore[arg-type]
    keys = ["_key"] if packed else ["account_id", "_code"]
    key = pl.col("account_id").cast(pl.UInt64) * width + pl.col("_code").cast(pl.UInt64)
    sums = (
        book.revenue.lazy()
        .join(imap.lazy().select("product_id", "_code"), on="product_id", how="inner")
        .filter(keep)
        .with_columns(key.alias("_key"))
        .group_by(keys)
        .agg(
            amount.filter(in_current).sum().cast(MONEY).alias("current_revenue"),
            previous.cast(MONEY).alias("previous_revenue"),
        )
    )
    if packed:
        sums = sums.with_columns(
            (pl.col("_key") // width).cast(pl.Int64).alias("account_id"),
            (pl.col("_key") % width).cast(pl.UInt32).alias("_code"),
        )
    cells = sums.select(
        "account_id",
        pl.lit(imap.get_column("item")).gather(pl.col("_code")).alias("item"),
        "current_revenue",
        "previous_revenue",
    )
    if imap.get_column("item").n_unique() < imap.height:  # products sharing an item: add up
        cells = cells.group_by("account_id", "item").agg(
            pl.col("current_revenue").sum().cast(MONEY),
            pl.col("previous_revenue").sum().cast(MONEY)
            if win.previous_end is not None
            else pl.lit(None, dtype=MONEY).alias("previous_revenue"),
        )
    return cells.collect()


def markers_by_cell(book: Book, config: AnalysisConfig) -> pl.DataFrame:
    """account_id, item, open_opportunities, open_amount, recent_lost (lost deals, recent).

    Only the cells with an open deal or a recently lost one.
    """
    lost_start = shift_months(config.as_of, -config.recent_lost_months)
    status = pl.col("status").str.to_lowercase()
    recent = (
        (status == "lost")
        & (pl.col("close_date") > lost_start)
        & (pl.col("close_date") <= config.as_of)
    )
    n = pl.col("n").fill_null(1) if "n" in book.opportunities.columns else pl.lit(1)
    mapped = book.opportunities.join(
        item_map(book.products, config.level), on="product_id", how="inner"
    ).filter((status == "open") | recent)
    return mapped.group_by("account_id", "item").agg(
        n.filter(status == "open").sum().cast(pl.Int64).alias("open_opportunities"),
        pl.col("amount")
        .cast(MONEY)
        .filter(status == "open")
        .sum()
        .cast(MONEY)
        .alias("open_amount"),
        n.filter(recent).sum().cast(pl.Int64).alias("recent_lost"),
    )


def account_keys(accounts: pl.DataFrame, config: AnalysisConfig) -> pl.DataFrame:
    """account_id, account_name, peer_key (the peer group's value, null when empty or when
    there is no peer group) and size (Decimal, null unless > 0)."""
    needed = [config.size_field] + ([config.segment_field] if config.segment_field else [])
    for column in needed:
        if column not in accounts.columns:
            raise ValueError(f"the accounts have no column {column!r} (segment_field/size_field)")
    size = pl.col(config.size_field).cast(MONEY, strict=False)
    peer_key = (
        _blank_to_null(pl.col(config.segment_field).cast(pl.String))
        if config.segment_field
        else pl.lit(None, dtype=pl.String)
    )
    return accounts.select(
        "account_id",
        pl.col("account_name").fill_null(""),
        peer_key.alias("peer_key"),
        pl.when(size > 0).then(size).otherwise(None).alias("size"),
    )


def sparse_cells(book: Book, config: AnalysisConfig, win: Windows) -> pl.DataFrame:
    """The cells that hold something: revenue in either window, an open or recently lost deal,
    or an imported potential. Every other cell has R = 0 and is derived from the peer rates.

    Columns: account_id, item, current_revenue, previous_revenue, open_opportunities,
    open_amount, recent_lost, override (null when none).
    """
    from accountplan.analytics.potential import override_by_cell

    revenue = revenue_by_cell(book, config, win)
    markers = markers_by_cell(book, config)
    overrides = override_by_cell(book, config)
    known = book.accounts.lazy().select("account_id")
    previous = pl.col("previous_revenue")
    cells = revenue.lazy()
    for other in (markers, overrides):  # most cells hold revenue only: join the few others in
        cells = cells.join(
            other.lazy(),
            on=["account_id", "item"],
            how="full",
            coalesce=True,
            maintain_order="left",
        )
    return (
        cells.join(known, on="account_id", how="semi")
        .with_columns(
            pl.col("current_revenue").fill_null(ZERO),
            previous.fill_null(ZERO) if win.has_previous else previous,
            pl.col("open_opportunities").fill_null(0),
            pl.col("open_amount").fill_null(ZERO),
            pl.col("recent_lost").fill_null(0),
        )
        .collect()
    )

"""The cell grid: every account × every item (product or family), with revenue in each window.

A product's item is its external id (its name when it has none); a family's item is the family
name, and products with an empty family form the family ``(none)``. Revenue rows without a product
or for an unknown account belong to no cell and are left out of every figure.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from accountplan.analytics.dates import Windows, shift_months
from accountplan.analytics.frames import AnalysisConfig, Book

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


def revenue_by_cell(book: Book, config: AnalysisConfig, win: Windows) -> pl.DataFrame:
    """account_id, item, current_revenue, previous_revenue (null when there is no window)."""
    mapped = book.revenue.join(item_map(book.products, config.level), on="product_id", how="inner")
    current = pl.col("amount").filter(_in_window(win.current_start, win.current_end)).sum()
    if win.previous_end is not None:
        previous = pl.col("amount").filter(_in_window(win.previous_start, win.previous_end)).sum()
    else:
        previous = pl.lit(None, dtype=pl.Float64)
    return mapped.group_by("account_id", "item").agg(
        current.cast(pl.Float64).alias("current_revenue"),
        previous.cast(pl.Float64).alias("previous_revenue"),
    )


def markers_by_cell(book: Book, config: AnalysisConfig) -> pl.DataFrame:
    """account_id, item, open_opportunities, open_amount, recent_lost (lost deals, recent)."""
    lost_start = shift_months(config.as_of, -config.recent_lost_months)
    status = pl.col("status").str.to_lowercase()
    recent = (
        (status == "lost")
        & (pl.col("close_date") > lost_start)
        & (pl.col("close_date") <= config.as_of)
    )
    mapped = book.opportunities.join(
        item_map(book.products, config.level), on="product_id", how="inner"
    )
    return mapped.group_by("account_id", "item").agg(
        (status == "open").sum().cast(pl.Int64).alias("open_opportunities"),
        pl.col("amount").filter(status == "open").sum().cast(pl.Float64).alias("open_amount"),
        recent.sum().cast(pl.Int64).alias("recent_lost"),
    )


def account_keys(accounts: pl.DataFrame, config: AnalysisConfig) -> pl.DataFrame:
    """account_id, account_name, peer segment (null when empty) and size (null unless > 0)."""
    for needed in (config.segment_field, config.size_field):
        if needed not in accounts.columns:
            raise ValueError(f"the accounts have no column {needed!r} (segment_field/size_field)")
    size = pl.col(config.size_field).cast(pl.Float64, strict=False)
    return accounts.select(
        "account_id",
        pl.col("account_name").fill_null(""),
        _blank_to_null(pl.col(config.segment_field).cast(pl.String)).alias("peer_key"),
        pl.when(size > 0).then(size).otherwise(None).alias("size"),
    )


def grid(book: Book, config: AnalysisConfig, win: Windows) -> pl.DataFrame:
    """Every account × every item: R in both windows, the account's segment and size, markers."""
    keys = account_keys(book.accounts, config)
    cells = keys.join(items(book.products, config.level), how="cross")
    revenue = revenue_by_cell(book, config, win)
    markers = markers_by_cell(book, config)
    previous = pl.col("previous_revenue")
    return (
        cells.join(revenue, on=["account_id", "item"], how="left")
        .join(markers, on=["account_id", "item"], how="left")
        .with_columns(
            pl.col("current_revenue").fill_null(0.0),
            previous.fill_null(0.0) if win.has_previous else previous.cast(pl.Float64),
            pl.col("open_opportunities").fill_null(0),
            pl.col("open_amount").fill_null(0.0),
            pl.col("recent_lost").fill_null(0),
        )
    )

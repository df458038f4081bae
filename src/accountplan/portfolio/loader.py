"""Read the book of business from the database into the analytics frames, the database doing the
heavy aggregation.

Revenue is summed in SQL per account, product and window (purchase lines by order date; won deals
by close date, through their line items when they have some), so what crosses into Python grows
with the cells that hold revenue, not with the order lines. Deal markers (open, recently lost)
are counted in SQL too. Rows are fetched with a raw cursor (no model instances) and money stays
exact: it arrives as Decimal (PostgreSQL) or as the cent-exact number SQLite keeps, and becomes
Polars Decimal.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import connection

from accountplan.analytics.dates import shift_months, windows
from accountplan.analytics.frames import (
    ACCOUNTS_SCHEMA,
    MONEY,
    OPPORTUNITIES_SCHEMA,
    OVERRIDES_SCHEMA,
    PRODUCTS_SCHEMA,
    AnalysisConfig,
    Book,
)
from accountplan.book.models import (
    Account,
    Opportunity,
    OpportunityLineItem,
    PotentialOverride,
    Product,
    PurchaseLine,
)


@dataclass(frozen=True)
class LoadStats:
    """What the loader left out of revenue, so the snapshot can say so."""

    skipped_won_deals: int  # won, but no product and no line items: nothing to attribute to
    undated_won_deals: int  # won, but no close date: no window can hold them
    revenue_rows: int  # source lines (purchase lines, won deals or their line items) counted


def _table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def _fetch(sql: str, params: Sequence[Any] | dict[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _frame(rows: list[tuple[Any, ...]], schema: dict[str, Any]) -> pl.DataFrame:
    """Rows → frame with ``schema``; money arrives as Decimal (PostgreSQL) or as the cent-exact
    float SQLite keeps (it stores 15 significant digits), and is cast to exact Decimal."""
    if not rows:
        return pl.DataFrame(schema=schema)
    raw = pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None)
    return raw.with_columns(
        pl.col(name).cast(dtype, strict=False) for name, dtype in schema.items()
    )


#: Rows per fetch when a big result is read from SQLite (bounds the Python tuples alive at once).
FETCH_ROWS = 250_000


def query_frame(sql: str, params: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """A query's result as a frame, through the fastest path each database has.

    PostgreSQL streams it as CSV (``COPY (query) TO STDOUT``) straight into Polars' reader, so no
    Python object is made per row; SQLite is read in chunks of ``FETCH_ROWS``, each chunk a frame.
    """
    if connection.vendor == "postgresql":
        return _copy_frame(sql, params, schema)
    parts = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH_ROWS):
            parts.append(_frame(rows, schema))
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def _copy_frame(sql: str, params: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    import psycopg

    connection.ensure_connection()
    raw = connection.connection
    # COPY takes no server-side parameters: bind them client-side (our values are dates)
    bound = psycopg.ClientCursor(raw).mogrify(sql, params)
    buffer = io.BytesIO()
    with raw.cursor() as cursor, cursor.copy(f"COPY ({bound}) TO STDOUT WITH (FORMAT csv)") as copy:
        for block in copy:
            buffer.write(block)
    if buffer.tell() == 0:
        return pl.DataFrame(schema=schema)
    buffer.seek(0)
    text = dict.fromkeys(schema, pl.String)
    frame = pl.read_csv(buffer, has_header=False, new_columns=list(schema), schema_overrides=text)
    return frame.with_columns(
        (
            pl.col(name).str.to_decimal(scale=dtype.scale)
            if isinstance(dtype, pl.Decimal)
            else pl.col(name).cast(dtype, strict=False)
        ).cast(dtype)
        for name, dtype in schema.items()
    )


#: The owner's parts the loader reads to name them: first and last name, else the username.
_OWNER_PARTS = {"_first": pl.String, "_last": pl.String, "_username": pl.String}


def _accounts() -> pl.DataFrame:
    qs = Account.objects.order_by("pk").values_list(
        "pk",
        "external_id",
        "name",
        "parent_id",
        "industry",
        "segment",
        "territory",
        "country",
        "owner_id",
        "owner__first_name",
        "owner__last_name",
        "owner__username",
        "status",
        "employees",
        "annual_revenue",
        "satisfaction",
        "cost_to_serve",
        "gross_margin",
    )
    sql, params = qs.query.sql_with_params()
    columns = list(ACCOUNTS_SCHEMA)
    at = columns.index("owner_name")
    items = list(ACCOUNTS_SCHEMA.items())
    schema = dict([*items[:at], *_OWNER_PARTS.items(), *items[at + 1 :]])
    raw = query_frame(sql, params, schema)
    full = pl.concat_str(
        [pl.col("_first").fill_null(""), pl.col("_last").fill_null("")], separator=" "
    ).str.strip_chars()
    owner = pl.when(full != "").then(full).otherwise(pl.col("_username"))
    owner = pl.when(pl.col("owner_id").is_not_null()).then(owner)
    return raw.with_columns(owner.alias("owner_name")).select(columns)


def _products() -> pl.DataFrame:
    rows = Product.objects.order_by("pk").values_list("pk", "external_id", "name", "family")
    return pl.DataFrame(
        [(pk, ext, name, fam or "") for pk, ext, name, fam in rows],
        schema=PRODUCTS_SCHEMA,
        orient="row",
    )


#: The covering index the purchase lines are summed through (``book.PurchaseLine``): the
#: group-by then reads it in (account, product) order and never touches the table. SQLite's
#: planner would rather range-scan the date index, so SQLite is told which to use.
CELL_INDEX = "purchase_line_cells"


def _sums(column: str, config: AnalysisConfig) -> tuple[str, str, list[Any]]:
    """(SELECT list of cur, prev and the line count; WHERE condition on ``column``; params).

    cur and prev sum the amounts of the current and previous windows (NULL when no line falls in
    it); rows in neither window are left out. Conditional sums group by (account, product) only,
    which streams through an index in that order.
    """
    win = windows(config.as_of, config.window_months)
    if win.current_start is None or win.previous_start is None:
        return "SUM({a}) AS cur, NULL AS prev, COUNT(*) AS n", f"{column} <= %s", [win.current_end]
    select = (
        f"SUM(CASE WHEN {column} > %s THEN {{a}} END) AS cur, "
        f"SUM(CASE WHEN {column} <= %s THEN {{a}} END) AS prev, COUNT(*) AS n"
    )
    where = f"{column} > %s AND {column} <= %s"
    return (
        select,
        where,
        [win.current_start, win.current_start, win.previous_start, win.current_end],
    )


def _revenue(config: AnalysisConfig) -> tuple[pl.DataFrame, int]:
    """Revenue summed per account, product and window in SQL; each row dated at its window's end.

    Each source (purchase lines by order date; won deals by close date, through their line items
    when they have some) is summed on its own, the purchase lines through ``CELL_INDEX``; the
    few cells that several sources share keep a row each (the analytics sum rows). Returns the
    frame and how many source lines it sums.
    """
    win = windows(config.as_of, config.window_months)
    lines, items, opps = _table(PurchaseLine), _table(OpportunityLineItem), _table(Opportunity)
    hint = f" INDEXED BY {CELL_INDEX}" if connection.vendor == "sqlite" else ""
    line_sel, line_where, line_params = _sums("pl.date", config)
    won_sel, won_where, won_params = _sums("o.close_date", config)
    # table and column names come from the models, values go as parameters
    sql = f"""
        SELECT pl.account_id, pl.product_id, {line_sel.format(a="pl.amount")}
          FROM {lines} pl{hint} WHERE {line_where}
         GROUP BY pl.account_id, pl.product_id
        UNION ALL
        SELECT o.account_id, li.product_id, {won_sel.format(a="li.amount")}
          FROM {items} li JOIN {opps} o ON o.id = li.opportunity_id
         WHERE o.status = 'won' AND {won_where}
         GROUP BY o.account_id, li.product_id
        UNION ALL
        SELECT o.account_id, o.product_id, {won_sel.format(a="o.amount")}
          FROM {opps} o
         WHERE o.status = 'won' AND o.product_id IS NOT NULL AND o.amount IS NOT NULL
           AND {won_where}
           AND NOT EXISTS (SELECT 1 FROM {items} x WHERE x.opportunity_id = o.id)
         GROUP BY o.account_id, o.product_id
    """
    schema = {
        "account_id": pl.Int64,
        "product_id": pl.Int64,
        "cur": MONEY,
        "prev": MONEY,
        "n": pl.Int64,
    }
    params = [*line_params, *won_params, *won_params]
    sums = query_frame(sql, params, schema)
    dated = [("cur", win.current_end)]
    if win.previous_end is not None:
        dated.append(("prev", win.previous_end))
    revenue = pl.concat(
        [
            sums.filter(pl.col(name).is_not_null()).select(
                "account_id",
                "product_id",
                pl.lit(end, dtype=pl.Date).alias("date"),
                pl.col(name).alias("amount"),
            )
            for name, end in dated
        ]
    )
    # a cell several sources share keeps a row per source: the analytics add them up
    return revenue.with_columns(pl.lit("sum").alias("source")), int(sums.get_column("n").sum() or 0)


def _markers(config: AnalysisConfig) -> pl.DataFrame:
    """Open deals and recently lost ones, counted and summed per account and product in SQL."""
    lost_start = shift_months(config.as_of, -config.recent_lost_months)
    # table and column names come from the models, values go as parameters
    sql = f"""
        SELECT account_id, product_id, status, SUM(amount), COUNT(*)
        FROM {_table(Opportunity)}
        WHERE product_id IS NOT NULL AND (
            status = 'open' OR (status = 'lost' AND close_date > %s AND close_date <= %s))
        GROUP BY account_id, product_id, status
    """
    schema: dict[str, Any] = {"account_id": pl.Int64, "product_id": pl.Int64}
    schema |= {"status": pl.String, "amount": MONEY, "n": pl.Int64}
    sums = query_frame(sql, [lost_start, config.as_of], schema)
    lost = pl.col("status") == "lost"
    return sums.select(
        pl.lit(None, dtype=pl.Int64).alias("opportunity_id"),
        "account_id",
        "product_id",
        "status",
        pl.lit(None, dtype=pl.String).alias("type"),
        "amount",
        pl.lit(None, dtype=pl.Date).alias("created_date"),
        pl.when(lost).then(pl.lit(config.as_of, dtype=pl.Date)).alias("close_date"),
        "n",
    ).cast(OPPORTUNITIES_SCHEMA)  # type: ignore[arg-type]


def _won_without_revenue() -> tuple[int, int]:
    """(won deals with no product and no line items, won deals with no close date)."""
    opps, items = _table(Opportunity), _table(OpportunityLineItem)
    # table and column names come from the models, values go as parameters
    sql = f"""
        SELECT
          SUM(CASE WHEN o.product_id IS NULL AND NOT EXISTS
                  (SELECT 1 FROM {items} x WHERE x.opportunity_id = o.id) THEN 1 ELSE 0 END),
          SUM(CASE WHEN o.close_date IS NULL THEN 1 ELSE 0 END)
        FROM {opps} o WHERE o.status = 'won'
    """
    skipped, undated = _fetch(sql, [])[0]
    return int(skipped or 0), int(undated or 0)


def _overrides() -> pl.DataFrame:
    rows = PotentialOverride.objects.order_by("pk").values_list(
        "account_id", "product_id", "family", "amount"
    )
    return pl.DataFrame(
        [(a, p, None if p is not None else (f or None), amt) for a, p, f, amt in rows],
        schema={**OVERRIDES_SCHEMA, "amount": pl.Decimal(38, 2)},
        orient="row",
    ).with_columns(pl.col("amount").cast(MONEY))


def load_book_with_stats(config: AnalysisConfig) -> tuple[Book, LoadStats]:
    """The book as frames for ``config``'s as-of date and window, plus what revenue left out."""
    revenue, lines = _revenue(config)
    accounts = _accounts()
    skipped, undated = _won_without_revenue()
    book = Book(
        accounts=accounts,
        products=_products(),
        revenue=revenue,
        opportunities=_markers(config),
        overrides=_overrides(),
    )
    return book, LoadStats(skipped, undated, lines)


def load_book(config: AnalysisConfig) -> Book:
    """The book of business as the frames of ``accountplan.analytics.frames``."""
    return load_book_with_stats(config)[0]

"""The loader reads the book into frames with the analytics schemas, the database summing revenue
per account, product and window and counting deal markers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from accountplan.analytics.cells import revenue_by_cell
from accountplan.analytics.dates import windows
from accountplan.analytics.frames import (
    ACCOUNTS_SCHEMA,
    OPPORTUNITIES_SCHEMA,
    OVERRIDES_SCHEMA,
    PRODUCTS_SCHEMA,
    REVENUE_SCHEMA,
    AnalysisConfig,
)
from accountplan.book.models import OpportunityLineItem, PotentialOverride
from accountplan.portfolio.loader import load_book, load_book_with_stats
from tests.factories import (
    AccountFactory,
    OpportunityFactory,
    ProductFactory,
    PurchaseLineFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2024, 6, 30)


def cfg(**kwargs: object) -> AnalysisConfig:
    return AnalysisConfig(as_of=AS_OF, **kwargs)  # type: ignore[arg-type]


def _schema(frame: pl.DataFrame) -> dict[str, pl.DataType]:
    return dict(frame.schema)


def make_book() -> dict[str, object]:
    owner = UserFactory(first_name="Ada", last_name="Lovelace")
    acme = AccountFactory(name="Acme", owner=owner, cost_to_serve=Decimal("12.50"))
    other = AccountFactory(name="Other", employees=None)
    p1, p2 = ProductFactory(family=""), ProductFactory(family="Core")
    OpportunityFactory(
        account=acme, product=p1, amount=Decimal("100.25"), close_date=dt.date(2024, 3, 1)
    )
    split = OpportunityFactory(
        account=acme, product=p1, amount=Decimal("999"), close_date=dt.date(2024, 4, 1)
    )
    OpportunityLineItem.objects.create(opportunity=split, product=p1, amount=Decimal("30"))
    OpportunityLineItem.objects.create(opportunity=split, product=p2, amount=Decimal("70"))
    OpportunityFactory(
        account=other, product=None, amount=Decimal("5"), close_date=dt.date(2024, 1, 1)
    )
    OpportunityFactory(account=other, product=p2, status="lost", amount=Decimal("7"))
    PurchaseLineFactory(
        account=other, product=p2, amount=Decimal("40.10"), date=dt.date(2024, 2, 1)
    )
    PotentialOverride.objects.create(account=other, family="Core", amount=Decimal("1000"))
    return {"acme": acme, "other": other, "p1": p1, "p2": p2, "owner": owner}


def test_frames_have_the_exact_schemas():
    make_book()
    book = load_book(cfg())
    assert _schema(book.accounts) == ACCOUNTS_SCHEMA
    assert _schema(book.products) == PRODUCTS_SCHEMA
    assert _schema(book.revenue) == REVENUE_SCHEMA
    assert _schema(book.opportunities) == OPPORTUNITIES_SCHEMA
    assert _schema(book.overrides) == OVERRIDES_SCHEMA


def test_revenue_is_won_deals_split_by_line_items_plus_purchases():
    b = make_book()
    book, stats = load_book_with_stats(cfg())
    rows = sorted(
        (r["account_id"], r["product_id"], r["date"], r["amount"])
        for r in book.revenue.iter_rows(named=True)
    )
    acme, other, p1, p2 = b["acme"].pk, b["other"].pk, b["p1"].pk, b["p2"].pk  # type: ignore[attr-defined]
    # summed in SQL per account, product, window and source, dated at the window's end; exact
    assert rows == sorted(
        [
            (acme, p1, AS_OF, Decimal("100.25")),  # the won deal with no line items
            (acme, p1, AS_OF, Decimal("30.00")),  # the 999 deal's p1 line item
            (acme, p2, AS_OF, Decimal("70.00")),  # the 999 deal counts through its line items
            (other, p2, AS_OF, Decimal("40.10")),
        ]
    )
    config = cfg()
    cells = revenue_by_cell(book, config, windows(AS_OF, config.window_months))
    item = b["p1"].external_id  # type: ignore[attr-defined]
    cell = cells.filter(pl.col("account_id") == acme, pl.col("item") == item)
    assert cell.get_column("current_revenue").to_list() == [Decimal("130.25")]  # the cell sums
    assert stats.skipped_won_deals == 1  # no product, no line items
    assert stats.revenue_rows == 4


def test_account_and_product_columns_carry_the_values():
    b = make_book()
    book = load_book(cfg())
    acme = book.accounts.filter(pl.col("account_name") == "Acme").row(0, named=True)
    other = book.accounts.filter(pl.col("account_name") == "Other").row(0, named=True)
    assert acme["owner_name"] == "Ada Lovelace"
    assert acme["cost_to_serve"] == Decimal("12.50")
    assert acme["employees"] == 500
    assert other["employees"] is None
    families = dict(book.products.select("product_id", "family").iter_rows())
    assert families[b["p1"].pk] == ""  # type: ignore[attr-defined]
    override = book.overrides.row(0, named=True)
    assert (override["family"], override["product_id"], override["amount"]) == (
        "Core",
        None,
        Decimal("1000.00"),
    )


def test_previous_window_rows_are_dated_at_its_end_and_older_ones_left_out():
    b = make_book()
    PurchaseLineFactory(
        account=b["other"], product=b["p2"], amount=Decimal("1"), date=dt.date(2023, 6, 30)
    )
    PurchaseLineFactory(
        account=b["other"], product=b["p2"], amount=Decimal("2"), date=dt.date(2022, 7, 1)
    )
    PurchaseLineFactory(
        account=b["other"], product=b["p2"], amount=Decimal("4"), date=dt.date(2022, 6, 30)
    )
    book = load_book(cfg())
    previous = book.revenue.filter(pl.col("date") == dt.date(2023, 6, 30))
    assert previous["amount"].to_list() == [Decimal("3.00")]  # 1 + 2; 2022-06-30 is out
    everything = load_book(cfg(window_months=None)).revenue
    assert set(everything["date"].to_list()) == {AS_OF}


def test_markers_are_counted_per_account_and_product():
    b = make_book()
    OpportunityFactory(account=b["acme"], product=b["p2"], status="open", amount=Decimal("5"))
    OpportunityFactory(account=b["acme"], product=b["p2"], status="open", amount=Decimal("6"))
    opps = load_book(cfg()).opportunities.filter(pl.col("account_id") == b["acme"].pk)  # type: ignore[attr-defined]
    row = opps.row(0, named=True)
    assert (row["status"], row["n"], row["amount"]) == ("open", 2, Decimal("11.00"))


def test_loading_takes_a_fixed_number_of_queries_whatever_the_size():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_book()
    with CaptureQueriesContext(connection) as small:
        load_book(cfg())
    for _ in range(20):
        OpportunityFactory()
        PurchaseLineFactory()
    with CaptureQueriesContext(connection) as big:
        book = load_book(cfg())
    # revenue (one aggregate), won deals left out, accounts, products, markers, overrides; on
    # PostgreSQL the revenue streams through COPY, outside Django's query log
    assert len(big.captured_queries) == len(small.captured_queries) <= 6
    assert book.accounts.height == 42  # 2 + one per factory deal and purchase line

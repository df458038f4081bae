"""The loader reads the book once into frames with the analytics schemas."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from accountplan.analytics.frames import (
    ACCOUNTS_SCHEMA,
    OPPORTUNITIES_SCHEMA,
    OVERRIDES_SCHEMA,
    PRODUCTS_SCHEMA,
    REVENUE_SCHEMA,
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
    book = load_book()
    assert _schema(book.accounts) == ACCOUNTS_SCHEMA
    assert _schema(book.products) == PRODUCTS_SCHEMA
    assert _schema(book.revenue) == REVENUE_SCHEMA
    assert _schema(book.opportunities) == OPPORTUNITIES_SCHEMA
    assert _schema(book.overrides) == OVERRIDES_SCHEMA


def test_revenue_is_won_deals_split_by_line_items_plus_purchases():
    b = make_book()
    book, stats = load_book_with_stats()
    rows = sorted(
        (r["account_id"], r["product_id"], r["amount"], r["source"])
        for r in book.revenue.iter_rows(named=True)
    )
    acme, other, p1, p2 = b["acme"].pk, b["other"].pk, b["p1"].pk, b["p2"].pk  # type: ignore[attr-defined]
    assert rows == sorted(
        [
            (acme, p1, 100.25, "won"),
            (acme, p1, 30.0, "won"),  # the 999 deal counts through its line items only
            (acme, p2, 70.0, "won"),
            (other, p2, 40.1, "purchase"),
        ]
    )
    assert stats.skipped_won_deals == 1  # no product, no line items
    assert stats.revenue_rows == 4


def test_account_and_product_columns_carry_the_values():
    b = make_book()
    book = load_book()
    acme = book.accounts.filter(pl.col("account_name") == "Acme").row(0, named=True)
    other = book.accounts.filter(pl.col("account_name") == "Other").row(0, named=True)
    assert acme["owner_name"] == "Ada Lovelace"
    assert acme["cost_to_serve"] == 12.5
    assert acme["employees"] == 500
    assert other["employees"] is None
    families = dict(book.products.select("product_id", "family").iter_rows())
    assert families[b["p1"].pk] == ""  # type: ignore[attr-defined]
    override = book.overrides.row(0, named=True)
    assert (override["family"], override["product_id"], override["amount"]) == (
        "Core",
        None,
        1000.0,
    )


def test_loading_takes_one_query_per_table_whatever_the_size(django_assert_num_queries):
    make_book()
    for _ in range(20):
        OpportunityFactory()
        PurchaseLineFactory()
    # accounts, products, opportunities, line items, purchase lines, overrides
    with django_assert_num_queries(6):
        book = load_book()
    assert book.accounts.height == 42  # 2 + one per factory deal and purchase line

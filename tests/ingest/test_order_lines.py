"""Order lines without a line id: a composite key, replace mode, an order column (issue 9.3)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accountplan.book.models import PurchaseLine
from accountplan.ingest.errors import ImportFailed
from accountplan.ingest.mappings import parse_mapping
from accountplan.ingest.report import Status
from tests.factories import AccountFactory, ProductFactory
from tests.ingest.conftest import ImportFn, table_counts

pytestmark = pytest.mark.django_db

COLUMNS = """
[purchases.columns]
Reseller = "account"
Product = "product"
OrderDate = "date"
Qty = "quantity"
Sales = "amount"
"""
KEYED = parse_mapping(COLUMNS + 'Order = "order_number"\n[purchases]\nkey = ["Order", "Line"]\n')
BY_ORDER = parse_mapping(COLUMNS + 'Order = "order_number"\n')
PLAIN = parse_mapping(COLUMNS)
REPLACE = parse_mapping(COLUMNS + '[purchases]\nmode = "replace"\n')

# Lines 2 and 4 are the same (account, product, date, quantity, amount) in two orders;
# lines 2 and 3 share an order number.
LINES = (
    b"Order,Line,Reseller,Product,OrderDate,Qty,Sales\n"
    b"SO1,1,R1,P1,2024-01-05,1,858.90\n"
    b"SO1,2,R1,P2,2024-01-05,2,100.00\n"
    b"SO2,1,R1,P1,2024-01-05,1,858.90\n"
    b"SO3,1,R2,P2,2024-02-01,1,50.00\n"
)


@pytest.fixture
def book(db: None) -> None:
    AccountFactory(name="Bikes R1", external_id="R1")
    AccountFactory(name="Bikes R2", external_id="R2")
    ProductFactory(name="Bike", external_id="P1")
    ProductFactory(name="Helmet", external_id="P2")


def test_a_composite_key_keeps_every_line_and_reimports_unchanged(do_import: ImportFn, book):
    report = do_import("purchases", "lines.csv", KEYED, data=LINES)
    assert (report.status, report.created, report.rejected) == (Status.IMPORTED, 4, 0)
    assert sorted(PurchaseLine.objects.values_list("external_id", flat=True)) == [
        "SO1/1",
        "SO1/2",
        "SO2/1",
        "SO3/1",
    ]
    assert PurchaseLine.objects.get(external_id="SO2/1").order_number == "SO2"
    assert report.columns["Order"] == "external_id, order_number"
    assert report.columns["Line"] == "external_id"
    assert "Line" not in report.unmapped_columns
    again = do_import("purchases", "lines.csv", KEYED, data=LINES)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_a_key_twice_names_the_key_columns_and_values(do_import: ImportFn, book):
    data = LINES + b"SO1,2,R2,P1,2024-03-01,1,1.00\n" + b",3,R2,P1,2024-03-01,1,1.00\n"
    report = do_import("purchases", "lines.csv", KEYED, data=data)
    assert report.status == Status.REFUSED
    assert [(e.line, e.column, e.value, e.reason) for e in report.errors] == [
        (6, "Order + Line", "SO1/2", "duplicate: line 3 has the same Order + Line"),
        (7, "Order", "", "required value missing: the key (Order + Line) needs a value in Order"),
    ]


def test_a_key_column_missing_from_the_file_refuses_it(do_import: ImportFn, book):
    data = b"Order,Reseller,Product,OrderDate,Qty,Sales\nSO1,R1,P1,2024-01-05,1,1\n"
    report = do_import("purchases", "lines.csv", KEYED, data=data)
    assert report.status == Status.REFUSED
    assert report.errors[0].reason.startswith("column missing: the mapping builds key from")


def test_an_order_column_tells_identical_lines_of_two_orders_apart(do_import: ImportFn, book):
    report = do_import("purchases", "lines.csv", BY_ORDER, data=LINES)
    assert (report.status, report.created) == (Status.IMPORTED, 4)
    assert sorted(PurchaseLine.objects.values_list("order_number", flat=True)) == [
        "SO1",
        "SO1",
        "SO2",
        "SO3",
    ]


def test_without_key_identical_lines_are_named_in_the_files_terms(do_import: ImportFn, book):
    report = do_import("purchases", "lines.csv", PLAIN, data=LINES)
    assert report.status == Status.REFUSED
    (error,) = report.errors
    assert (error.line, error.column) == (4, "Reseller, Product, OrderDate, Qty, Sales")
    assert error.value == "R1, P1, 2024-01-05, 1, 858.90"
    assert error.reason.startswith("duplicate: line 2 has the same Reseller, Product")
    assert 'mode = "replace"' in error.reason
    for text in ("datetime", "Decimal(", "(1, ", "nk"):
        assert text not in error.value + error.reason


def test_replace_mode_replaces_the_covered_lines_and_keeps_the_rest(do_import: ImportFn, book):
    first = do_import("purchases", "lines.csv", REPLACE, data=LINES)
    assert (first.status, first.created, first.deleted) == (Status.IMPORTED, 4, 0)
    again = do_import("purchases", "lines.csv", REPLACE, data=LINES)
    assert (again.created, again.unchanged, again.deleted) == (0, 4, 0)
    # A corrected export of R1's January: one line changed amount, one line gone.
    fix = (
        b"Order,Line,Reseller,Product,OrderDate,Qty,Sales\n"
        b"SO1,1,R1,P1,2024-01-05,1,858.90\n"
        b"SO2,1,R1,P1,2024-01-05,1,800.00\n"
    )
    report = do_import("purchases", "fix.csv", REPLACE, data=fix)
    assert (report.created, report.unchanged, report.deleted) == (1, 1, 2)
    assert "covers 1 account from Jan 5, 2024 to Jan 5, 2024" in " ".join(report.observations)
    r1 = sorted(PurchaseLine.objects.filter(account__external_id="R1").values_list("amount"))
    assert r1 == [(Decimal("800.00"),), (Decimal("858.90"),)]
    # R2 is not in the file: its line stays.
    assert PurchaseLine.objects.filter(account__external_id="R2").count() == 1


def test_replace_with_skip_invalid_never_deletes_a_rejected_rows_account(do_import: ImportFn, book):
    do_import("purchases", "lines.csv", REPLACE, data=LINES)
    data = (
        b"Order,Line,Reseller,Product,OrderDate,Qty,Sales\n"
        b"SO1,1,R1,P1,2024-01-05,1,1.00\n"
        b"SO1,2,R1,NOPE,2024-01-05,1,2.00\n"
        b"SO3,1,R2,P2,2024-02-01,1,60.00\n"
    )
    before = dict(
        PurchaseLine.objects.filter(account__external_id="R1").values_list("pk", "amount")
    )
    report = do_import("purchases", "f.csv", REPLACE, data=data, skip_invalid=True)
    assert (report.status, report.rejected, report.created, report.deleted) == (
        Status.PARTIAL,
        2,
        1,
        1,
    )
    assert [e.line for e in report.errors] == [2, 3]
    assert report.errors[0].reason.startswith("not replaced: line 3 of the same account")
    after = dict(PurchaseLine.objects.filter(account__external_id="R1").values_list("pk", "amount"))
    assert after == before
    assert PurchaseLine.objects.get(account__external_id="R2").amount == Decimal("60.00")


def test_replace_and_key_are_checked_in_the_mapping():
    with pytest.raises(ImportFailed, match='mode = "replace" is only for purchases'):
        parse_mapping('[accounts]\nmode = "replace"\n[accounts.columns]\na = "name"\n')
    with pytest.raises(ImportFailed, match="map no column to external_id"):
        parse_mapping('[purchases]\nkey = ["A", "B"]\n[purchases.columns]\nA = "external_id"\n')


def test_a_refused_replace_writes_nothing(do_import: ImportFn, book):
    do_import("purchases", "lines.csv", REPLACE, data=LINES)
    before = table_counts()
    bad = LINES.replace(b"858.90\nSO1", b"lots\nSO1")
    report = do_import("purchases", "bad.csv", REPLACE, data=bad)
    assert report.status == Status.REFUSED and table_counts() == before


def test_the_summary_groups_problems_by_kind_not_by_line(do_import: ImportFn, book):
    twins = LINES + b"SO4,1,R1,P1,2024-01-05,1,858.90\n" + b"SO5,1,R1,P1,2024-01-05,1,858.90\n"
    report = do_import("purchases", "lines.csv", PLAIN, data=twins)
    summary = report.error_summary()
    assert [(s["column"], s["reason"], s["count"], s["lines"]) for s in summary] == [
        ("Reseller, Product, OrderDate, Qty, Sales", "duplicate key", 3, [4, 6, 7])
    ]
    assert report.to_dict()["error_summary"] == summary


def test_keyed_on_the_order_number_alone_the_message_says_how_to_key_lines(
    do_import: ImportFn, book
):
    mapping = parse_mapping(COLUMNS + 'Order = "external_id"\n')
    report = do_import("purchases", "lines.csv", mapping, data=LINES)
    assert report.status == Status.REFUSED
    (error,) = report.errors
    assert (error.line, error.column, error.value) == (3, "Order", "SO1")
    assert error.reason.startswith("duplicate: line 2 has the same Order (several lines of one")
    assert 'key = ["Order", "Line"]' in error.reason


def test_the_preview_shows_values_as_written_and_the_key(do_import: ImportFn, book):
    from accountplan.ingest.services import ImportOptions, ImportSource, preview_import

    preview = preview_import(
        "purchases", ImportSource("lines.csv", LINES), KEYED, options=ImportOptions()
    )
    first = preview.rows[0]["values"]
    assert first["external_id"] == "SO1/1"
    assert (first["account"], first["date"], first["amount"]) == ("R1", "2024-01-05", "858.90")


def test_replace_keeps_identical_rows_as_that_many_lines(do_import: ImportFn, book):
    twins = LINES + b"SO9,1,R1,P1,2024-01-05,1,858.90\n"  # a third identical R1 line
    report = do_import("purchases", "lines.csv", REPLACE, data=twins)
    assert (report.status, report.created, report.rejected) == (Status.IMPORTED, 5, 0)
    assert PurchaseLine.objects.filter(account__external_id="R1", amount="858.90").count() == 3
    again = do_import("purchases", "lines.csv", REPLACE, data=twins)
    assert (again.created, again.unchanged, again.deleted) == (0, 5, 0)
    dry = do_import("purchases", "lines.csv", REPLACE, data=LINES, dry_run=True)
    assert (dry.status, dry.unchanged, dry.deleted) == (Status.DRY_RUN, 4, 1)
    assert PurchaseLine.objects.count() == 5

"""Catalogues repeat product names across versions: the external id is the key (issue 9.2)."""

from __future__ import annotations

import pytest

from accountplan.book.models import Product, PurchaseLine
from accountplan.ingest.mappings import parse_mapping
from accountplan.ingest.report import Status
from tests.factories import AccountFactory, ProductFactory
from tests.ingest.conftest import ImportFn, table_counts

pytestmark = pytest.mark.django_db

MAPPING = parse_mapping(
    """
[products.columns]
ProductKey = "external_id"
ProductName = "name"
Category = "family"

[purchases.columns]
OrderLine = "external_id"
Reseller = "account"
Product = "product"
OrderDate = "date"
Sales = "amount"
""",
    "erp",
)

CATALOGUE = (
    b"ProductKey,ProductName,Category\n"
    b"210,Mountain-100 Silver,Bikes\n"
    b"211,Mountain-100 Silver,Bikes\n"
    b"212,Road-150 Red,Bikes\n"
    b"213,Mountain-100 Silver,Bikes\n"
)


def test_repeated_names_with_their_own_keys_all_import(do_import: ImportFn):
    report = do_import("products", "catalogue.csv", MAPPING, data=CATALOGUE)
    assert (report.status, report.created, report.rejected) == (Status.IMPORTED, 4, 0)
    assert sorted(
        Product.objects.filter(name="Mountain-100 Silver").values_list("external_id", flat=True)
    ) == ["210", "211", "213"]
    again = do_import("products", "catalogue.csv", MAPPING, data=CATALOGUE)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_a_new_version_of_an_existing_name_is_created_not_refused(do_import: ImportFn):
    ProductFactory(name="Widget", external_id="P-1")
    data = b"Id,Name,Family\nP-2,Widget,Hardware\nP-3,Gadget,Hardware\n"
    report = do_import("products", "p.csv", "salesforce", data=data)
    assert (report.status, report.created) == (Status.IMPORTED, 2)
    assert Product.objects.filter(name="Widget").count() == 2


def test_a_key_twice_is_a_duplicate_named_by_the_files_column(do_import: ImportFn):
    data = CATALOGUE + b"212,Road-150 Black,Bikes\n"
    report = do_import("products", "catalogue.csv", MAPPING, data=data)
    assert report.status == Status.REFUSED
    assert [(e.line, e.column, e.value) for e in report.errors] == [(6, "ProductKey", "212")]
    assert report.errors[0].reason.startswith("duplicate: line 4 has the same ProductKey")


def test_a_line_refers_by_key_or_unique_name_and_only_an_ambiguous_name_fails(
    do_import: ImportFn,
):
    AccountFactory(name="Bike World", external_id="R1")
    do_import("products", "catalogue.csv", MAPPING, data=CATALOGUE)
    lines = (
        b"OrderLine,Reseller,Product,OrderDate,Sales\n"
        b"L1,R1,211,2024-01-02,100.00\n"  # a key of a repeated name
        b"L2,R1,Road-150 Red,2024-01-02,50.00\n"  # a name that is unique
        b"L3,R1,Mountain-100 Silver,2024-01-03,70.00\n"  # a name three versions share
    )
    before = table_counts()
    report = do_import("purchases", "lines.csv", MAPPING, data=lines)
    assert report.status == Status.REFUSED and table_counts() == before
    assert [(e.line, e.column, e.value) for e in report.errors] == [
        (4, "Product", "Mountain-100 Silver")
    ]
    reason = report.errors[0].reason
    assert reason.startswith("ambiguous: 3 products match “Mountain-100 Silver”")
    assert "(external ids 210, 211, 213)" in reason
    partial = do_import("purchases", "lines.csv", MAPPING, data=lines, skip_invalid=True)
    assert (partial.created, partial.rejected) == (2, 1)
    assert PurchaseLine.objects.get(external_id="L1").product.external_id == "211"


def test_a_product_row_without_key_whose_name_several_share_is_refused(do_import: ImportFn):
    ProductFactory(name="Widget", external_id="P-1")
    ProductFactory(name="Widget", external_id="P-2")
    data = b"Name,Family\nWidget,Hardware\n"
    before = table_counts()
    report = do_import("products", "p.csv", "salesforce", data=data)
    assert report.status == Status.REFUSED and table_counts() == before
    assert (report.errors[0].column, report.errors[0].value) == ("Name", "Widget")
    assert "(external ids P-1, P-2)" in report.errors[0].reason

"""An ERP reseller book through a TOML mapping: no genuine row refused, totals that reconcile.

The files (tests/ingest/files/erp) have what real ERP exports have: a catalogue that repeats a
product name across versions under different keys, order lines without a line id (keyed by
order number + line number), two identical lines in two orders and two in one order, a
display name built from name + colour, addresses, and a near-duplicate business type.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from accountplan.book.models import Account, Product, PurchaseLine
from accountplan.core.models import User
from accountplan.ingest.mappings import load_mapping
from accountplan.ingest.models import ImportRun
from accountplan.ingest.report import ImportReport, Status
from tests.ingest.conftest import FILES, ImportFn, run_queued_imports

pytestmark = pytest.mark.django_db

ERP = FILES / "erp"
MAPPING = str(ERP / "erp.toml")


def read_csv(name: str) -> list[dict[str, str]]:
    with (ERP / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def file_total(name: str, column: str) -> Decimal:
    """The column's total as the source system would compute it, independently of the app."""
    return sum(
        (Decimal(r[column].replace("$", "").replace(",", "")) for r in read_csv(name)), Decimal(0)
    )


def import_book(do_import: ImportFn) -> dict[str, ImportReport]:
    return {
        entity: do_import(entity, ERP / name, MAPPING)
        for entity, name in (
            ("accounts", "resellers.csv"),
            ("products", "products.csv"),
            ("purchases", "sales.csv"),
        )
    }


def test_the_erp_book_imports_every_row_and_reconciles(do_import: ImportFn):
    reports = import_book(do_import)
    for entity, name in (
        ("accounts", "resellers.csv"),
        ("products", "products.csv"),
        ("purchases", "sales.csv"),
    ):
        report = reports[entity]
        rows = len(read_csv(name))
        assert (report.status, report.rejected, report.created) == (Status.IMPORTED, 0, rows)
        assert report.reconciliation["rows"] == {
            "file": rows,
            "valid": rows,
            "rejected": 0,
            "imported": rows,
        }
    sales = {t["column"]: t for t in reports["purchases"].reconciliation["totals"]}
    amount = file_total("sales.csv", "SalesAmount")
    assert amount == Decimal("34623.77")
    assert Decimal(sales["SalesAmount"]["file"]) == amount
    assert Decimal(sales["SalesAmount"]["imported"]) == amount
    assert Decimal(sales["OrderQuantity"]["imported"]) == file_total("sales.csv", "OrderQuantity")
    assert PurchaseLine.objects.aggregate(total=Sum("amount"))["total"] == amount
    revenue = reports["accounts"].reconciliation["totals"][0]
    assert Decimal(revenue["imported"]) == file_total("resellers.csv", "AnnualRevenue")

    # Order lines: identical lines in two orders (SO43660/SO43661) and in one (SO43662).
    assert PurchaseLine.objects.filter(account__external_id="R002", amount="858.90").count() == 2
    assert sorted(
        PurchaseLine.objects.filter(order_number="SO43662").values_list("external_id", flat=True)
    ) == ["SO43662/1", "SO43662/2", "SO43662/3"]
    # The catalogue: names built from name + colour, repeated across versions.
    assert sorted(
        Product.objects.filter(name="Mountain-100 Silver").values_list("external_id", flat=True)
    ) == ["344", "345", "346"]
    assert Product.objects.get(external_id="477").name == "Water Bottle - 30 oz."
    assert reports["products"].columns["EnglishProductName"] == "name"
    # Addresses.
    lyon = Account.objects.get(external_id="R003")
    assert (lyon.city, lyon.state, lyon.country) == ("Lyon", "Rhône", "France")
    assert lyon.location == "Lyon, Rhône, France"

    again = import_book(do_import)
    assert all((r.created, r.updated, r.unchanged) == (0, 0, r.rows_read) for r in again.values())


def test_near_duplicate_categories_are_warnings_with_counts(do_import: ImportFn):
    report = do_import("accounts", ERP / "resellers.csv", MAPPING)
    near = [w for w in report.warnings if w["message"].startswith("near-duplicate")]
    assert [(w["column"], w["value"], w["count"], w["lines"]) for w in near] == [
        ("BusinessType", "Ware House", 1, [7])
    ]
    assert near[0]["message"].startswith("near-duplicate of “Warehouse” (3 rows of this file)")
    assert "[accounts.aliases.segment]" in near[0]["message"]
    typo = [w for w in report.warnings if w["value"] == "Philipines"]
    assert typo and typo[0]["message"] == "looks like a typo of 'Philippines'"
    assert Account.objects.get(external_id="R006").segment == "Ware House"  # kept as written


def test_an_alias_folds_the_near_duplicate(do_import: ImportFn, tmp_path: Path):
    mapping = tmp_path / "erp.toml"
    mapping.write_text(
        (ERP / "erp.toml").read_text(encoding="utf-8")
        + '\n[accounts.aliases.segment]\n"Ware House" = "Warehouse"\n'
        + '\n[accounts.aliases.country]\nPhilipines = "Philippines"\n',
        encoding="utf-8",
    )
    report = do_import("accounts", ERP / "resellers.csv", str(mapping))
    assert not report.warnings
    assert Account.objects.filter(segment="Warehouse").count() == 4
    assert Account.objects.get(external_id="R004").country == "Philippines"
    assert {(a["value"], a["resolved_to"], a["rows"]) for a in report.applied_suggestions} == {
        ("Ware House", "Warehouse", 1),
        ("Philipines", "Philippines", 1),
    }
    # The book already has "Warehouse": a later file's "Ware House" is a near-duplicate of it.
    later = do_import(
        "accounts",
        "more.csv",
        MAPPING,
        data=b"ResellerKey,ResellerName,BusinessType\nR100,New Shop,Ware house\n",
    )
    assert later.warnings[0]["message"].startswith(
        "near-duplicate of “Warehouse” (a value already in the book)"
    )


def test_a_combined_column_missing_from_the_file_refuses_it(do_import: ImportFn):
    data = b"ProductKey,EnglishProductName,ProductCategory\n1,Road-150,Bikes\n"
    report = do_import("products", "p.csv", MAPPING, data=data)
    assert report.status == Status.REFUSED
    assert report.errors[0].column == "Color"
    assert "builds name from EnglishProductName + Color" in report.errors[0].reason


def test_the_mapping_is_the_one_in_the_docs():
    docs = Path(__file__).resolve().parents[2] / "docs" / "imports.md"
    text = (ERP / "erp.toml").read_text(encoding="utf-8")
    assert text in docs.read_text(encoding="utf-8")
    mapping = load_mapping(MAPPING)
    assert mapping.entities["products"].combine["name"] == (["EnglishProductName", "Color"], " ")


def test_the_cli_prints_and_writes_the_reconciliation(do_import: ImportFn, tmp_path: Path, capsys):
    do_import("accounts", ERP / "resellers.csv", MAPPING)
    do_import("products", ERP / "products.csv", MAPPING)
    out = tmp_path / "report.json"
    call_command("import", "purchases", str(ERP / "sales.csv"), mapping=MAPPING, report=str(out))
    printed = capsys.readouterr().out
    assert "Reconciliation" in printed
    assert "total of SalesAmount" in printed and "34,623.77" in printed
    data = json.loads(out.read_text())
    totals = {t["column"]: t for t in data["reconciliation"]["totals"]}
    assert totals["SalesAmount"]["file"] == "34623.77"
    assert data["reconciliation"]["rows"]["imported"] == 20


def test_the_report_page_and_account_pages_show_the_new_facts(
    do_import: ImportFn, client: Client, manager: User
):
    client.force_login(manager)
    import_book(do_import)
    bad = (ERP / "sales.csv").read_bytes().replace(b"SO43668,2,R003,212", b"SO43668,2,R003,999")
    do_import("purchases", "sales-bad.csv", MAPPING, data=bad, skip_invalid=True)
    run = ImportRun.objects.filter(file_name="sales-bad.csv").get()
    page = client.get(reverse("ingest:import_detail", args=[run.pk])).content.decode()
    assert 'id="reconciliation"' in page
    assert "34,623.77" in page and "34,522.82" in page and "100.95" in page
    assert 'id="error-summary"' in page and "Problems by kind" in page
    download = client.get(reverse("ingest:import_report_json", args=[run.pk]))
    assert json.loads(download.content)["reconciliation"]["rows"]["rejected"] == 1
    lyon = Account.objects.get(external_id="R003")
    detail = client.get(reverse("book:account_detail", args=[lyon.pk])).content.decode()
    assert "Lyon, Rhône, France" in detail
    listing = client.get(reverse("book:account_list")).content.decode()
    assert "Seattle, Washington, United States" in listing


def test_the_address_is_in_the_api_and_the_plan_export(
    do_import: ImportFn, client: Client, manager: User
):
    from accountplan.exports.build import build_document
    from accountplan.exports.outline import summary_rows
    from accountplan.plans.services import create_plan

    do_import("accounts", ERP / "resellers.csv", MAPPING)
    lyon = Account.objects.get(external_id="R003")
    client.force_login(manager)
    data = client.get(f"/api/accounts/{lyon.pk}").json()
    assert (data["city"], data["state"], data["country"]) == ("Lyon", "Rhône", "France")
    plan = create_plan(lyon, "FY2027", manager)
    rows = dict(summary_rows(build_document(plan)))
    assert rows["Location"] == "Lyon, Rhône, France"
    bare = create_plan(Account.objects.create(name="No Address"), "FY2027", manager)
    assert dict(summary_rows(build_document(bare)))["Location"] == "—"


def test_the_web_pages_take_the_erp_mapping_with_its_key(
    do_import: ImportFn, client: Client, manager: User
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    do_import("accounts", ERP / "resellers.csv", MAPPING)
    do_import("products", ERP / "products.csv", MAPPING)
    client.force_login(manager)
    response = client.post(
        reverse("ingest:import_new"),
        {
            "entity": "purchases",
            "mapping": "custom",
            "file": SimpleUploadedFile("sales.csv", (ERP / "sales.csv").read_bytes()),
            "mapping_file": SimpleUploadedFile("erp.toml", (ERP / "erp.toml").read_bytes()),
        },
    )
    assert response.status_code == 302
    preview = client.get(response.url).content.decode()
    # The key's columns are shown as such in the page's column mapping (set in TOML only).
    line_column = preview.split('for="col-', 1)[1].split("SalesOrderLineNumber</label>", 1)[1]
    assert line_column.split("</tr>", 1)[0].count("part of the row&#x27;s key") == 1
    assert "SO43659/1" in preview
    ran = client.post(response.url)
    assert run_queued_imports() == ["done"]
    page = client.get(ran.url).content.decode()
    assert "Imported 20 rows" in page and 'id="reconciliation"' in page and "34,623.77" in page
    assert PurchaseLine.objects.count() == 20

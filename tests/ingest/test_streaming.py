"""The streamed purchase-lines import (issue 8.2) on a file of many chunks: same rules, same words.

The chunk size is set small so that a few hundred lines make several chunks; the files are real
files on disk and the database the test database.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Sum

from accountplan.book.models import PurchaseLine
from accountplan.ingest import stream
from accountplan.ingest.mappings import parse_mapping
from accountplan.ingest.report import Status
from tests.factories import AccountFactory, ProductFactory
from tests.ingest.conftest import ImportFn, table_counts

pytestmark = pytest.mark.django_db

COLUMNS = """
[purchases.columns]
Customer = "account"
Item = "product"
Day = "date"
Qty = "quantity"
Total = "amount"
"""
UPSERT = parse_mapping(COLUMNS, "lines")
REPLACE = parse_mapping(COLUMNS + '[purchases]\nmode = "replace"\n', "lines")
KEYED = parse_mapping(
    COLUMNS + 'Order = "order_number"\n[purchases]\nkey = ["Order", "Line"]\n', "keyed"
)
DAY_FIRST = parse_mapping(
    COLUMNS + '[purchases.options]\ndate_formats = ["%d/%m/%Y"]\n', "day first"
)
ROWS = 600


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "CHUNK_BYTES", 4096)  # about 150 lines a chunk


@pytest.fixture
def book(db: None) -> None:
    for i in range(1, 21):
        AccountFactory(name=f"Customer {i}", external_id=f"C{i}")
    ProductFactory(name="Bike", external_id="P1")
    ProductFactory(name="Helmet", external_id="P2")
    ProductFactory(name="Lamp", external_id="P3")
    ProductFactory(name="Lamp", external_id="P4")  # a name two products share


def lines(n: int = ROWS, bad: dict[int, dict[str, str]] | None = None) -> list[dict[str, str]]:
    """``n`` plain lines; ``bad`` replaces cells of some (0-based) rows."""
    rows = []
    for i in range(n):
        row = {
            "Customer": f"C{i % 20 + 1}",
            "Item": f"P{i % 3 + 1}",
            "Day": f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
            "Qty": str(i % 5 + 1),
            "Total": f"{i * 3 + 10}.{i % 100:02d}",
            "Order": f"SO{i // 2}",
            "Line": str(i % 2 + 1),
        }
        row.update((bad or {}).get(i, {}))
        rows.append(row)
    return rows


def write(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    out = io.StringIO()
    names = columns or ["Customer", "Item", "Day", "Qty", "Total"]
    writer = csv.DictWriter(out, names, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def total(rows: list[dict[str, str]]) -> Decimal:
    return sum((Decimal(r["Total"]) for r in rows), Decimal("0.00"))


def chunks_of(report_observations: list[str]) -> int:
    note = next(o for o in report_observations if "streaming importer" in o)
    return int(note.split("(")[1].split(" ")[0])


def test_a_file_of_many_chunks_imports_every_line_and_reconciles(
    do_import: ImportFn, book: None, tmp_path: Path
):
    rows = lines()
    report = do_import("purchases", write(tmp_path / "lines.csv", rows), UPSERT)
    assert (report.status, report.created, report.rejected) == (Status.IMPORTED, ROWS, 0)
    assert chunks_of(report.observations) >= 3
    assert PurchaseLine.objects.count() == ROWS
    assert PurchaseLine.objects.aggregate(s=Sum("amount"))["s"] == total(rows)
    line = PurchaseLine.objects.get(account__external_id="C2", amount=Decimal("13.01"))
    assert (line.product.external_id, line.date.isoformat(), line.quantity) == (
        "P2",
        "2024-02-02",
        Decimal(2),
    )
    recon = report.reconciliation
    assert recon["rows"] == {"file": ROWS, "valid": ROWS, "rejected": 0, "imported": ROWS}
    assert Decimal(recon["totals"][0]["imported"]) == total(rows)


BAD = {
    5: {"Customer": "C99"},  # unknown account
    170: {"Day": "2024-13-45"},  # not a date
    333: {"Total": "12,3x"},  # not a number
    480: {"Item": "Lamp"},  # ambiguous name
    599: {"Total": ""},  # missing amount
}


def test_rejected_rows_in_any_chunk_refuse_the_whole_file(
    do_import: ImportFn, book: None, tmp_path: Path
):
    rows = lines(bad=BAD)
    before = table_counts()
    report = do_import("purchases", write(tmp_path / "lines.csv", rows), UPSERT)
    assert report.status == Status.REFUSED and table_counts() == before
    assert [(e.line, e.column, e.value) for e in report.errors] == [
        (7, "Customer", "C99"),
        (172, "Day", "2024-13-45"),
        (335, "Total", "12,3x"),
        (482, "Item", "Lamp"),
        (601, "Total", ""),
    ]
    reasons = [e.reason for e in report.errors]
    assert reasons[0].startswith("unknown account")
    assert reasons[1].startswith("not a date")
    assert reasons[3].startswith("ambiguous: 2 products match “Lamp”")
    assert reasons[4].startswith("required value missing")
    assert report.reconciliation["rows"] == {
        "file": ROWS,
        "valid": ROWS - 5,
        "rejected": 5,
        "imported": 0,
    }
    assert "Refused: 5 of 600 rows have problems" in report.message


def test_skipping_invalid_rows_writes_the_others_and_the_rejects_say_why(
    do_import: ImportFn, book: None, tmp_path: Path
):
    rows = lines(bad=BAD)
    report = do_import("purchases", write(tmp_path / "lines.csv", rows), UPSERT, skip_invalid=True)
    assert (report.status, report.created, report.rejected) == (Status.PARTIAL, ROWS - 5, 5)
    assert PurchaseLine.objects.count() == ROWS - 5
    rejects = list(csv.DictReader(io.StringIO(report.rejects_csv)))
    assert [r["line"] for r in rejects] == ["7", "172", "335", "482", "601"]
    assert rejects[0]["Customer"] == "C99" and "unknown account" in rejects[0]["reason"]
    good = [r for i, r in enumerate(rows) if i not in BAD]
    assert PurchaseLine.objects.aggregate(s=Sum("amount"))["s"] == total(good)


def test_replace_mode_keeps_same_lines_deletes_gone_ones_and_cascades_skips(
    do_import: ImportFn, book: None, tmp_path: Path
):
    rows = lines()
    first = do_import("purchases", write(tmp_path / "a.csv", rows), REPLACE)
    assert (first.created, first.deleted) == (ROWS, 0)
    changed = [dict(r) for r in rows[:-10]]  # the last 10 lines are gone from the source
    changed[0]["Total"] = "999.99"  # and one line changed
    again = do_import("purchases", write(tmp_path / "b.csv", changed), REPLACE)
    assert (again.status, again.unchanged, again.created, again.deleted) == (
        Status.IMPORTED,
        ROWS - 11,
        1,
        11,
    )
    assert PurchaseLine.objects.count() == ROWS - 10
    # One bad line of C1 keeps every line of C1 as it is (nothing of it replaced).
    changed[20]["Day"] = "someday"
    changed[40]["Total"] = "1.00"
    skipped = do_import("purchases", write(tmp_path / "c.csv", changed), REPLACE, skip_invalid=True)
    c1 = [e for e in skipped.errors if e.value == "C1"]
    assert skipped.rejected == 1 + len(c1) and len(c1) == 29
    assert all(e.reason.startswith("not replaced: line 22 of the same account") for e in c1)
    assert PurchaseLine.objects.filter(account__external_id="C1", amount="999.99").exists()
    assert not PurchaseLine.objects.filter(amount="1.00").exists()


def test_a_composite_key_repeated_in_a_later_chunk_is_a_duplicate(
    do_import: ImportFn, book: None, tmp_path: Path
):
    rows = lines()
    rows[550].update(Order="SO3", Line="2")  # the key of row 7 (line 9)
    columns = ["Order", "Line", "Customer", "Item", "Day", "Qty", "Total"]
    report = do_import("purchases", write(tmp_path / "k.csv", rows, columns), KEYED)
    assert report.status == Status.REFUSED and PurchaseLine.objects.count() == 0
    assert [(e.line, e.column, e.value) for e in report.errors] == [(552, "Order + Line", "SO3/2")]
    assert report.errors[0].reason.startswith("duplicate: line 9 has the same Order + Line")
    rows[550].update(Order="SO999", Line="1")
    ok = do_import("purchases", write(tmp_path / "k2.csv", rows, columns), KEYED)
    assert ok.created == ROWS
    assert PurchaseLine.objects.filter(external_id="SO999/1", order_number="SO999").count() == 1


def test_rows_not_in_plain_form_go_through_the_row_validator(
    do_import: ImportFn, book: None, tmp_path: Path
):
    rows = lines()
    rows[10]["Day"] = "05/01/2024"  # the mapping's day-first format
    rows[300]["Total"] = "$1,234.50"  # currency symbol and thousands separator
    rows[301]["Item"] = "Bike"  # a unique product name
    report = do_import("purchases", write(tmp_path / "d.csv", rows), DAY_FIRST)
    assert (report.status, report.created) == (Status.IMPORTED, ROWS)
    assert PurchaseLine.objects.filter(date="2024-01-05", account__external_id="C11").exists()
    assert PurchaseLine.objects.filter(amount=Decimal("1234.50")).count() == 1
    assert PurchaseLine.objects.filter(product__external_id="P1").count() == 201


def test_a_quoted_value_over_several_lines_falls_back_to_the_classic_reader(
    do_import: ImportFn, book: None, tmp_path: Path
):
    rows = lines(20)
    rows[3]["Customer"] = "C1\nC2"
    report = do_import("purchases", write(tmp_path / "q.csv", rows), UPSERT)
    assert not any("streaming importer" in o for o in report.observations)
    assert report.status == Status.REFUSED
    assert [(e.line, e.column) for e in report.errors] == [(5, "Customer")]


def _indexes() -> set[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        table = PurchaseLine._meta.db_table
        return {
            c
            for c, info in connection.introspection.get_constraints(cursor, table).items()
            if info["index"]
        }


def test_a_big_first_import_builds_again_the_indexes_it_dropped(
    do_import: ImportFn, book: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from accountplan.ingest import streamwrite

    monkeypatch.setattr(streamwrite, "REBUILD_FROM", 1)  # every import counts as very big
    before = _indexes()
    assert "purchase_line_cells" in before
    rows = lines()
    report = do_import("purchases", write(tmp_path / "lines.csv", rows), UPSERT)
    assert (report.status, report.created) == (Status.IMPORTED, ROWS)
    assert _indexes() == before
    assert PurchaseLine.objects.aggregate(s=Sum("amount"))["s"] == total(rows)


def test_a_line_id_is_unique_where_given_and_lines_without_one_are_many(book: None):
    """``purchase_line_external_id`` is partial: it refuses a repeated line id, not two lines
    without one (and holds no entry for them)."""
    import datetime as dt

    from django.db import IntegrityError, transaction

    from accountplan.book.models import Account, Product

    account, product = Account.objects.get(external_id="C1"), Product.objects.get(external_id="P1")

    def line(ext: str | None) -> PurchaseLine:
        return PurchaseLine.objects.create(
            account=account, product=product, date=dt.date(2024, 1, 2), amount=Decimal("5.00"),
            external_id=ext,
        )  # fmt: skip

    line(None), line(None), line("L1")
    with pytest.raises(IntegrityError), transaction.atomic():
        line("L1")
    assert PurchaseLine.objects.filter(external_id__isnull=True).count() == 2
    assert PurchaseLine.objects.filter(external_id="L1").count() == 1

"""Issue 14 points 5, 6, 11, 15: limits, encodings, NUL bytes, wrong files, deep chains, dates."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accountplan.book.models import Account
from accountplan.core.models import User
from accountplan.ingest.errors import ImportFailed
from accountplan.ingest.readers import MAX_CELL_CHARS, MAX_COLUMNS, read_table
from accountplan.ingest.report import Status
from tests.ingest.badfiles import CORNER, SHEET, forge, xlsx
from tests.ingest.conftest import ImportFn, table_counts

pytestmark = pytest.mark.django_db

HEADER = b"account,sector,year_established,revenue,employees,office_location,subsidiary_of\n"


ACCOUNTS = [["account", "sector", "year_established"], ["Acme", "retail", 1999]]


def refused(do_import: ImportFn, data: bytes, name: str, entity: str = "accounts") -> str:
    before = table_counts()
    report = do_import(entity, name, "maven", data=data, skip_invalid=True)
    assert report.status == Status.REFUSED, report.message
    assert table_counts() == before
    return report.errors[0].reason


class TestForgedDimensions:
    """Point 5: the sheet's <dimension> is a claim; only the cells in the file are read."""

    def test_a_forged_dimension_reads_only_the_real_cells(self, do_import: ImportFn):
        data = forge(xlsx(ACCOUNTS))
        assert len(data) < 6_000 and b"XFD1048576" in zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
        table = read_table(data, "forged.xlsx")
        # 3 cells per row as written, not 16,384 (and 1 data row, not 1,048,575).
        assert [len(r) for _, r in table.rows] == [3] and len(table.headers) == 3
        report = do_import("accounts", "forged.xlsx", "maven", data=data)
        assert report.status == Status.IMPORTED and Account.objects.count() == 1

    def test_a_value_in_the_far_corner_is_refused_by_the_column_limit(self, do_import: ImportFn):
        data = forge(xlsx(ACCOUNTS), extra_row=CORNER)
        reason = refused(do_import, data, "corner.xlsx")
        assert reason.startswith(
            f"Line 1,048,576: a value in column 16,384, past the limit of {MAX_COLUMNS:,} columns"
        )

    def test_the_cli_refuses_it(self, tmp_path: Path):
        path = tmp_path / "corner.xlsx"
        path.write_bytes(forge(xlsx(ACCOUNTS), extra_row=CORNER))
        out = tmp_path / "report.json"
        with pytest.raises(SystemExit) as exc:
            call_command("import", "accounts", str(path), mapping="maven", report=str(out))
        assert exc.value.code == 1
        reason = json.loads(out.read_text())["errors"][0]["reason"]
        assert "past the limit of 2,000 columns" in reason

    def test_a_huge_cell_is_refused(self, do_import: ImportFn):
        big = "x" * (MAX_CELL_CHARS + 1)
        reason = refused(do_import, HEADER + f"Acme,{big},1999,1,1,Italy,\n".encode(), "f.csv")
        assert reason.startswith("Line 2, column “sector”: a value of 32,768 characters")
        huge = HEADER + b"Acme," + b"y" * 50_000_000 + b",1999,1,1,Italy,\n"
        reason = refused(do_import, huge, "huge.csv")
        assert "past the limit of 32,767 per value" in reason
        # An XLSX cell is read up to Excel's own limit (openpyxl stops there): never more.
        table = read_table(xlsx([ACCOUNTS[0], ["Acme", big, 1999]]), "f.xlsx")
        assert len(table.rows[0][1][1]) == MAX_CELL_CHARS


class TestEncodings:
    """Point 6: a bad encoding is a clear refusal saying where; mojibake is never stored."""

    BOM_BAD = b"\xef\xbb\xbf" + HEADER + b"Acme,retail,1999,1,10,Italy,\nBe\xfft,retail,1,1,1,X,\n"

    def test_a_bom_then_an_invalid_byte(self, do_import: ImportFn):
        reason = refused(do_import, self.BOM_BAD, "bom.csv")
        assert reason.startswith("The file starts with a UTF-8 byte order mark but is not valid")
        assert "line 3, byte 3 (0xFF)" in reason and "CSV UTF-8" in reason

    def test_shift_jis_is_refused_not_stored_as_mojibake(self, do_import: ImportFn):
        data = HEADER + "アクメ株式会社,小売,1999,1,10,日本,\n".encode("shift_jis")
        reason = refused(do_import, data, "sjis.csv")
        assert "reads as Japanese (Shift-JIS) text" in reason and "line 2, byte 1" in reason
        assert not Account.objects.exists()

    def test_windows_1252_still_imports(self, do_import: ImportFn):
        data = HEADER + "Café Münster,retail,1999,1,10,Österreich,\n".encode("cp1252")
        report = do_import("accounts", "f.csv", "maven", data=data)
        assert report.status == Status.IMPORTED
        assert Account.objects.get().name == "Café Münster"

    def test_a_byte_no_western_encoding_uses(self, do_import: ImportFn):
        reason = refused(do_import, HEADER + b"Ac\x81me,retail,1999,1,10,X,\n", "f.csv")
        assert "line 2, byte 3 (0x81) is a byte no Western encoding uses" in reason

    def test_the_cli_reports_it(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
        path = tmp_path / "bom.csv"
        path.write_bytes(self.BOM_BAD)
        out = tmp_path / "report.json"
        with pytest.raises(SystemExit) as exc:
            call_command("import", "accounts", str(path), mapping="maven", report=str(out))
        assert exc.value.code == 1
        assert "byte order mark" in json.loads(out.read_text())["errors"][0]["reason"]

    def test_the_web_preview_reports_it(self, client: Client, manager: User):
        client.force_login(manager)
        for name, data in (
            ("bom.csv", self.BOM_BAD),
            ("sjis.csv", HEADER + "アクメ,小売,1999,1,10,日本,\n".encode("shift_jis")),
        ):
            response = client.post(
                reverse("ingest:import_new"),
                {"entity": "accounts", "mapping": "maven", "file": SimpleUploadedFile(name, data)},
            )
            assert response.status_code in (200, 302)
            if response.status_code == 302:
                response = client.get(response.url)
            assert response.status_code == 200
            assert "CSV UTF-8" in response.content.decode()
        assert not Account.objects.exists()


class TestNulBytes:
    """Point 15: a NUL character is refused, the same way on SQLite and PostgreSQL."""

    def test_in_a_csv_past_the_first_64_kb(self, do_import: ImportFn):
        filler = b"".join(b"Acc %d,retail,1999,1,10,Italy,\n" % i for i in range(3000))
        data = HEADER + filler + b"Bad\x00Co,retail,1999,1,10,Italy,\n"
        reason = refused(do_import, data, "nul.csv")
        assert reason.startswith("Line 3,002, column “account”: the value holds a NUL character")


class TestWrongFile:
    """Point 15: an opportunities file imported as accounts makes no junk accounts."""

    def test_opportunities_as_accounts(self, do_import: ImportFn, maven_dir: Path):
        data = (maven_dir / "sales_pipeline.csv").read_bytes()
        reason = refused(do_import, data, "sales_pipeline.csv")
        assert reason.startswith(
            "required columns missing: this looks like a file of opportunities, not accounts"
        )
        assert "Missing: sector, year_established, revenue, employees, office_location" in reason

    def test_the_right_files_still_fit(self, do_import: ImportFn, maven_dir: Path):
        for entity, name in (("accounts", "accounts.csv"), ("products", "products.csv")):
            report = do_import(entity, maven_dir / name, "maven", dry_run=True)
            assert report.status == Status.DRY_RUN


class TestDeepChains:
    """Point 11: the loop check is linear (a 20,000-deep chain) and names the loop's lines."""

    def chain(self, depth: int, loop: bool = False) -> bytes:
        lines = [HEADER]
        for i in range(depth):
            parent = f"C{i + 1}" if i + 1 < depth else ("C0" if loop else "")
            lines.append(f"C{i},retail,1999,1,10,Italy,{parent}\n".encode())
        return b"".join(lines)

    def test_a_20000_deep_chain_imports(self, do_import: ImportFn, attack_figures):
        started = time.monotonic()
        report = do_import("accounts", "chain.csv", "maven", data=self.chain(20_000), dry_run=True)
        assert report.status == Status.DRY_RUN and report.valid == 20_000
        attack_figures(f"parent chain: 20,000 deep validated in {time.monotonic() - started:.1f} s")

    def test_a_20000_row_loop_is_reported_with_its_lines(self, do_import: ImportFn):
        report = do_import(
            "accounts", "loop.csv", "maven", data=self.chain(20_000, loop=True), skip_invalid=True
        )
        assert report.status == Status.REFUSED or report.valid == 0
        assert Account.objects.count() == 0
        loops = [e for e in report.errors if e.kind == "loop"]
        assert len(loops) == 20_000
        assert loops[0].reason.startswith("loop: lines 2 → 3 → 4 → ")
        assert loops[0].reason.endswith("… (20,000 rows in the loop) → 2")
        assert loops[0].column == "subsidiary_of" and loops[0].value == "C1"

    def test_a_short_loop_and_rows_hanging_from_it(self, do_import: ImportFn):
        data = HEADER + (
            b"A,retail,1999,1,10,Italy,B\n"
            b"B,retail,1999,1,10,Italy,A\n"
            b"C,retail,1999,1,10,Italy,A\n"
            b"D,retail,1999,1,10,Italy,C\n"
            b"E,retail,1999,1,10,Italy,\n"
        )
        report = do_import("accounts", "loop.csv", "maven", data=data, skip_invalid=True)
        reasons = sorted((e.line, e.reason) for e in report.errors)
        assert reasons == [
            (2, "loop: lines 2 → 3 → 2"),
            (3, "loop: lines 3 → 2 → 3"),
            (4, "refers to line 2, which is rejected"),
            (5, "refers to line 4, which is rejected"),
        ]
        assert list(Account.objects.values_list("name", flat=True)) == ["E"]


class TestDatesInFilters:
    """Point 15: ``date_to=0`` is not the epoch; a non-date is a validation error, not a 500."""

    @pytest.mark.parametrize("value", ["0", "abc", "99999-99-99", "2024-13-45", "1700000000"])
    def test_api_filters(self, client: Client, manager: User, value: str):
        client.force_login(manager)
        for url in ("/api/purchase-lines", "/api/activities", "/api/opportunities"):
            param = "close_date_to" if "opportunities" in url else "date_to"
            response = client.get(url, {param: value})
            assert response.status_code in (400, 422), (url, value, response.status_code)
            assert response["Content-Type"].startswith("application/json")
            assert "date" in response.content.decode()

    def test_a_real_date_still_filters(self, client: Client, manager: User):
        client.force_login(manager)
        assert client.get("/api/purchase-lines", {"date_to": "2026-03-31"}).status_code == 200

    def test_a_reader_error_is_a_refusal(self):
        with pytest.raises(ImportFailed, match="byte order mark"):
            read_table(b"\xef\xbb\xbf\xff", "x.csv")

"""Malformed files get a clear report and leave the database untouched."""

from __future__ import annotations

import io
import os

import pytest
from openpyxl import Workbook

from accountplan.book.models import Account
from accountplan.ingest.errors import ImportFailed
from accountplan.ingest.mappings import load_mapping, parse_mapping
from accountplan.ingest.report import Status
from tests.factories import AccountFactory
from tests.ingest.conftest import ImportFn, table_counts

pytestmark = pytest.mark.django_db

HEADER = b"account,sector,year_established,revenue,employees,office_location,subsidiary_of\n"


@pytest.fixture
def existing(db: None) -> None:
    AccountFactory(name="Existing Co", external_id="Existing Co")


def refused(do_import: ImportFn, entity: str, data: bytes, name: str = "f.csv", **opts):
    before = table_counts()
    report = do_import(entity, name, "maven", data=data, **opts)
    assert report.status == Status.REFUSED
    assert table_counts() == before
    assert report.errors, "a refused import must say why"
    return report


class TestRowProblems:
    def test_bad_dates_and_text_in_amounts(self, do_import: ImportFn, existing):
        AccountFactory(name="Acme", external_id="Acme")
        data = (
            b"opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"
            b"O1,,,Acme,Won,2024-13-45,2024-02-01,100\n"
            b"O2,,,Acme,Won,2024-01-01,31/02/2024,100\n"
            b"O3,,,Acme,Won,2024-01-01,2024-02-01,a lot\n"
            b"O4,,,Acme,Won,2024-01-01,2024-02-01,1\xc2\xa0000\n"
        )
        report = refused(do_import, "opportunities", data)

        problems = [(e.line, e.column, e.value, e.reason.split(" (")[0]) for e in report.errors]
        assert problems == [
            (2, "engage_date", "2024-13-45", "not a date in a known format"),
            (3, "close_date", "31/02/2024", "not a date in a known format"),
            (4, "close_value", "a lot", "not a number"),
        ]
        assert report.rejected == 3 and report.valid == 1

    def test_a_number_with_a_decimal_comma_hints_at_the_option(self, do_import: ImportFn):
        data = HEADER + b'Acme,retail,1999,"12,5",10,Italy,\n'
        report = refused(do_import, "accounts", data)
        assert "decimal_comma" in report.errors[0].reason

    def test_missing_required_columns_refuse_the_file(self, do_import: ImportFn, existing):
        data = b"opportunity_id,product,close_value\nO1,GTX Pro,100\n"
        report = refused(do_import, "opportunities", data, skip_invalid=True)

        reasons = {e.column: e.reason for e in report.errors}
        assert set(reasons) == {"account", "stage"}
        assert all(e.line == 1 for e in report.errors)
        assert "expected one of: account" in reasons["account"]
        assert "deal_stage" in reasons["stage"]

    def test_a_file_of_the_wrong_shape(self, do_import: ImportFn):
        report = refused(do_import, "accounts", b"foo,bar\n1,2\n")
        assert "none of the columns are in the mapping" in report.errors[0].reason

    def test_duplicate_ids_negative_counts_and_too_many_values(self, do_import: ImportFn):
        data = HEADER + (
            b"Acme,retail,1999,1,10,Italy,\n"
            b"Acme,retail,1999,1,10,Italy,\n"
            b"Beta,retail,1999,1,-5,Italy,\n"
            b"Gamma,retail,1999,1,5,Italy,,surprise\n"
        )
        report = refused(do_import, "accounts", data)
        assert [(e.line, e.reason.split(":")[0]) for e in report.errors] == [
            (3, "duplicate"),
            (4, "must not be negative"),
            (
                5,
                "the row has 8 values but the header has 7 columns "
                "(an unquoted delimiter inside a value?)",
            ),
        ]

    def test_parent_loops_and_unknown_parents(self, do_import: ImportFn):
        data = HEADER + (
            b"A,retail,1999,1,10,Italy,B\nB,retail,1999,1,10,Italy,A\nC,retail,1999,1,10,Italy,Zed\n"
        )
        report = refused(do_import, "accounts", data)
        reasons = [(e.line, e.reason) for e in report.errors]
        assert (2, "loop: lines 2 → 3 → 2") in reasons
        assert (3, "loop: lines 3 → 2 → 3") in reasons
        assert (4, "unknown account: no account with this name") in reasons

    def test_skip_invalid_rejects_children_of_rejected_rows(self, do_import: ImportFn):
        data = HEADER + (
            b"Parent,retail,1999,bad,10,Italy,\nChild,retail,1999,1,10,Italy,Parent\n"
            b"Alone,retail,1999,1,10,Italy,\n"
        )
        report = do_import("accounts", "f.csv", data=data, skip_invalid=True)
        assert report.status == Status.PARTIAL
        assert list(Account.objects.values_list("name", flat=True)) == ["Alone"]
        assert "refers to line 2, which is rejected" in report.rejects_csv
        assert report.rejects_csv.count("\n") == 3  # header + 2 rejected rows


class TestFileProblems:
    def test_empty_file(self, do_import: ImportFn, existing):
        report = refused(do_import, "accounts", b"")
        assert "The file is empty" in report.errors[0].reason
        report = refused(do_import, "accounts", b"\n\n  \n")
        assert "The file is empty" in report.errors[0].reason

    def test_header_only_file(self, do_import: ImportFn, existing):
        report = refused(do_import, "accounts", HEADER)
        assert "header but no data rows" in report.errors[0].reason
        assert report.rows_read == 0

    def test_binary_garbage_is_not_decoded(self, do_import: ImportFn, existing):
        junk = bytes(range(256)) * 20 + os.urandom(512)
        report = refused(do_import, "accounts", junk)
        assert "not a text (CSV) file" in report.errors[0].reason

    def test_control_character_noise_is_not_decoded(self, do_import: ImportFn, existing):
        noise = bytes([0x81, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0B, 0x0C, 0x0E]) * 50
        report = refused(do_import, "accounts", noise)
        assert "could not be decoded as text" in report.errors[0].reason

    def test_latin1_accents_decode_correctly(self, do_import: ImportFn):
        data = HEADER + "Café Münster,retail,1999,1,10,Österreich,\n".encode("latin-1")
        report = do_import("accounts", "f.csv", data=data)
        assert report.status == Status.IMPORTED
        assert report.encoding == "cp1252"
        assert Account.objects.get().name == "Café Münster"
        assert Account.objects.get().country == "Österreich"

    def test_utf8_with_bom_and_tabs(self, do_import: ImportFn):
        data = "\ufeffaccount\tsector\nZoë AG\tretail\n".encode()
        report = do_import("accounts", "f.tsv", data=data)
        assert (report.status, report.encoding, report.delimiter) == (
            Status.IMPORTED,
            "utf-8-sig",
            "tab",
        )
        assert Account.objects.get().name == "Zoë AG"

    def test_pipe_delimited_with_quoted_newline(self, do_import: ImportFn):
        data = b'account|sector\n"Multi\nLine Inc"|retail\nNext|retail\n'
        report = do_import("accounts", "f.csv", data=data)
        assert report.status == Status.IMPORTED
        assert report.delimiter == "pipe"
        bad = do_import("accounts", "f.csv", data=b'account|employees\n"Multi\nLine"|x\nN|y\n')
        assert [e.line for e in bad.errors] == [2, 4]


def workbook(*sheets: tuple[str, list[list[object]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class TestXlsx:
    ACCOUNTS = [
        ["account", "sector", "revenue", "employees"],
        ["Acme", "retail", 12.5, 100],
        ["Beta", "medical", 3, 40],
    ]

    def test_the_first_sheet_is_read_and_the_others_are_named(self, do_import: ImportFn):
        data = workbook(("Accounts", self.ACCOUNTS), ("Notes", [["x"], ["y"]]), ("Old", []))
        report = do_import("accounts", "book.xlsx", data=data)

        assert report.status == Status.IMPORTED
        assert (report.format, report.sheet, report.other_sheets) == (
            "xlsx",
            "Accounts",
            ["Notes", "Old"],
        )
        assert any("'Notes', 'Old'" in o for o in report.observations)
        assert Account.objects.get(name="Acme").annual_revenue == 12_500_000

    def test_sheet_option_picks_another_sheet(self, do_import: ImportFn):
        data = workbook(("Readme", [["hello"]]), ("Accounts", self.ACCOUNTS))
        first = refused(do_import, "accounts", data, name="book.xlsx")
        assert "none of the columns" in first.errors[0].reason
        report = do_import("accounts", "book.xlsx", data=data, sheet="Accounts")
        assert report.status == Status.IMPORTED and report.other_sheets == ["Readme"]

    def test_an_unknown_sheet_is_a_clear_error(self, do_import: ImportFn):
        data = workbook(("Accounts", self.ACCOUNTS))
        report = refused(do_import, "accounts", data, name="book.xlsx", sheet="Nope")
        assert "no sheet 'Nope'; its sheets are: Accounts" in report.errors[0].reason

    def test_bad_rows_in_xlsx_have_their_sheet_line(self, do_import: ImportFn):
        rows = [*self.ACCOUNTS, [None, None, None, None], ["Gamma", "retail", "n/a", 5]]
        report = refused(do_import, "accounts", workbook(("S", rows)), name="book.xlsx")
        assert [(e.line, e.column, e.value) for e in report.errors] == [(5, "revenue", "n/a")]

    def test_a_broken_xlsx(self, do_import: ImportFn):
        report = refused(do_import, "accounts", b"PK\x03\x04garbage", name="book.xlsx")
        assert "not a readable XLSX workbook" in report.errors[0].reason


class TestMappingProblems:
    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("[accounts.columns\n", "not valid TOML"),
            ("[widgets.columns]\na = 'name'\n", "unknown section [widgets]"),
            ("[accounts.columns]\na = 'nmae'\n", "unknown field 'nmae'"),
            ("[accounts]\n", "[accounts.columns] must map column names"),
            (
                "[accounts.columns]\na = 'name'\n[accounts.match]\nname = 'auto'\n",
                "not a reference",
            ),
            (
                "[accounts.columns]\na = 'name'\n[accounts.scale]\nemployees = 'lots'\n",
                "must be a number",
            ),
            (
                "[options]\ndate_formats = ['dd.mm.yyyy']\n[accounts.columns]\na='name'\n",
                "strftime",
            ),
        ],
    )
    def test_bad_mapping_files_say_what_is_wrong(self, text: str, message: str):
        with pytest.raises(ImportFailed) as exc:
            parse_mapping(text)
        assert message in exc.value.message

    def test_unknown_mapping_and_entity(self, do_import: ImportFn):
        with pytest.raises(ImportFailed, match="No mapping 'nope'"):
            load_mapping("nope")
        report = refused(do_import, "widgets", HEADER + b"A,retail,1,1,1,Italy,\n")
        assert "Unknown entity 'widgets'" in report.errors[0].reason
        report = refused(do_import, "contacts", HEADER + b"A,retail,1,1,1,Italy,\n")
        assert "has no [contacts] section" in report.errors[0].reason

    def test_an_unmapped_stage_is_reported(self, do_import: ImportFn, existing):
        mapping = parse_mapping(
            "[opportunities.columns]\nid='external_id'\nacc='account'\nstage='stage'\n"
            "[opportunities.values.status]\nWon='won'\n"
        )
        report = do_import(
            "opportunities", "f.csv", mapping, data=b"id,acc,stage\n1,Existing Co,Haggling\n"
        )
        assert report.status == Status.REFUSED
        assert "not mapped to open, won or lost" in report.errors[0].reason


def test_the_mapping_example_in_the_docs_is_valid():
    import re
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs" / "imports.md"
    example = re.findall(r"```toml\n(.*?)```", docs.read_text(encoding="utf-8"), re.S)[0]
    mapping = parse_mapping(example)
    assert mapping.name == "erp-de"
    assert set(mapping.entities) == {"accounts", "opportunities", "purchases", "users"}
    assert mapping.entities["opportunities"].values["type"]["verlängerung"] == "renewal"


def test_out_of_range_numbers_are_row_errors_not_database_errors(do_import: ImportFn):
    data = HEADER + b"Acme,retail,99999,1,10,Italy,\nBeta,retail,1999,1e999999,10,Italy,\n"
    report = refused(do_import, "accounts", data)
    assert [(e.line, e.column, e.reason.split(" (")[0]) for e in report.errors] == [
        (2, "year_established", "too large"),
        (3, "revenue", "number too large"),
    ]


def test_a_default_fills_new_rows_but_never_overwrites(do_import: ImportFn, maven_dir):
    from accountplan.core.models import Role, User

    boss = User.objects.create(username="anna.snelling", first_name="Anna", role=Role.ADMIN)
    report = do_import("users", maven_dir / "sales_teams.csv")
    assert report.status == Status.IMPORTED
    boss.refresh_from_db()
    assert boss.role == Role.ADMIN  # the mapping's default role "ae" is for new users
    assert boss.last_name == "Snelling" and boss.territory == "Central"
    assert User.objects.get(username="cecily.lampkin").role == Role.ACCOUNT_EXECUTIVE


def test_rejects_never_clash_with_a_reason_column_of_the_file(do_import: ImportFn):
    import csv

    data = b"account,employees,reason\nAcme,ten,because\n"
    report = do_import("accounts", "f.csv", data=data, skip_invalid=True)
    [row] = list(csv.DictReader(report.rejects_csv.splitlines()))
    assert row["reason"] == "because"
    assert row["import_reason"].startswith("employees: not a number")
    assert row["line"] == "2"


def test_every_toml_example_in_the_docs_parses():
    import re
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs" / "imports.md"
    examples = re.findall(r"```toml\n(.*?)```", docs.read_text(encoding="utf-8"), re.S)
    mappings = [parse_mapping(text) for text in examples]
    assert len(mappings) >= 3
    keyed = next(m for m in mappings if m.entities.get("purchases") and m.entities["purchases"].key)
    assert keyed.entities["purchases"].key == ["SalesOrderNumber", "SalesOrderLineNumber"]
    assert any(
        m.entities.get("purchases") and m.entities["purchases"].mode == "replace" for m in mappings
    )


def test_rejects_file_escapes_formulas_in_cells_and_headers(do_import: ImportFn, attack_figures):
    """Issue 14 point 7: rejects copy raw cells back out, as text a spreadsheet will not run."""
    import csv

    from accountplan.core.spreadsheet_safe import is_formula

    data = (
        b'account,employees,=HYPERLINK("http://x")\n'
        b'=HYPERLINK("http://evil"),ten,@SUM(1)\n'
        b"+cmd|' /C calc'!A0,-5x,-12\n"
    )
    report = do_import("accounts", "f.csv", data=data, skip_invalid=True)
    rows = list(csv.reader(report.rejects_csv.splitlines()))
    cells = [v for row in rows for v in row]
    assert len(rows) == 3
    assert not [v for v in cells if is_formula(v)]
    assert rows[0][2] == '\'=HYPERLINK("http://x")'
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    assert rows[2][2] == "-12"  # a plain number stays as it came
    from accountplan.ingest.webterms import rejects_for_web

    web = list(csv.reader(rejects_for_web(report.rejects_csv).splitlines()))
    assert not [v for row in web for v in row if is_formula(v)]  # the page's download too
    attack_figures(f"formula injection: import rejects, {len(cells)} cells, 0 live")

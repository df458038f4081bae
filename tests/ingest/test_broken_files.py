"""Broken CSV files are refused whole, with the line and the reason: never half-read."""

from __future__ import annotations

import pytest

from accountplan.ingest.report import Status
from tests.ingest.conftest import ImportFn, table_counts

pytestmark = pytest.mark.django_db

HEADER = b"account,sector,year_established,revenue,employees,office_location,subsidiary_of\n"
ROWS = [
    b"Acme,retail,1999,1,10,Italy,\n",
    b"Beta,retail,2001,2,20,Spain,\n",
    b"Gamma,software,2005,3,30,France,\n",
]


def refused_whole(do_import: ImportFn, data: bytes) -> str:
    before = table_counts()
    report = do_import("accounts", "broken.csv", "maven", data=data, skip_invalid=True)
    assert report.status == Status.REFUSED
    assert table_counts() == before, "a broken file must not be half-read"
    assert report.created == 0 and report.valid == 0
    assert report.errors
    return report.errors[0].reason


def test_an_unterminated_quote_that_swallows_the_next_row(do_import: ImportFn):
    # The quote opened before Acme closes in Beta's row: Acme's name would swallow Beta's row.
    data = HEADER + b'"Acme,retail,1999,1,10,Italy,\nBeta",retail,2001,2,20,Spain,\n' + ROWS[2]
    reason = refused_whole(do_import, data)
    assert reason.startswith("Line 2: a quoted value")
    assert "unterminated quote" in reason and "line 3" in reason


def test_an_unterminated_quote_that_runs_to_the_end_of_the_file(do_import: ImportFn):
    data = HEADER + ROWS[0] + b'"Beta,retail,2001,2,20,Spain,\n' + ROWS[2]
    reason = refused_whole(do_import, data)
    assert reason.startswith("Line 3: a quoted value")
    assert "unterminated quote" in reason


def test_an_unterminated_quote_in_the_last_column(do_import: ImportFn):
    # The row keeps its width, so only the end of the file shows the quote never closed.
    data = HEADER + ROWS[0] + b'Beta,retail,2001,2,20,Spain,"Acme\n'
    reason = refused_whole(do_import, data)
    assert reason.startswith("Line 3: a quoted value opened on this line is never closed")


def test_a_file_cut_in_the_middle_of_its_last_line(do_import: ImportFn):
    data = HEADER + ROWS[0] + ROWS[1] + b"Gamma,softw"
    reason = refused_whole(do_import, data)
    assert reason.startswith("Line 4: the file ends in the middle of this row (2 of 7 values")


def test_a_complete_last_line_without_a_line_break_is_fine(do_import: ImportFn):
    data = HEADER + ROWS[0] + ROWS[1] + ROWS[2].rstrip(b"\n")
    report = do_import("accounts", "ok.csv", "maven", data=data)
    assert report.status == Status.IMPORTED and report.created == 3


def test_a_genuine_multi_line_value_is_kept(do_import: ImportFn):
    data = HEADER + b'"Acme\nHoldings",retail,1999,1,10,Italy,\n' + ROWS[1]
    report = do_import("accounts", "ok.csv", "maven", data=data)
    assert report.status == Status.IMPORTED and report.created == 2


def test_a_short_row_in_the_middle_is_a_row_error_not_empty_values(do_import: ImportFn):
    data = HEADER + ROWS[0] + b"Beta,retail\n" + ROWS[2]
    report = do_import("accounts", "short.csv", "maven", data=data)
    assert report.status == Status.REFUSED
    assert [(e.line, e.reason.split(" (")[0]) for e in report.errors] == [
        (3, "the row has 2 values but the header has 7 columns")
    ]


def test_a_multi_line_address_with_commas_is_not_a_broken_file(do_import: ImportFn):
    mapping = "[contacts.columns]\nacc='account'\nname='full_name'\nphone='phone'\n"
    from accountplan.ingest.mappings import parse_mapping
    from tests.factories import AccountFactory

    AccountFactory(name="Acme", external_id="Acme")
    data = b'acc,name,phone\nAcme,Ann Lee,"12 Main St,\nSpringfield, IL"\nAcme,Bo Chan,555\n'
    report = do_import("contacts", "c.csv", parse_mapping(mapping), data=data)
    assert report.status == Status.IMPORTED and report.created == 2


def test_a_column_named_twice_is_refused_in_the_files_words(do_import: ImportFn):
    data = b"account,sector,account\nAcme,retail,Acme\n"
    report = do_import("accounts", "twice.csv", "maven", data=data)
    assert report.status == Status.REFUSED
    assert report.errors[0].reason == "the column “account” appears twice in the header"

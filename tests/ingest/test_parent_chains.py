"""Deep and looping parent chains (issue 14 point 11): checked in one pass over the rows.

A 10,000-deep chain imports whole; a loop hidden at the end of a long chain is refused with its
lines; with --skip-invalid the rows under a rejected row go to the rejects, every one of them.
(The check used to walk every chain from every row: 3,000 deep took over 115 s. Time is not
asserted here; docs/imports.md gives the figure.)"""

from __future__ import annotations

import pytest

from accountplan.book.models import Account
from accountplan.ingest.report import Status
from tests.ingest.conftest import ImportFn, table_counts

pytestmark = pytest.mark.django_db

HEADER = "account,sector,year_established,revenue,employees,office_location,subsidiary_of\n"


def chain(n: int, *, close_loop_at: int | None = None, bad_revenue_at: int | None = None) -> bytes:
    """Accounts A0 ← A1 ← … ← A(n-1) (each the subsidiary of the one before); optionally A0's
    parent is A(close_loop_at) (a loop) and one row has a bad revenue."""
    lines = [HEADER]
    for i in range(n):
        parent = f"A{i - 1}" if i else (f"A{close_loop_at}" if close_loop_at is not None else "")
        revenue = "bad" if i == bad_revenue_at else "1"
        lines.append(f"A{i},retail,1999,{revenue},10,Italy,{parent}\n")
    return "".join(lines).encode()


def test_a_10000_deep_chain_imports_whole(do_import: ImportFn) -> None:
    report = do_import("accounts", "deep.csv", "maven", data=chain(10_000))
    assert report.status == Status.IMPORTED, report.errors[:3]
    assert Account.objects.count() == 10_000
    deepest = Account.objects.select_related("parent").get(name="A9999")
    assert deepest.parent is not None and deepest.parent.name == "A9998"
    assert Account.objects.get(name="A0").parent_id is None


def test_a_loop_at_the_end_of_a_long_chain_is_refused_with_its_lines(do_import: ImportFn) -> None:
    before = table_counts()
    # A0's parent is A4: A0 → A4 → A3 → A2 → A1 → A0 loops; A5 … A9999 hang below the loop.
    report = do_import("accounts", "loop.csv", "maven", data=chain(10_000, close_loop_at=4))
    assert report.status == Status.REFUSED
    assert table_counts() == before
    loops = {e.line: e.reason for e in report.errors if e.kind == "loop"}
    assert sorted(loops) == [2, 3, 4, 5, 6]  # the five rows of the loop, no row below it
    assert loops[2] == "loop: lines 2 → 6 → 5 → 4 → 3 → 2"
    assert loops[4] == "loop: lines 4 → 3 → 2 → 6 → 5 → 4"


def test_a_long_loop_is_named_by_its_first_lines_and_its_length(do_import: ImportFn) -> None:
    report = do_import("accounts", "ring.csv", "maven", data=chain(5_000, close_loop_at=4_999))
    assert report.status == Status.REFUSED
    loops = [e for e in report.errors if e.kind == "loop"]
    assert len(loops) == 5_000
    first = next(e for e in loops if e.line == 2)
    assert first.reason.startswith("loop: lines 2 → 5001 → 5000 → ")
    assert first.reason.endswith("… (5,000 rows in the loop) → 2")
    assert len(first.reason) < 200


def test_skip_invalid_rejects_every_row_below_a_rejected_one(do_import: ImportFn) -> None:
    report = do_import(
        "accounts", "cut.csv", "maven", data=chain(3_000, bad_revenue_at=1_000), skip_invalid=True
    )
    assert report.status == Status.PARTIAL
    assert Account.objects.count() == 1_000  # A0 … A999 above the bad row
    assert report.rejects_csv.count("\n") == 1 + 2_000  # header, the bad row and the 1,999 below
    assert "refers to line 1002, which is rejected" in report.rejects_csv  # A1001 → A1000

"""``accountplan analyze`` on the Maven sample: both tables, their columns and row counts."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from accountplan.portfolio.models import AccountScore, CellScore, Snapshot
from tests.portfolio.conftest import MAVEN_AS_OF

ACCOUNT_COLUMNS = {
    "account_id",
    "account_name",
    "current_revenue",
    "previous_revenue",
    "growth",
    "whitespace_value",
    "wallet",
    "share_of_wallet",
    "potential_score",
    "missing_attributes",
    "play",
    "tier",
}
CELL_COLUMNS = {
    "account_id",
    "item",
    "current_revenue",
    "potential",
    "state",
    "whitespace_value",
    "peer_median_rate",
    "size",
    "explanation",
}


def analyze(out: Path, *args: str) -> str:
    stdout = io.StringIO()
    call_command("analyze", "--as-of", MAVEN_AS_OF, "--out", str(out), *args, stdout=stdout)
    return stdout.getvalue()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_csv_tables_have_the_columns_and_one_row_per_account_and_cell(
    maven_book: Path, tmp_path: Path
):
    output = analyze(tmp_path)
    accounts = read_csv(tmp_path / "accounts.csv")
    cells = read_csv(tmp_path / "cells.csv")

    assert set(accounts[0]) >= ACCOUNT_COLUMNS
    assert set(cells[0]) >= CELL_COLUMNS
    assert len(accounts) == 85
    assert len(cells) == 85 * 7  # --cells all (the default): derived cells included
    rates = read_csv(tmp_path / "rates.csv")
    assert {r["item"] for r in rates} == {c["item"] for c in cells}
    raw_names = {r["account"] for r in read_csv(maven_book / "accounts.csv")}
    assert {a["account_id"] for a in accounts} == raw_names  # the imported ids, not db keys
    assert {a["play"] for a in accounts} <= {"Expand", "Penetrate", "Nurture", "Manage"}
    stored = CellScore.objects.filter(snapshot=Snapshot.objects.current()).count()
    assert f"85 accounts, {stored:,} cells" in output
    # a derived cell is its peer rate × the account's size, exactly
    derived = next(c for c in cells if c["state"] == "none" and c["potential"])
    assert Decimal(derived["potential"]) == Decimal(derived["peer_median_rate"]) * Decimal(
        derived["size"]
    )


def test_stored_cells_only_on_request(maven_book: Path, tmp_path: Path):
    analyze(tmp_path, "--cells", "stored")
    cells = read_csv(tmp_path / "cells.csv")
    assert len(cells) == CellScore.objects.count() < 85 * 7
    assert all(
        Decimal(c["current_revenue"]) or c["open_opportunities"] != "0" or c["recent_lost"] != "0"
        for c in cells
    )


def test_the_snapshot_is_stored_with_every_row(maven_book: Path, tmp_path: Path):
    analyze(tmp_path)
    snapshot = Snapshot.objects.current()
    assert snapshot is not None
    assert snapshot.status == "done"
    assert str(snapshot.as_of) == MAVEN_AS_OF
    assert AccountScore.objects.filter(snapshot=snapshot).count() == 85
    # stored cells: those with revenue or a deal marker; the rest are derived on read
    assert 0 < CellScore.objects.filter(snapshot=snapshot).count() < 595
    total = sum(
        AccountScore.objects.filter(snapshot=snapshot).values_list("current_revenue", flat=True)
    )
    won_2017 = sum(
        float(r["close_value"])
        for r in read_csv(maven_book / "sales_pipeline.csv")
        if r["deal_stage"] == "Won" and r["account"] and r["close_date"].startswith("2017")
    )
    assert total == sum(  # exact: Decimal money end to end
        Decimal(r["close_value"])
        for r in read_csv(maven_book / "sales_pipeline.csv")
        if r["deal_stage"] == "Won" and r["account"] and r["close_date"].startswith("2017")
    )
    assert total == pytest.approx(won_2017)


def test_family_level_and_parquet_and_xlsx(maven_book: Path, tmp_path: Path):
    analyze(tmp_path / "p", "--level", "family", "--format", "parquet")
    cells = pl.read_parquet(tmp_path / "p" / "cells.parquet")
    series = {r["series"] for r in read_csv(maven_book / "products.csv")}
    assert set(cells["item"].unique()) == series
    assert cells.height == 85 * len(series)

    analyze(tmp_path / "x", "--format", "xlsx", "--window", "all")
    sheet = load_workbook(tmp_path / "x" / "accounts.xlsx", read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert set(rows[0]) >= ACCOUNT_COLUMNS
    assert len(rows) == 86


def test_keeping_only_the_last_five_snapshots(maven_book: Path, tmp_path: Path):
    for _ in range(6):
        analyze(tmp_path)
    assert Snapshot.objects.done().count() == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2017-13-45"], "is not a date"),
        (["--window", "7"], "use 12 (months) or all"),
        (["--level", "region"], "use product or family"),
        (["--format", "json"], "use csv, xlsx, parquet"),
        (["--explain", "No Such Account"], "No account with id 'No Such Account'"),
    ],
)
def test_bad_input_is_a_clear_error(maven_book: Path, tmp_path: Path, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("analyze", "--out", str(tmp_path), *args)
    assert not Snapshot.objects.exists()


def test_explain_prints_the_reasoning_for_one_account(maven_book: Path, tmp_path: Path):
    stdout = io.StringIO()
    call_command("analyze", "--as-of", MAVEN_AS_OF, "--explain", "Acme Corporation", stdout=stdout)
    text = stdout.getvalue()
    assert "Acme Corporation" in text
    score = AccountScore.objects.get(account__name="Acme Corporation")
    assert score.play in text

"""``accountplan prospecting`` and ``accountplan plan``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accountplan.plans.models import AccountPlan
from tests.plans.conftest import Book

SEED = [
    "--current-revenue",
    "10,000,000",
    "--growth",
    "10%",
    "--deal-size",
    "$100000",
    "--win-rate",
    "50",
    "--prospects-per-opportunity",
    "5",
]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_prospecting_seed_example_as_json() -> None:
    body = json.loads(run("prospecting", *SEED, "--json"))
    assert (body["deals"], body["opportunities"], body["prospects"]) == (10, 20, 100)
    assert body["gap"] == "1000000"


def test_prospecting_table_with_a_long_cycle() -> None:
    text = run(
        "prospecting",
        *SEED,
        "--cycle-months",
        "15",
        "--period-start",
        "2027-01-01",
        "--period-end",
        "2027-12-31",
    )
    assert "Prospects to engage" in text and "100" in text
    assert "2026-10-01" in text


def test_prospecting_bad_input_exits_2_with_what_to_fix() -> None:
    with pytest.raises(CommandError) as err:
        run("prospecting", *SEED[:-1], "0")
    assert err.value.returncode == 2
    assert "prospects per opportunity must be at least 1" in str(err.value)


@pytest.mark.django_db
def test_plan_list_and_clone(book: Book) -> None:
    listed = run("plan", "list")
    assert "Acme Corp" in listed and "1 plan" in listed and "Draft" in listed
    text = run(
        "plan",
        "clone",
        str(book.account.pk),
        "--period",
        "FY2027",
        "--to",
        "FY2028",
        "--user",
        "dave",
    )
    assert "into FY2028" in text
    assert AccountPlan.objects.filter(period="FY2028", cloned_from=book.plan).exists()
    first = run("plan", "list", "--limit", "1")
    assert "The first 1 of 2 plans" in first and first.count("Acme Corp") == 1
    assert "2 plans" in run("plan", "list", "--limit", "0")
    with pytest.raises(CommandError, match="may read"):
        run(
            "plan",
            "clone",
            str(book.account.pk),
            "--period",
            "FY2027",
            "--to",
            "FY2029",
            "--user",
            "vera",
        )


@pytest.mark.django_db
def test_plan_export_of_a_missing_plan_lists_the_periods(book: Book, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Its plans: FY2027") as err:
        run(
            "plan",
            "export",
            str(book.account.pk),
            "--period",
            "FY1999",
            "--format",
            "md",
            "--out",
            str(tmp_path / "x.md"),
        )
    assert err.value.returncode == 2

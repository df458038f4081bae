"""THE check: an independent recomputation of the documented methodology, from the raw Maven CSV
files in plain Python, agrees with ``accountplan analyze`` (its output files) on every cell state,
every play and every tier, as of 2017-12-31.

R comes from won deals only (close_value by close_date); size = employees; segment = sector as
written in the file; the pipeline's GTXPro is the catalogue's GTX Pro; deals with no account are
rejected by the import and so count nowhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from django.core.management import call_command

from tests.portfolio.conftest import MAVEN_AS_OF
from tests.portfolio.independent import Line, compute


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def independent(maven_dir: Path):
    accounts = read_csv(maven_dir / "accounts.csv")
    products = [r["product"] for r in read_csv(maven_dir / "products.csv")]
    lines = [
        Line(
            r["account"],
            "GTX Pro" if r["product"] == "GTXPro" else r["product"],
            dt.date.fromisoformat(r["close_date"]),
            float(r["close_value"]),
        )
        for r in read_csv(maven_dir / "sales_pipeline.csv")
        if r["deal_stage"] == "Won" and r["account"]
    ]
    return compute(
        segments={a["account"]: a["sector"] for a in accounts},
        sizes={a["account"]: int(a["employees"]) if a["employees"] else None for a in accounts},
        items=products,
        lines=lines,
        as_of=dt.date.fromisoformat(MAVEN_AS_OF),
    )


def test_every_state_play_and_tier_agrees_with_the_cli(maven_book: Path, tmp_path: Path):
    call_command("analyze", "--as-of", MAVEN_AS_OF, "--out", str(tmp_path), stdout=io.StringIO())
    accounts = read_csv(tmp_path / "accounts.csv")
    cells = read_csv(tmp_path / "cells.csv")
    expected = independent(maven_book)

    states = {(c["account_id"], c["item"]): c["state"] for c in cells}
    plays = {a["account_id"]: a["play"] or None for a in accounts}
    tiers = {a["account_id"]: int(a["tier"]) for a in accounts}
    revenue = {a["account_id"]: float(a["current_revenue"]) for a in accounts}

    assert len(states) == 85 * 7
    assert states == expected.states
    assert plays == expected.plays
    assert tiers == expected.tiers
    assert revenue == {k: float(v) for k, v in expected.revenue.items()}
    # Not a degenerate book: every state, every play and every tier occurs.
    assert set(states.values()) == {"none", "partial", "full"}
    assert set(plays.values()) == {"Expand", "Penetrate", "Nurture", "Manage"}
    assert set(tiers.values()) == {1, 2, 3}

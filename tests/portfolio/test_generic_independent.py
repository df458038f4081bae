"""The same independent check on a layout nobody here prepared: a generic CSV book ("Customer No",
"Company", "Vertical", "Headcount"; invoices with "Invoice Date", "SKU", "Net Amount" in
day/month/year) imported through a custom TOML mapping, with purchase lines as the revenue, some
unknown headcounts, an account with no vertical and two years of history (so growth is known for
some accounts and missing for others)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.portfolio.conftest import import_file
from tests.portfolio.independent import Line, compute

AS_OF = dt.date(2024, 6, 30)
MAPPING = """
name = "generic-erp"

[options]
date_formats = ["%d/%m/%Y"]

[accounts.columns]
"Customer No" = "external_id"
Company = "name"
Vertical = "industry"
Headcount = "employees"

[products.columns]
SKU = "external_id"
"Product Name" = "name"
"Product Line" = "family"

[purchases.columns]
"Invoice No" = "external_id"
"Customer No" = "account"
SKU = "product"
"Invoice Date" = "date"
"Net Amount" = "amount"
"""
VERTICALS = ["Retail", "Banking", "Logistics"]
SKUS = [("SKU-1", "Ledger", "Finance"), ("SKU-2", "Payroll", "Finance"), ("SKU-3", "Fleet", "Ops")]
SKUS += [("SKU-4", "Stock", "Ops"), ("SKU-5", "Portal", "Ops")]


def write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def make_files(folder: Path) -> dict[str, Path]:
    rng = random.Random(20240630)
    customers = []
    for i in range(1, 41):
        vertical = "" if i == 7 else VERTICALS[i % 3]
        headcount = "" if i in (5, 11) else rng.choice([40, 120, 350, 800, 2000, 5000])
        customers.append([f"C{i:03d}", f"Company {i:03d}", vertical, headcount])
    invoices = []
    n = 0
    for cust in customers:
        bought = rng.sample([s[0] for s in SKUS], rng.randint(0, 4))
        for sku in bought:
            for _ in range(rng.randint(1, 4)):
                n += 1
                day = AS_OF - dt.timedelta(days=rng.randint(0, 720))
                invoices.append(
                    [
                        f"INV-{n:05d}",
                        day.strftime("%d/%m/%Y"),
                        cust[0],
                        sku,
                        rng.randint(1, 90) * 100,
                    ]
                )
    # The window's edges: a year to the day before as-of is out, the day after is in.
    invoices.append(["INV-EDGE1", "30/06/2023", "C001", "SKU-5", 99900])
    invoices.append(["INV-EDGE2", "01/07/2023", "C002", "SKU-5", 1100])
    return {
        "accounts": write(
            folder / "customers.csv", ["Customer No", "Company", "Vertical", "Headcount"], customers
        ),
        "products": write(
            folder / "skus.csv", ["SKU", "Product Name", "Product Line"], [list(s) for s in SKUS]
        ),
        "purchases": write(
            folder / "invoices.csv",
            ["Invoice No", "Invoice Date", "Customer No", "SKU", "Net Amount"],
            invoices,
        ),
    }


@pytest.fixture
def generic_book(db: None, tmp_path: Path) -> dict[str, Path]:
    files = make_files(tmp_path)
    mapping = tmp_path / "erp.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    for entity in ("accounts", "products", "purchases"):
        import_file(entity, files[entity], str(mapping))
    return files


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_state_play_and_tier_agrees_with_the_cli(
    generic_book: dict[str, Path], tmp_path: Path
):
    out = tmp_path / "out"
    call_command("analyze", "--as-of", AS_OF.isoformat(), "--out", str(out), stdout=io.StringIO())
    customers = read_csv(generic_book["accounts"])
    expected = compute(
        segments={c["Customer No"]: c["Vertical"] for c in customers},
        sizes={
            c["Customer No"]: int(c["Headcount"]) if c["Headcount"] else None for c in customers
        },
        items=[s[0] for s in SKUS],
        lines=[
            Line(
                r["Customer No"],
                r["SKU"],
                dt.datetime.strptime(r["Invoice Date"], "%d/%m/%Y").date(),
                float(r["Net Amount"]),
            )
            for r in read_csv(generic_book["purchases"])
        ],
        as_of=AS_OF,
    )
    accounts = read_csv(out / "accounts.csv")
    cells = read_csv(out / "cells.csv")

    assert {(c["account_id"], c["item"]): c["state"] for c in cells} == expected.states
    assert {a["account_id"]: a["play"] or None for a in accounts} == expected.plays
    assert {a["account_id"]: int(a["tier"]) for a in accounts} == expected.tiers
    assert {a["account_id"]: float(a["current_revenue"]) for a in accounts} == expected.revenue
    assert expected.revenue["C002"] >= 1100  # the day after the edge is in the window
    assert set(expected.states.values()) == {"none", "partial", "full"}
    assert {"growth"} <= {m.strip() for a in accounts for m in a["missing_attributes"].split(",")}
    assert any(a["growth"] for a in accounts)

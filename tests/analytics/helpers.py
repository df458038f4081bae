"""Small hand-made books for the analytics tests: only the columns a test cares about."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl

from accountplan.analytics.frames import AnalysisConfig, Book

AS_OF = dt.date(2020, 5, 31)
IN_WINDOW = dt.date(2020, 1, 15)  # inside (2019-05-31, 2020-05-31]
IN_PREVIOUS = dt.date(2019, 1, 15)  # inside (2018-05-31, 2019-05-31]


def accounts(rows: Sequence[dict[str, Any]]) -> pl.DataFrame:
    """Accounts with ids 1..n unless given, names "A1".. unless given."""
    filled = []
    for i, row in enumerate(rows, start=1):
        filled.append({"account_id": i, "account_name": f"A{i}", **row})
    return pl.DataFrame(filled, infer_schema_length=None)


def products(keys: Iterable[str], family: str | dict[str, str] = "") -> pl.DataFrame:
    """Products with ids 1..n, external id = key, name = "Product <key>"."""
    keys = list(keys)
    fam = family if isinstance(family, dict) else dict.fromkeys(keys, family)
    return pl.DataFrame(
        {
            "product_id": list(range(1, len(keys) + 1)),
            "external_id": keys,
            "product_name": [f"Product {k}" for k in keys],
            "family": [fam.get(k, "") for k in keys],
        }
    )


def revenue(rows: Sequence[tuple[int, int, dt.date, float]]) -> pl.DataFrame:
    """(account_id, product_id, date, amount) rows."""
    return pl.DataFrame(
        [
            {"account_id": a, "product_id": p, "date": d, "amount": float(x), "source": "won"}
            for a, p, d, x in rows
        ],
        schema={
            "account_id": pl.Int64,
            "product_id": pl.Int64,
            "date": pl.Date,
            "amount": pl.Float64,
            "source": pl.String,
        },
    )


def book(
    accts: pl.DataFrame,
    prods: pl.DataFrame,
    rev: pl.DataFrame,
    opportunities: pl.DataFrame | None = None,
    overrides: pl.DataFrame | None = None,
) -> Book:
    """A Book with empty opportunities/overrides unless given."""
    return Book(
        accounts=accts,
        products=prods,
        revenue=rev,
        opportunities=opportunities if opportunities is not None else pl.DataFrame(),
        overrides=overrides if overrides is not None else pl.DataFrame(),
    )


def config(**kwargs: Any) -> AnalysisConfig:
    """The default config as of 2020-05-31, with overrides."""
    kwargs.setdefault("as_of", AS_OF)
    return AnalysisConfig(**kwargs)


def dense(analysis: Any) -> pl.DataFrame:
    """Every account × item of an analysis: stored cells plus the ones derived on read."""
    from accountplan.analytics.derive import expand_cells

    return expand_cells(analysis)


def num(value: Any) -> float | None:
    """A Decimal (or any number) as a float, for approximate comparisons; None stays None."""
    return None if value is None else float(value)


def cell(frame: pl.DataFrame, account_id: int, item: str) -> dict[str, Any]:
    """One cell as a dict."""
    rows = frame.filter((pl.col("account_id") == account_id) & (pl.col("item") == item))
    assert rows.height == 1, f"expected one cell {account_id}×{item}, got {rows.height}"
    return rows.row(0, named=True)


def account(frame: pl.DataFrame, account_id: int) -> dict[str, Any]:
    """One account row as a dict."""
    rows = frame.filter(pl.col("account_id") == account_id)
    assert rows.height == 1
    return rows.row(0, named=True)

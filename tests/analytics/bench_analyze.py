"""Time ``analyze`` on a synthetic book: ``.venv/bin/python -m tests.analytics.bench_analyze``.

1,000 accounts × 100 products, 200,000 revenue rows, 20,000 opportunities (dense: most accounts
buy most products, so peer lists are long). Not a test: timings belong in a report, not an assert.
"""

from __future__ import annotations

import datetime as dt
import random
import time

import polars as pl

from accountplan.analytics.frames import AnalysisConfig, Book
from accountplan.analytics.pipeline import analyze


def synthetic_book(n_accounts: int = 1000, n_products: int = 100, rows: int = 200_000) -> Book:
    """A reproducible random book."""
    rng = random.Random(1)
    industries = [f"Industry {i}" for i in range(10)]
    accounts = pl.DataFrame(
        {
            "account_id": list(range(1, n_accounts + 1)),
            "account_name": [f"Account {i:04d}" for i in range(n_accounts)],
            "industry": [rng.choice(industries) for _ in range(n_accounts)],
            "employees": [rng.choice([None, *range(10, 5000)]) for _ in range(n_accounts)],
            "satisfaction": [rng.random() * 10 for _ in range(n_accounts)],
        }
    )
    products = pl.DataFrame(
        {
            "product_id": list(range(1, n_products + 1)),
            "external_id": [f"P{i}" for i in range(n_products)],
            "product_name": [f"Product {i}" for i in range(n_products)],
            "family": [f"Family {i % 8}" for i in range(n_products)],
        }
    )
    start = dt.date(2018, 1, 1)
    revenue = pl.DataFrame(
        {
            "account_id": [rng.randint(1, n_accounts) for _ in range(rows)],
            "product_id": [rng.randint(1, n_products) for _ in range(rows)],
            "date": [start + dt.timedelta(days=rng.randint(0, 900)) for _ in range(rows)],
            "amount": [rng.random() * 1000 for _ in range(rows)],
            "source": ["won"] * rows,
        }
    )
    n_opps = rows // 10
    opportunities = pl.DataFrame(
        {
            "opportunity_id": list(range(n_opps)),
            "account_id": [rng.randint(1, n_accounts) for _ in range(n_opps)],
            "product_id": [rng.randint(1, n_products) for _ in range(n_opps)],
            "status": [rng.choice(["open", "won", "lost"]) for _ in range(n_opps)],
            "amount": [100.0] * n_opps,
            "close_date": [start + dt.timedelta(days=rng.randint(300, 900)) for _ in range(n_opps)],
        }
    )
    return Book(accounts, products, revenue, opportunities, pl.DataFrame())


def main() -> None:
    """Print the time of one analysis per level."""
    book = synthetic_book()
    for level in ("product", "family"):
        config = AnalysisConfig(as_of=dt.date(2020, 5, 31), level=level)
        started = time.perf_counter()
        result = analyze(book, config)
        elapsed = time.perf_counter() - started
        print(f"{level}: {result.cells.height:,} cells in {elapsed:.2f} s")


if __name__ == "__main__":
    main()

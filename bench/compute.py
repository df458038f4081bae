"""Compute alone, from the same book: the app beside the plain-pandas reference, interleaved.

Usage: ACCOUNTPLAN_DATA_DIR=DIR .venv/bin/python bench/compute.py BOOK_DIR [--repeat 9]

The app's database must hold BOOK_DIR's book (as `bench/bulkload.py BOOK_DIR` loads it; set
DATABASE_URL for PostgreSQL). The book is loaded into frames once; then, in turns, each run
times:

- ``app compute``: ``portfolio.compute.compute`` — the methodology (``analyze``), look-alike
  propensity and each account's next best products: everything a rescore computes;
- ``app analyze``: the methodology alone, which is what the reference implements;
- ``pandas compute``: ``bench/pandas_ref.py``'s analysis minus its reading of the Parquet files.

Runs alternate (app, pandas, app, …) so a busy moment of the machine weighs on both. Prints
median, minimum and maximum seconds of each, and whether the app's and the reference's totals,
tiers and plays agree, as JSON on the last line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pandas_ref


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accountplan.config.settings")
    import django

    django.setup()


def spread(values: list[float]) -> dict[str, float]:
    return {
        "median_s": round(statistics.median(values), 3),
        "min_s": round(min(values), 3),
        "max_s": round(max(values), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("book", type=Path)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    meta = json.loads((args.book / "meta.json").read_text(encoding="utf-8"))
    as_of = dt.date.fromisoformat(meta["as_of"])

    setup_django()
    from accountplan.analytics.pipeline import analyze
    from accountplan.portfolio.compute import compute
    from accountplan.portfolio.loader import load_book
    from accountplan.portfolio.scorecard import get_scorecard, to_config

    config = to_config(get_scorecard(), as_of, 12, "product")
    book = load_book(config)
    if book.accounts.height != meta["accounts"]:
        raise SystemExit(
            f"the database holds {book.accounts.height} accounts, the book {meta['accounts']}: "
            "load it with bench/bulkload.py first"
        )
    compute(book, config)  # warm-up: imports, thread pools
    times: dict[str, list[float]] = {"app compute": [], "app analyze": [], "pandas compute": []}
    app: Any = None
    reference: Any = None
    for _ in range(args.repeat):
        start = time.perf_counter()
        app = compute(book, config)
        times["app compute"].append(time.perf_counter() - start)
        start = time.perf_counter()
        analyze(book, config)
        times["app analyze"].append(time.perf_counter() - start)
        steps: dict[str, float] = {}
        start = time.perf_counter()
        reference = pandas_ref.analyze(args.book, as_of, steps)
        times["pandas compute"].append(time.perf_counter() - start - steps["read_s"])
    found = pandas_ref.app_summary(app.accounts)
    want = pandas_ref.summary(reference)
    agree = (
        found is not None
        and set(found) == set(want)
        and all(
            math.isclose(found[k], want[k], rel_tol=1e-12)
            if isinstance(want[k], float)
            else found[k] == want[k]
            for k in want
        )
    )  # the reference sums floats: its totals may be a cent off the exact ones
    report = {
        "accounts": book.accounts.height,
        "repeat": args.repeat,
        **{name: spread(values) for name, values in times.items()},
        "same_totals_tiers_plays": agree,
    }
    for name, values in times.items():
        print(f"{name:<16} {spread(values)}")
    if not agree:
        print("app:", found, "\npandas:", want)
    print(json.dumps(report))


if __name__ == "__main__":
    main()

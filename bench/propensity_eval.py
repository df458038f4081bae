"""Bench: how well look-alike propensity ranks, on held-out history, against a popularity baseline.

Usage: .venv/bin/python bench/propensity_eval.py [--seed 42] [--as-of 2026-06-30] [--scale 1]
           [--horizon 12] [--maven DIR] [--seeds 1,2,3]   (--seeds: a summary over demo seeds)

Builds two books without a database:
- the demo book, from ``accountplan.demo.generator.generate_book`` (plain rows): revenue = won
  deals by close date + purchase lines by order date, exactly what the loader reads;
- the Maven CRM sample (as of 2017-12-31): won deals by close date as revenue, accounts by name,
  products by name with spaces normalised (the pipeline's ``GTXPro`` is ``GTX Pro``).
Then runs ``evaluate_holdout`` for each level and window and prints one line per run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import time
from pathlib import Path
from typing import Any

import polars as pl

from accountplan.analytics.frames import (
    ACCOUNTS_SCHEMA,
    OPPORTUNITIES_SCHEMA,
    OVERRIDES_SCHEMA,
    PRODUCTS_SCHEMA,
    REVENUE_SCHEMA,
    AnalysisConfig,
    Book,
    empty,
)
from accountplan.analytics.propensity import evaluate_holdout

MAVEN_DIR = Path("/work/shared/data/maven-crm")


def demo_book(seed: int, as_of: dt.date, scale: float) -> Book:
    """The demo generator's rows as analytics frames (ids are row positions)."""
    from accountplan.demo.generator import generate_book

    rows = generate_book(seed, as_of, scale)
    acc_id = {a.external_id: i for i, a in enumerate(rows.accounts, start=1)}
    prod_id = {p.external_id: i for i, p in enumerate(rows.products, start=1)}
    accounts = pl.DataFrame(
        {
            "account_id": list(acc_id.values()),
            "external_id": list(acc_id),
            "account_name": [a.name for a in rows.accounts],
            "industry": [a.industry for a in rows.accounts],
            "segment": [a.segment for a in rows.accounts],
            "territory": [a.territory for a in rows.accounts],
            "country": [a.country for a in rows.accounts],
            "employees": [a.employees for a in rows.accounts],
        }
    )
    products = pl.DataFrame(
        {
            "product_id": list(prod_id.values()),
            "external_id": list(prod_id),
            "product_name": [p.name for p in rows.products],
            "family": [p.family for p in rows.products],
        }
    )
    won = [o for o in rows.opportunities if o.status == "won"]
    revenue = pl.DataFrame(
        {
            "account_id": [acc_id[o.account] for o in won]
            + [acc_id[p.account] for p in rows.purchase_lines],
            "product_id": [prod_id[o.product] for o in won]
            + [prod_id[p.product] for p in rows.purchase_lines],
            "date": [o.close_date for o in won] + [p.date for p in rows.purchase_lines],
            "amount": [float(o.amount) for o in won]
            + [float(p.amount) for p in rows.purchase_lines],
            "source": ["won"] * len(won) + ["purchase"] * len(rows.purchase_lines),
        },
        schema=REVENUE_SCHEMA,
    )
    return Book(
        accounts=accounts.cast(_subset(ACCOUNTS_SCHEMA, accounts.columns)),
        products=products.cast(_subset(PRODUCTS_SCHEMA, products.columns)),
        revenue=revenue,
        opportunities=empty(OPPORTUNITIES_SCHEMA),
        overrides=empty(OVERRIDES_SCHEMA),
    )


def _subset(schema: dict[str, Any], columns: list[str]) -> pl.Schema:
    return pl.Schema({c: schema[c] for c in columns})


def _squash(name: str) -> str:
    """``GTX Pro`` and ``GTXPro`` → ``gtxpro``: the Maven pipeline drops spaces in one name."""
    return re.sub(r"\s+", "", name).lower()


def maven_book(folder: Path) -> Book:
    """The Maven sample: accounts by name, won deals (by close date) as revenue."""
    raw = pl.read_csv(folder / "accounts.csv")
    accounts = raw.with_row_index("account_id", offset=1).select(
        pl.col("account_id").cast(pl.Int64),
        pl.lit(None, dtype=pl.String).alias("external_id"),
        pl.col("account").alias("account_name"),
        pl.col("sector").alias("industry"),
        pl.col("office_location").alias("territory"),
        pl.col("office_location").alias("country"),
        pl.col("employees").cast(pl.Int64),
    )
    products = (
        pl.read_csv(folder / "products.csv")
        .with_row_index("product_id", offset=1)
        .select(
            pl.col("product_id").cast(pl.Int64),
            pl.lit(None, dtype=pl.String).alias("external_id"),
            pl.col("product").alias("product_name"),
            pl.col("series").alias("family"),
        )
    )
    by_key = products.select(
        pl.col("product_name").map_elements(_squash, return_dtype=pl.String).alias("key"),
        "product_id",
    )
    revenue = (
        pl.read_csv(folder / "sales_pipeline.csv", try_parse_dates=True)
        .filter((pl.col("deal_stage") == "Won") & pl.col("account").is_not_null())
        .with_columns(pl.col("product").map_elements(_squash, return_dtype=pl.String).alias("key"))
        .join(by_key, on="key", how="inner")
        .join(
            accounts.select("account_id", "account_name"),
            left_on="account",
            right_on="account_name",
        )
        .select(
            "account_id",
            "product_id",
            pl.col("close_date").cast(pl.Date).alias("date"),
            pl.col("close_value").cast(pl.Float64).alias("amount"),
            pl.lit("won").alias("source"),
        )
    )
    return Book(
        accounts=accounts,
        products=products,
        revenue=revenue,
        opportunities=empty(OPPORTUNITIES_SCHEMA),
        overrides=empty(OVERRIDES_SCHEMA),
    )


def report(label: str, book: Book, as_of: dt.date, horizon: int) -> None:
    """One evaluation line per level × window."""
    for level in ("product", "family"):
        for window in (12, None):
            config = AnalysisConfig(as_of=as_of, window_months=window, level=level)
            began = time.perf_counter()
            r = evaluate_holdout(book, config, horizon_months=horizon)
            took = time.perf_counter() - began
            look, pop = r["lookalike"], r["popularity"]
            print(
                f"{label:<6} {level:<7} window={window or 'all':<3} cutoff={r['cutoff']} "
                f"evaluated={r['accounts_evaluated']:>4}/{r['accounts']:<4} "
                f"new={r['new_purchases']:>4}  "
                f"look-alike hit@3={_pct(look['hit_rate_at_3'])} "
                f"p@3={_pct(look['precision_at_3'])} r@3={_pct(look['recall_at_3'])}  "
                f"popularity hit@3={_pct(pop['hit_rate_at_3'])} "
                f"p@3={_pct(pop['precision_at_3'])} r@3={_pct(pop['recall_at_3'])}  "
                f"lift={r['hit_rate_lift_points']} pts  ({took:.2f} s)"
            )


def seeds_summary(seeds: list[int], as_of: dt.date, scale: float, horizon: int) -> None:
    """Hit rate@3, look-alike vs popularity, over several demo seeds (window 12), with the mean."""
    for level in ("product", "family"):
        lifts: list[float] = []
        for seed in seeds:
            book = demo_book(seed, as_of, scale)
            config = AnalysisConfig(as_of=as_of, level=level)
            r = evaluate_holdout(book, config, horizon_months=horizon)
            lifts.append(r["hit_rate_lift_points"])
            look = r["lookalike"]["hit_rate_at_3"]
            print(
                f"seed {seed:<4} {level:<7} look-alike hit@3={_pct(look)}"
                f"  popularity hit@3={_pct(r['popularity']['hit_rate_at_3'])}"
                f"  lift={r['hit_rate_lift_points']:+.1f} pts"
            )
        print(f"mean lift over {len(seeds)} seeds, {level}: {sum(lifts) / len(lifts):+.1f} pts")


def _pct(value: float | None) -> str:
    return "  n/a" if value is None else f"{100 * value:5.1f}%"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 6, 30))
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--horizon", type=int, default=12)
    parser.add_argument("--maven", type=Path, default=MAVEN_DIR)
    parser.add_argument("--seeds", help="comma-separated demo seeds: print only a summary")
    args = parser.parse_args(argv)
    if args.seeds:
        seeds = [int(s) for s in args.seeds.split(",")]
        seeds_summary(seeds, args.as_of, args.scale, args.horizon)
        return
    book = demo_book(args.seed, args.as_of, args.scale)
    print(
        f"demo book: seed {args.seed}, as of {args.as_of}, {book.accounts.height} accounts, "
        f"{book.products.height} products, {book.revenue.height} revenue rows"
    )
    report("demo", book, args.as_of, args.horizon)
    if (args.maven / "accounts.csv").exists():
        maven = maven_book(args.maven)
        print(
            f"maven sample: as of 2017-12-31, {maven.accounts.height} accounts, "
            f"{maven.revenue.height} won deals, horizon 6 months (the data spans 15 months)"
        )
        report("maven", maven, dt.date(2017, 12, 31), 6)


if __name__ == "__main__":
    main(sys.argv[1:])

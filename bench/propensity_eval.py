"""Bench: how well look-alike propensity ranks, on held-out history, against a popularity baseline.

Usage: .venv/bin/python bench/propensity_eval.py [--seed 42] [--as-of 2026-06-30] [--scale 1]
           [--horizon 12] [--maven DIR] [--seeds 1,2,3]   (--seeds: a summary over demo seeds)
           [--synthetic 10000,100000]   (hit rates on synthetic books of those sizes)
           [--timing 10000,100000,1000000]   (time and peak memory of ``propensity()``)

Builds two books without a database:
- the demo book, from ``accountplan.demo.generator.generate_book`` (plain rows): revenue = won
  deals by close date + purchase lines by order date, exactly what the loader reads;
- the Maven CRM sample (as of 2017-12-31): won deals by close date as revenue, accounts by name,
  products by name with spaces normalised (the pipeline's ``GTXPro`` is ``GTX Pro``).
Then runs ``evaluate_holdout`` for each level and window and prints one line per run.

The demo generator is slow past a few thousand accounts, so ``--synthetic`` and ``--timing`` use
``synthetic_book``: a deterministic book (NumPy, from the bench extra) where buying follows the
industry, so look-alikes matter. ``--timing`` writes each book to Parquet and measures
``propensity()`` (ownership included) in a fresh process: wall and CPU seconds, and peak memory
above what the loaded book takes (``resource.getrusage``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import re
import resource
import subprocess
import sys
import tempfile
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
from accountplan.analytics.propensity import evaluate_holdout, propensity

MAVEN_DIR = Path(__file__).resolve().parents[1] / "samples" / "maven-crm"


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


INDUSTRIES = ("Banking", "Retail", "Mining", "Health", "Software", "Logistics", "Energy")
INDUSTRIES += ("Insurance", "Telecom", "Education", "Media", "Public sector")
WORDS = ("Alpine", "Blue", "Cedar", "Delta", "Ember", "Falcon", "Granite", "Harbor", "Iris")
WORDS += ("Juniper", "Kestrel", "Lumen", "Maple", "Nova", "Orchid", "Pioneer", "Quartz", "River")


def synthetic_book(
    n_accounts: int,
    seed: int = 7,
    as_of: dt.date = dt.date(2026, 6, 30),
    n_items: int = 100,
    draws: float = 13.0,
) -> Book:
    """A deterministic book with buying that look-alikes can learn: 12 industries; 40 buying
    profiles, each industry buying through 4 of them; each profile favours 12 of the items
    (on top of a Zipf popularity); sizes follow the profile. Each account draws Poisson(draws)
    purchases of its profile (about 7 distinct items for draws = 13), each first bought up to
    900 days before ``as_of`` and renewed yearly: what was first bought in the last year is the
    held-out "new" purchase."""
    import numpy as np  # the bench extra

    rng = np.random.default_rng(seed)
    # The market first (the same whatever the number of accounts), then the accounts.
    n_ind, n_prof = len(INDUSTRIES), 40
    profiles_of = rng.integers(0, n_prof, (n_ind, 4))
    profile_size = rng.uniform(1.5, 4.5, n_prof)
    popularity = 1.0 / np.arange(1, n_items + 1) ** 0.8
    weight = np.tile(popularity * 0.15, (n_prof, 1))
    for p in range(n_prof):
        favourite = rng.choice(n_items, 12, replace=False)
        weight[p, favourite] += popularity[favourite] * rng.uniform(3, 30, 12)
    cdf = np.cumsum(weight / weight.sum(axis=1, keepdims=True), axis=1)
    industry = rng.integers(0, n_ind, n_accounts)
    profile = profiles_of[industry, rng.integers(0, 4, n_accounts)]
    log_size = profile_size[profile] + rng.normal(0, 0.5, n_accounts)
    count = np.clip(rng.poisson(draws, n_accounts), 1, n_items)
    account = np.repeat(np.arange(n_accounts), count)
    u = rng.random(account.size)
    item = np.empty(account.size, dtype=np.int64)
    of_draw = profile[account]
    for p in range(n_prof):
        sel = of_draw == p
        item[sel] = np.minimum(np.searchsorted(cdf[p], u[sel]), n_items - 1)
    pair = np.unique(account * n_items + item)
    account, item = pair // n_items, pair % n_items
    age = rng.integers(0, 900, account.size)  # days since the first purchase
    times = 1 + age // 365  # the first purchase and its yearly renewals
    row = np.repeat(np.arange(account.size), times)
    nth = np.arange(row.size) - np.repeat(np.cumsum(times) - times, times)
    accounts = pl.DataFrame(
        {
            "account_id": np.arange(1, n_accounts + 1, dtype=np.int64),
            "word": np.array(WORDS)[rng.integers(0, len(WORDS), n_accounts)],
            "number": rng.permutation(n_accounts),
            "industry": np.array(INDUSTRIES)[industry],
            "employees": np.maximum(1, np.round(10**log_size)).astype(np.int64),
        }
    ).select(
        "account_id",
        pl.concat_str("word", pl.col("number").cast(pl.String).str.zfill(7), separator=" ").alias(
            "account_name"
        ),
        "industry",
        "employees",
    )
    products = pl.DataFrame(
        {
            "product_id": np.arange(1, n_items + 1, dtype=np.int64),
            "external_id": [f"P{i:03d}" for i in range(1, n_items + 1)],
            "product_name": [f"Product {i}" for i in range(1, n_items + 1)],
            "family": [f"Family {i % 12}" for i in range(1, n_items + 1)],
        }
    )
    revenue = pl.DataFrame(
        {
            "account_id": account[row] + 1,
            "product_id": item[row] + 1,
            "days": age[row] - 365 * nth,
            "amount": np.round(rng.lognormal(8, 1, row.size), 2),
        }
    ).select(
        "account_id",
        "product_id",
        (pl.lit(as_of) - pl.duration(days=pl.col("days"))).cast(pl.Date).alias("date"),
        "amount",
        pl.lit("purchase").alias("source"),
    )
    return Book(
        accounts=accounts.cast(_subset(ACCOUNTS_SCHEMA, accounts.columns)),
        products=products.cast(_subset(PRODUCTS_SCHEMA, products.columns)),
        revenue=revenue.cast(_subset(REVENUE_SCHEMA, revenue.columns)),
        opportunities=empty(OPPORTUNITIES_SCHEMA),
        overrides=empty(OVERRIDES_SCHEMA),
    )


def synthetic_report(sizes: list[int], as_of: dt.date, horizon: int) -> None:
    """Hit rates on synthetic books of ``sizes`` accounts (product level, both windows)."""
    for size in sizes:
        book = synthetic_book(size, as_of=as_of)
        report(f"syn{size // 1000}k", book, as_of, horizon, levels=("product",))


def timing(sizes: list[int], as_of: dt.date) -> None:
    """Time and peak memory of ``propensity()`` on synthetic books, each in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            folder = Path(tmp) / str(size)
            folder.mkdir()
            book = synthetic_book(size, as_of=as_of)
            for name in ("accounts", "products", "revenue"):
                getattr(book, name).write_parquet(folder / f"{name}.parquet")
            del book
            gc.collect()
            child = [sys.executable, __file__, "--child-timing", str(folder)]
            subprocess.run([*child, "--as-of", as_of.isoformat()], check=True)


def child_timing(folder: Path, as_of: dt.date) -> None:
    """One ``--timing`` measurement (run by ``timing`` in a fresh process)."""
    book = Book(
        accounts=pl.read_parquet(folder / "accounts.parquet"),
        products=pl.read_parquet(folder / "products.parquet"),
        revenue=pl.read_parquet(folder / "revenue.parquet"),
        opportunities=empty(OPPORTUNITIES_SCHEMA),
        overrides=empty(OVERRIDES_SCHEMA),
    )
    gc.collect()
    config = AnalysisConfig(as_of=as_of)
    before = _rss_mb()
    used = resource.getrusage(resource.RUSAGE_SELF)
    began = time.perf_counter()
    result = propensity(book, config)
    took = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_SELF)
    peak = after.ru_maxrss / 1024 - before
    cpu = after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime
    print(
        f"propensity() {book.accounts.height:>9,} accounts  {book.revenue.height:>10,} revenue rows"
        f"  {_owned_pairs(result):>9,} owned pairs  {took:6.1f} s (CPU {cpu:.1f} s)"
        f"  peak +{peak:,.0f} MB  ({result.lookalikes.height:,} look-alikes,"
        f" {result.candidates.height:,} candidates)",
        flush=True,
    )


def _owned_pairs(result: Any) -> int:
    """Owned (account, item) pairs: Σ owners over items."""
    return int(result.base_rate.get_column("owners").sum())


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def report(
    label: str,
    book: Book,
    as_of: dt.date,
    horizon: int,
    levels: tuple[str, ...] = ("product", "family"),
) -> None:
    """One evaluation line per level × window."""
    for level in levels:
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
    parser.add_argument("--synthetic", help="comma-separated sizes: hit rates on synthetic books")
    parser.add_argument("--timing", help="comma-separated sizes: time and memory of propensity()")
    parser.add_argument("--child-timing", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_timing:
        child_timing(args.child_timing, args.as_of)
        return
    if args.synthetic or args.timing:
        if args.synthetic:
            synthetic_report([int(n) for n in args.synthetic.split(",")], args.as_of, args.horizon)
        if args.timing:
            timing([int(n) for n in args.timing.split(",")], args.as_of)
        return
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

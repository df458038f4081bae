"""The methodology in plain pandas, as an analyst would write it: a reference for the bench.

Usage: .venv/bin/python bench/pandas_ref.py BOOK_DIR [--as-of 2025-12-31]

Reads the Parquet files of a generated book (bench/bookgen.py) and computes, product level,
12-month window (docs/methodology.md): cell revenue R in the window and the previous one (won
deals with a product by close date, purchase lines by order date), peers and potential P, cell
state, white space W, the account figures, percentile ranks, the potential score (white space 30,
growth 20, share-of-wallet gap 15: the book has no satisfaction and no ICP is configured), the
grid plays and the tiers. The cell table is dense (every account × every product), the way a
pivot-minded analyst builds it. Prints timings, a summary (totals, tier and play counts, to compare
with the app's run) and the peak memory as JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

WINDOW_MONTHS = 12
MIN_PEERS = 5
FULL_SHARE = 0.8
WEIGHTS = {"whitespace_value": 30.0, "growth": 20.0, "share_of_wallet_gap": 15.0}
TIER1, TIER2 = 90.0, 60.0


def percentile_rank(values: pd.Series) -> pd.Series:
    """100 × (average rank among ties − 1) / (n − 1) over the non-null values; 50 when n = 1."""
    n = values.count()
    if n == 1:
        return values.where(values.isna(), 50.0)
    return (values.rank(method="average") - 1.0) * 100.0 / (n - 1.0)


def read_revenue(folder: Path) -> pd.DataFrame:
    """account_id, product_id, date, amount: purchase lines plus won deals with a product."""
    lines = pd.read_parquet(
        folder / "purchase_lines.parquet", columns=["account_id", "product_id", "date", "amount"]
    )
    opps = pd.read_parquet(
        folder / "opportunities.parquet",
        columns=["account_id", "product_id", "status", "amount", "close_date"],
    )
    won = opps[
        (opps["status"] == "won")
        & opps["product_id"].notna()
        & opps["amount"].notna()
        & opps["close_date"].notna()
    ]
    won = won.rename(columns={"close_date": "date"})[["account_id", "product_id", "date", "amount"]]
    revenue = pd.concat([lines, won.astype({"product_id": "int64"})], ignore_index=True)
    revenue["date"] = pd.to_datetime(revenue["date"])
    return revenue


def cell_revenue(revenue: pd.DataFrame, as_of: dt.date) -> tuple[pd.Series, pd.Series]:
    """R per (account, product) in the current and the previous 12-month window."""
    end = pd.Timestamp(as_of)
    start = end - pd.DateOffset(months=WINDOW_MONTHS)  # clamps the day, as the method says
    previous_start = end - pd.DateOffset(months=2 * WINDOW_MONTHS)
    keys = ["account_id", "product_id"]
    current = revenue[(revenue["date"] > start) & (revenue["date"] <= end)]
    previous = revenue[(revenue["date"] > previous_start) & (revenue["date"] <= start)]
    return (
        current.groupby(keys)["amount"].sum(),
        previous.groupby(keys)["amount"].sum(),
    )


def analyze(folder: Path, as_of: dt.date, timings: dict[str, float]) -> pd.DataFrame:
    """Every account's figures, score, play and tier."""
    mark = time.perf_counter()
    accounts = pd.read_parquet(
        folder / "accounts.parquet", columns=["id", "industry", "employees"]
    ).set_index("id")
    products = pd.read_parquet(folder / "products.parquet", columns=["id"])
    revenue = read_revenue(folder)
    timings["read_s"] = time.perf_counter() - mark

    mark = time.perf_counter()
    current, previous = cell_revenue(revenue, as_of)
    del revenue
    timings["cell_revenue_s"] = time.perf_counter() - mark

    mark = time.perf_counter()
    grid = pd.MultiIndex.from_product(
        [accounts.index, products["id"]], names=["account_id", "product_id"]
    )
    cells = pd.DataFrame(
        {
            "R": current.reindex(grid, fill_value=0.0),
            "previous": previous.reindex(grid, fill_value=0.0),
        }
    ).reset_index()
    industry = accounts["industry"].replace("", np.nan)
    size = accounts["employees"].where(accounts["employees"] > 0)
    cells["industry"] = cells["account_id"].map(industry)
    cells["size"] = cells["account_id"].map(size)

    buyers = cells[(cells["R"] > 0) & cells["size"].notna()].copy()
    buyers["rate"] = buyers["R"] / buyers["size"]
    by_industry = buyers.groupby(["industry", "product_id"])["rate"].agg(["count", "median"])
    by_product = buyers.groupby("product_id")["rate"].agg(["count", "median"])
    cells = cells.join(by_industry.add_prefix("ind_"), on=["industry", "product_id"])
    cells = cells.join(by_product.add_prefix("all_"), on="product_id")
    enough = cells["ind_count"] >= MIN_PEERS
    rate = cells["ind_median"].where(enough, cells["all_median"])
    cells["P"] = rate * cells["size"]
    cells["state"] = np.select(
        [cells["R"] <= 0, cells["P"].notna() & (cells["R"] >= FULL_SHARE * cells["P"])],
        ["none", "full"],
        default="partial",
    )
    cells["W"] = (cells["P"] - cells["R"]).clip(lower=0)  # NaN when P is unknown
    cells["wallet"] = np.where(cells["P"].isna(), cells["R"], np.maximum(cells["P"], cells["R"]))
    timings["potential_s"] = time.perf_counter() - mark

    mark = time.perf_counter()
    figures = cells.groupby("account_id").agg(
        current_revenue=("R", "sum"),
        previous_revenue=("previous", "sum"),
        whitespace_value=("W", "sum"),  # an unknown W counts 0
        wallet=("wallet", "sum"),
    )
    del cells
    cr, prev, wallet = figures["current_revenue"], figures["previous_revenue"], figures["wallet"]
    figures["share_of_wallet"] = (cr / wallet).where(wallet > 0)
    figures["share_of_wallet_gap"] = 1.0 - figures["share_of_wallet"]
    figures["growth"] = ((cr - prev) / prev).where(prev > 0)

    numerator = pd.Series(0.0, index=figures.index)
    denominator = pd.Series(0.0, index=figures.index)
    for attribute, weight in WEIGHTS.items():
        pct = percentile_rank(figures[attribute])
        numerator += (weight * pct).fillna(0.0)
        denominator += np.where(pct.notna(), weight, 0.0)
    figures["potential_score"] = (numerator / denominator).where(denominator > 0)

    high_revenue = cr >= cr.median()
    score = figures["potential_score"]
    high_potential = score >= score.median()
    figures["play"] = np.select(
        [
            score.isna(),
            high_potential & high_revenue,
            high_potential,
            high_revenue,
        ],
        ["", "Expand", "Penetrate", "Nurture"],
        default="Manage",
    )
    figures["value"] = cr + figures["whitespace_value"]
    figures["value_percentile"] = percentile_rank(figures["value"])
    p = figures["value_percentile"]
    figures["tier"] = np.select([p >= TIER1, p >= TIER2], [1, 2], default=3)
    timings["accounts_s"] = time.perf_counter() - mark
    return figures


def summary(figures: pd.DataFrame) -> dict[str, Any]:
    """Totals and counts to compare with other implementations."""
    return {
        "accounts": len(figures),
        "current_revenue": round(float(figures["current_revenue"].sum()), 2),
        "previous_revenue": round(float(figures["previous_revenue"].sum()), 2),
        "whitespace_value": round(float(figures["whitespace_value"].sum()), 2),
        "wallet": round(float(figures["wallet"].sum()), 2),
        "mean_score": round(float(figures["potential_score"].mean()), 4),
        "tiers": {str(k): int(v) for k, v in figures["tier"].value_counts().sort_index().items()},
        "plays": {
            str(k): int(v) for k, v in figures["play"].value_counts().sort_index().items() if k
        },
    }


def app_summary(accounts: Any) -> dict[str, Any] | None:
    """The same figures as :func:`summary`, from the app's accounts frame (Polars)."""
    try:
        col = accounts.get_column
        return {
            "accounts": accounts.height,
            "current_revenue": round(float(col("current_revenue").sum()), 2),
            "previous_revenue": round(float(col("previous_revenue").fill_null(0).sum()), 2),
            "whitespace_value": round(float(col("whitespace_value").sum()), 2),
            "wallet": round(float(col("wallet").sum()), 2),
            "mean_score": round(float(col("potential_score").mean()), 4),
            "tiers": {str(k): n for k, n in accounts.group_by("tier").len().sort("tier").rows()},
            "plays": {k: n for k, n in accounts.group_by("play").len().sort("play").rows() if k},
        }
    except Exception as exc:  # the result's shape is the app's business; report, don't fail
        return {"error": f"{type(exc).__name__}: {exc}"}


def run(folder: Path, as_of: dt.date) -> dict[str, Any]:
    """Compute and return timings, the summary and the peak memory."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    figures = analyze(folder, as_of, timings)
    total = time.perf_counter() - started
    return {
        "total_s": round(total, 3),
        "steps": {k: round(v, 3) for k, v in timings.items()},
        "summary": summary(figures),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("book", type=Path)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
    args = parser.parse_args()
    as_of = args.as_of
    if as_of is None:
        meta = json.loads((args.book / "meta.json").read_text(encoding="utf-8"))
        as_of = dt.date.fromisoformat(meta["as_of"])
    print(json.dumps(run(args.book, as_of)))


if __name__ == "__main__":
    main()

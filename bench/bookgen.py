"""A deterministic synthetic book of business at any size, written as CSV and Parquet.

Usage: .venv/bin/python bench/bookgen.py ACCOUNTS [--seed 7] [--as-of 2025-12-31] [--out DIR]

Writes ``accounts``, ``products``, ``purchase_lines`` and ``opportunities`` (one ``.csv`` and one
``.parquet`` each) and ``meta.json`` (written last: a folder without it is incomplete). The ids
(``id``, ``account_id``, ``product_id``) are the database primary keys the bench loads them with;
the other columns carry the importer's field names.

The shape of the book:

- 100 products in 15 families of uneven size, list prices log-normal;
- 15 industries of uneven size (plus 2 % of accounts with none), three segments by size, six
  territories and their countries; employees log-normal, 6 % unknown and 0.5 % zero;
- every industry has its own product affinity, and spend grows with size, so peers and look-alikes
  matter; 8 % of accounts are prospects that never bought;
- about 20 purchase lines per account over the 36 months up to the as-of date, each account buying
  from a small basket; 40 % of lines are at list price × a whole quantity, so equal amounts recur,
  and 0.3 % are credit notes (negative);
- about 2 opportunities per account: 30 % open, 40 % won, 30 % lost; 75 % name a product.

Accounts are generated in chunks of 100,000 with a generator seeded by (seed, chunk), each chunk
written out before the next, so memory stays flat whatever the size and the output depends only
on (accounts, seed, as-of).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import time
from pathlib import Path

import numpy as np
import polars as pl

CHUNK = 100_000
#: Bumped whenever the shape of the book changes, so cached books are regenerated.
VERSION = 2
N_PRODUCTS = 100
N_FAMILIES = 15
N_INDUSTRIES = 15
LINES_PER_ACCOUNT = 20.0
OPPS_PER_ACCOUNT = 2.0
PROSPECT_SHARE = 0.08
TABLES = ("accounts", "products", "purchase_lines", "opportunities")

INDUSTRIES = (
    "Manufacturing", "Retail", "Financial Services", "Healthcare", "Technology", "Construction",
    "Transportation", "Education", "Energy", "Hospitality", "Telecommunications", "Insurance",
    "Media", "Agriculture", "Government",
)  # fmt: skip
TERRITORIES: dict[str, tuple[str, ...]] = {
    "North America": ("United States", "Canada", "Mexico"),
    "EMEA North": ("United Kingdom", "Germany", "Netherlands", "Sweden", "Denmark"),
    "EMEA South": ("France", "Spain", "Italy", "Portugal", "South Africa"),
    "APAC": ("Japan", "Australia", "Singapore", "India"),
    "LATAM": ("Brazil", "Argentina", "Chile"),
    "Middle East": ("United Arab Emirates", "Saudi Arabia"),
}
TERRITORY_WEIGHTS = (0.38, 0.2, 0.16, 0.14, 0.08, 0.04)
OPEN_STAGES = ("Prospecting", "Qualification", "Proposal", "Negotiation")
OPP_TYPES = ("new", "upsell", "cross_sell", "renewal", "")


def _zipf(n: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return weights / weights.sum()


class Catalog:
    """What every chunk shares: products, industry weights and each industry's product affinity."""

    def __init__(self, seed: int) -> None:
        rng = np.random.default_rng([seed, 999_999])
        family_sizes = rng.multinomial(N_PRODUCTS - N_FAMILIES, _zipf(N_FAMILIES, 0.8)) + 1
        self.family = np.repeat(np.arange(N_FAMILIES), family_sizes)
        self.list_price = np.round(np.exp(rng.normal(np.log(1500.0), 1.1, N_PRODUCTS)), 0) + 0.99
        popularity = rng.permutation(_zipf(N_PRODUCTS, 0.7))
        # each industry concentrates on some products: peers buy alike
        self.affinity = np.stack(
            [rng.dirichlet(popularity * 60.0) for _ in range(N_INDUSTRIES)]
            + [popularity]  # accounts without an industry buy by overall popularity
        )
        self.cumulative = np.cumsum(self.affinity, axis=1)
        self.cumulative[:, -1] = 1.0
        self.industry_weights = _zipf(N_INDUSTRIES, 0.9)
        self.industry_spend = np.exp(rng.normal(0.0, 0.35, N_INDUSTRIES + 1))

    def products(self) -> pl.DataFrame:
        ids = np.arange(1, N_PRODUCTS + 1)
        return pl.DataFrame(
            {
                "id": ids,
                "external_id": [f"P{i:03d}" for i in ids],
                "name": [f"Product {i:03d}" for i in ids],
                "family": [f"Family {chr(65 + f)}" for f in self.family],
                "list_price": self.list_price,
            }
        )

    def draw_products(self, rng: np.random.Generator, industry: np.ndarray) -> np.ndarray:
        """One product index (0-based) per entry, drawn from its industry's affinity."""
        u = rng.random(len(industry))
        out = np.empty(len(industry), dtype=np.int64)
        for ind in range(N_INDUSTRIES + 1):
            mask = industry == ind
            out[mask] = np.searchsorted(self.cumulative[ind], u[mask], side="right")
        return np.minimum(out, N_PRODUCTS - 1)


def _days(as_of: dt.date, offsets: np.ndarray) -> pl.Series:
    """as_of + offsets (days) as a Date series."""
    base = (as_of - dt.date(1970, 1, 1)).days
    return pl.Series((base + offsets).astype(np.int32)).cast(pl.Date)


def _ids(prefix: str, ids: np.ndarray, width: int) -> pl.Expr:
    return pl.lit(prefix) + pl.Series(ids).cast(pl.String).str.zfill(width)


def _chunk(
    cat: Catalog, seed: int, index: int, first_id: int, n: int, as_of: dt.date, counters: list[int]
) -> dict[str, pl.DataFrame]:
    rng = np.random.default_rng([seed, index])
    ids = np.arange(first_id, first_id + n, dtype=np.int64)
    industry = rng.choice(N_INDUSTRIES, size=n, p=cat.industry_weights)
    industry[rng.random(n) < 0.02] = N_INDUSTRIES  # no industry
    employees = np.clip(np.round(np.exp(rng.normal(np.log(150.0), 1.6, n))), 1, 300_000)
    size_draw = rng.random(n)
    employees[size_draw < 0.005] = 0
    unknown = size_draw > 0.94
    effective = np.where(unknown | (employees == 0), 150.0, employees)
    seg_index = np.where(effective < 100, 0, np.where(effective < 1000, 1, 2))
    seg_index[unknown] = rng.integers(0, 3, int(unknown.sum()))
    territory = rng.choice(len(TERRITORIES), size=n, p=TERRITORY_WEIGHTS)
    country_pick = rng.random(n)
    prospect = rng.random(n) < PROSPECT_SHARE
    names = list(TERRITORIES)
    per_territory = np.array([len(TERRITORIES[t]) for t in names])
    first_country = np.concatenate([[0], np.cumsum(per_territory)[:-1]])
    country = first_country[territory] + (country_pick * per_territory[territory]).astype(np.int64)
    all_countries = pl.Series([c for t in names for c in TERRITORIES[t]])
    accounts = pl.DataFrame(
        {
            "id": ids,
            "industry": pl.Series([*INDUSTRIES, ""])[industry],
            "segment": pl.Series(["SMB", "Mid-Market", "Enterprise"])[seg_index],
            "territory": pl.Series(names)[territory],
            "country": all_countries[country],
            "employees": pl.Series(employees.astype(np.int64)),
            "status": np.where(prospect, "prospect", "customer"),
        }
    ).with_columns(
        _ids("A", ids, 8).alias("external_id"),
        _ids("Account ", ids, 8).alias("name"),
        pl.when(pl.Series(unknown)).then(None).otherwise(pl.col("employees")).alias("employees"),
    )

    # purchase lines: each account buys from a basket that grows with its size
    scale = (effective / 150.0) ** 0.25
    lam = LINES_PER_ACCOUNT / (1.0 - PROSPECT_SHARE) / 1.083 * scale
    n_lines = np.where(prospect, 0, rng.poisson(lam))
    k = np.minimum(1 + rng.poisson(1.5 + 1.2 * np.log10(effective)), 25)
    basket_start = np.concatenate([[0], np.cumsum(k)[:-1]])
    basket = cat.draw_products(rng, np.repeat(industry, k))
    acc = np.repeat(np.arange(n), n_lines)
    m = len(acc)
    slot = basket_start[acc] + (rng.random(m) * k[acc]).astype(np.int64)
    product = basket[slot]
    account_spend = cat.industry_spend[industry] * effective**0.5  # typical quantity
    spend = account_spend[acc]
    quantity = np.maximum(1.0, np.round(np.exp(rng.normal(np.log1p(spend), 0.5))))
    at_list = rng.random(m) < 0.4
    discount = np.where(at_list, 1.0, rng.uniform(0.6, 1.0, m))
    amount = np.round(cat.list_price[product] * discount * quantity, 2)
    amount[rng.random(m) < 0.003] *= -1.0  # credit notes
    growth = np.exp(rng.normal(0.0, 0.3, n))[acc]  # > 1: buying more lately
    offsets = -np.floor(1096.0 * rng.random(m) ** growth).astype(np.int64)
    offsets = np.maximum(offsets, -1095)
    line_ids = np.arange(counters[0] + 1, counters[0] + m + 1, dtype=np.int64)
    counters[0] += m
    lines = pl.DataFrame(
        {
            "id": line_ids,
            "account_id": ids[acc],
            "product_id": product + 1,
            "date": _days(as_of, offsets),
            "quantity": quantity,
            "amount": amount,
        }
    )

    # opportunities: open / won / lost, most naming a product of the basket
    n_opps = rng.poisson(OPPS_PER_ACCOUNT, n)
    oacc = np.repeat(np.arange(n), n_opps)
    o = len(oacc)
    status_i = rng.choice(3, size=o, p=(0.3, 0.4, 0.3))
    from_basket = basket_start[oacc] + (rng.random(o) * k[oacc]).astype(np.int64)
    oproduct = np.where(
        rng.random(o) < 0.6, basket[from_basket], cat.draw_products(rng, industry[oacc])
    )
    has_product = rng.random(o) < 0.75
    oqty = np.maximum(1.0, np.round(np.exp(rng.normal(np.log1p(2 * account_spend[oacc]), 0.6))))
    oamount = np.round(cat.list_price[oproduct] * oqty * rng.choice([1.0, 0.9, 0.8], o), 2)
    close = np.where(status_i == 0, rng.integers(1, 181, o), -rng.integers(0, 1096, o)).astype(
        np.int64
    )
    created = close - rng.integers(10, 181, o)
    opp_ids = np.arange(counters[1] + 1, counters[1] + o + 1, dtype=np.int64)
    counters[1] += o
    stage_open = np.array(OPEN_STAGES)[rng.integers(0, len(OPEN_STAGES), o)]
    opps = pl.DataFrame(
        {
            "id": opp_ids,
            "account_id": ids[oacc],
            "product_id": pl.Series(np.where(has_product, oproduct + 1, 0)),
            "type": np.array(OPP_TYPES)[rng.integers(0, len(OPP_TYPES), o)],
            "stage": np.where(
                status_i == 0, stage_open, np.where(status_i == 1, "Closed Won", "Closed Lost")
            ),
            "status": np.array(["open", "won", "lost"])[status_i],
            "amount": pl.Series(oamount),
            "created_date": _days(as_of, created),
            "close_date": _days(as_of, close),
        }
    ).with_columns(
        _ids("O", opp_ids, 9).alias("external_id"),
        _ids("Opportunity ", opp_ids, 9).alias("name"),
        pl.when(pl.col("product_id") == 0).then(None).otherwise("product_id").alias("product_id"),
        pl.when(pl.Series(rng.random(o) < 0.03)).then(None).otherwise("amount").alias("amount"),
    )
    return {"accounts": accounts, "purchase_lines": lines, "opportunities": opps}


ORDER: dict[str, tuple[str, ...]] = {
    "accounts": (
        "id", "external_id", "name", "industry", "segment", "territory", "country", "employees",
        "status",
    ),
    "products": ("id", "external_id", "name", "family", "list_price"),
    "purchase_lines": ("id", "account_id", "product_id", "date", "quantity", "amount"),
    "opportunities": (
        "id", "external_id", "account_id", "product_id", "name", "type", "stage", "status",
        "amount", "created_date", "close_date",
    ),
}  # fmt: skip


def book_dir(root: Path, accounts: int, seed: int) -> Path:
    """Where the book of this size and seed is cached under ``root``."""
    return root / f"book-{accounts}-s{seed}"


def generate(accounts: int, out: Path, *, seed: int = 7, as_of: dt.date) -> dict[str, object]:
    """Write the book into ``out`` (replacing it) and return its meta (also in meta.json)."""
    started = time.perf_counter()
    if out.exists():
        shutil.rmtree(out)
    parts = out / "_parts"
    parts.mkdir(parents=True)
    cat = Catalog(seed)
    counters = [0, 0]
    handles = {t: (out / f"{t}.csv").open("wb") for t in TABLES}
    products = cat.products().select(ORDER["products"])
    products.write_csv(handles["products"])
    products.write_parquet(out / "products.parquet")
    rows = {"products": products.height, "accounts": 0, "purchase_lines": 0, "opportunities": 0}
    try:
        for index, first in enumerate(range(0, accounts, CHUNK)):
            n = min(CHUNK, accounts - first)
            frames = _chunk(cat, seed, index, first + 1, n, as_of, counters)
            for table, frame in frames.items():
                frame = frame.select(ORDER[table])
                frame.write_csv(handles[table], include_header=index == 0, float_precision=2)
                frame.write_parquet(parts / f"{table}-{index:05d}.parquet")
                rows[table] += frame.height
            del frames
    finally:
        for handle in handles.values():
            handle.close()
    for table in ("accounts", "purchase_lines", "opportunities"):
        pl.scan_parquet(sorted(parts.glob(f"{table}-*.parquet"))).sink_parquet(
            out / f"{table}.parquet"
        )
    shutil.rmtree(parts)
    meta: dict[str, object] = {
        "version": VERSION,
        "accounts": accounts,
        "seed": seed,
        "as_of": as_of.isoformat(),
        "rows": rows,
        "seconds": round(time.perf_counter() - started, 2),
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return meta


def cached(
    accounts: int, root: Path, *, seed: int, as_of: dt.date
) -> tuple[Path, dict[str, object]]:
    """The folder for (accounts, seed), generated unless a complete one for this as-of exists."""
    folder = book_dir(root, accounts, seed)
    meta_file = folder / "meta.json"
    if meta_file.exists():
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if meta.get("as_of") == as_of.isoformat() and meta.get("version") == VERSION:
            return folder, {**meta, "cached": True}
    return folder, generate(accounts, folder, seed=seed, as_of=as_of)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("accounts", type=int)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2025, 12, 31))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or book_dir(Path("bench/out"), args.accounts, args.seed)
    meta = generate(args.accounts, out, seed=args.seed, as_of=args.as_of)
    print(json.dumps(meta, indent=2))


if __name__ == "__main__":
    main()

"""Look-alike propensity on tiny hand-built books where the answer is obvious, and against a
brute-force computation of the same formulas."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any, Literal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
from accountplan.analytics.propensity import (
    Propensity,
    PropensityParams,
    evaluate_holdout,
    item_keys,
    lookalikes,
    minus_months,
    next_best,
    ownership,
    propensity,
    propensity_for,
    score_cells,
)

AS_OF = dt.date(2024, 12, 31)
IN_WINDOW = dt.date(2024, 6, 1)
NO_SMOOTHING: dict[str, object] = {"propensity": {"smoothing": 0.0}}

# Products X, Y (family "Core"), Z (family "Edge"), W (no family, no external id).
PRODUCTS: list[tuple[int, str | None, str, str]] = [
    (1, "X", "Product X", "Core"),
    (2, "Y", "Product Y", "Core"),
]
PRODUCTS += [(3, "Z", "Product Z", "Edge"), (4, None, "Widget", "")]


def make_book(
    accounts: Sequence[tuple[int, str, str | None, int | None]],
    revenue: Sequence[tuple[int, int, dt.date, float]],
    products: Sequence[tuple[int, str | None, str, str]] = PRODUCTS,
    territories: dict[int, str] | None = None,
) -> Book:
    """accounts: (id, name, industry, employees); revenue: (account, product, date, amount)."""
    territories = territories or {}
    acc = pl.DataFrame(
        {
            "account_id": [a[0] for a in accounts],
            "account_name": [a[1] for a in accounts],
            "industry": [a[2] for a in accounts],
            "territory": [territories.get(a[0], "") for a in accounts],
            "employees": [a[3] for a in accounts],
        },
        schema={c: ACCOUNTS_SCHEMA[c] for c in ("account_id", "account_name", "industry")}
        | {"territory": pl.String, "employees": pl.Int64},
    )
    prods = pl.DataFrame(
        {
            "product_id": [p[0] for p in products],
            "external_id": [p[1] for p in products],
            "product_name": [p[2] for p in products],
            "family": [p[3] for p in products],
        },
        schema=PRODUCTS_SCHEMA,
    )
    rev = pl.DataFrame(
        {
            "account_id": [r[0] for r in revenue],
            "product_id": [r[1] for r in revenue],
            "date": [r[2] for r in revenue],
            "amount": [r[3] for r in revenue],
            "source": ["won"] * len(revenue),
        },
        schema=REVENUE_SCHEMA,
    )
    return Book(acc, prods, rev, empty(OPPORTUNITIES_SCHEMA), empty(OVERRIDES_SCHEMA))


def white_cells(book: Book, config: AnalysisConfig) -> pl.DataFrame:
    """Every account × item, state "none" where the account does not own it (as the core does)."""
    owned = ownership(book, config).with_columns(pl.lit(1.0).alias("current_revenue"))
    items = item_keys(book.products, config.level).select("item").unique().sort("item")
    return (
        book.accounts.select("account_id")
        .join(items, how="cross")
        .join(owned, on=["account_id", "item"], how="left")
        .with_columns(pl.col("current_revenue").fill_null(0.0))
        .with_columns(
            pl.when(pl.col("current_revenue") > 0)
            .then(pl.lit("partial"))
            .otherwise(pl.lit("none"))
            .alias("state")
        )
    )


def row(scored: pl.DataFrame, account_id: int, item: str) -> dict[str, Any]:
    rows = scored.filter((pl.col("account_id") == account_id) & (pl.col("item") == item))
    assert rows.height == 1, rows
    return rows.row(0, named=True)


# A and B (Retail, 100 staff) own X and Y; C (Retail, 100) owns Y only; D (Mining, a million
# staff: three orders of magnitude away) owns Z and shares nothing with anyone.
RETAIL = [(1, "Alpha Shops", "Retail", 100), (2, "Bravo Stores", "Retail", 100)]
RETAIL += [(3, "Charlie Mart", "Retail", 100)]
MINER = (4, "Delta Mining", "Mining", 1_000_000)
OWNED = [(1, 1), (1, 2), (2, 1), (2, 2), (3, 2), (4, 3)]


@pytest.fixture
def book() -> Book:
    return make_book([*RETAIL, MINER], [(a, p, IN_WINDOW, 100.0) for a, p in OWNED])


class TestLookalikes:
    def test_two_lookalikes_owning_x_make_x_certain_for_the_third(self, book: Book) -> None:
        config = AnalysisConfig(as_of=AS_OF, extra=NO_SMOOTHING)
        scored = score_cells(book, config, white_cells(book, config))
        x = row(scored, 3, "X")
        assert x["propensity"] == pytest.approx(1.0)
        assert x["lookalikes"] == ["Alpha Shops", "Bravo Stores"]
        assert x["lookalike_owners"] == 2

    def test_an_unrelated_account_is_no_lookalike(self, book: Book) -> None:
        config = AnalysisConfig(as_of=AS_OF)
        looks = lookalikes(book, config)
        assert looks.filter(pl.col("account_id") == 3).get_column("other_id").to_list() == [1, 2]
        assert looks.filter(pl.col("account_id") == 4).height == 0
        assert 4 not in looks.get_column("other_id").to_list()

    def test_similarity_follows_the_documented_formula(self, book: Book) -> None:
        config = AnalysisConfig(as_of=AS_OF)
        sims = {
            (r["account_id"], r["other_id"]): r["similarity"]
            for r in lookalikes(book, config).iter_rows(named=True)
        }
        # C owns {Y}; A owns {X, Y}: containment 1/1, same industry, same size.
        assert sims[(3, 1)] == pytest.approx(0.6 * 1 + 0.2 + 0.2)
        # A owns {X, Y}; C owns {Y}: containment 1/2.
        assert sims[(1, 3)] == pytest.approx(0.6 * 0.5 + 0.2 + 0.2)
        jac = AnalysisConfig(as_of=AS_OF, extra={"propensity": {"overlap": "jaccard"}})
        sims_j = {
            (r["account_id"], r["other_id"]): r["similarity"]
            for r in lookalikes(book, jac).iter_rows(named=True)
        }
        assert sims_j[(3, 1)] == pytest.approx(0.6 * 0.5 + 0.2 + 0.2)

    def test_size_closeness_is_log_scaled(self) -> None:
        accounts = [(1, "Ten", None, 10), (2, "Thousand", None, 1000), (3, "Unknown", None, None)]
        looks = lookalikes(make_book(accounts, []), AnalysisConfig(as_of=AS_OF))
        # Two orders of magnitude apart: 0.2 × (1 − 2/3); an unknown size adds nothing.
        assert looks.get_column("similarity").to_list() == pytest.approx([0.2 / 3, 0.2 / 3])
        assert set(looks.get_column("account_id")) == {1, 2}

    def test_an_account_without_lookalikes_gets_zero_without_smoothing(self, book: Book) -> None:
        config = AnalysisConfig(as_of=AS_OF, extra=NO_SMOOTHING)
        scored = score_cells(book, config, white_cells(book, config))
        assert row(scored, 4, "X")["propensity"] == 0.0
        assert row(scored, 4, "X")["lookalikes"] == []
        assert row(scored, 3, "Z")["propensity"] == 0.0

    def test_smoothing_adds_the_base_rate_as_one_more_lookalike(self, book: Book) -> None:
        config = AnalysisConfig(as_of=AS_OF)  # smoothing α = 1 by default
        scored = score_cells(book, config, white_cells(book, config))
        # C: look-alikes A and B (similarity 1 each) own X; X is owned by 2 of 4 accounts.
        assert row(scored, 3, "X")["propensity"] == pytest.approx((2 + 0.5) / (2 + 1))
        assert row(scored, 3, "Z")["propensity"] == pytest.approx((0 + 0.25) / (2 + 1))
        # D has no look-alike: its propensity is the base rate.
        assert row(scored, 4, "X")["propensity"] == pytest.approx(0.5)
        assert row(scored, 3, "X")["base_rate"] == pytest.approx(0.5)

    def test_a_lone_account_scores_zero(self) -> None:
        lone = make_book([(1, "Solo", "Retail", 50)], [])
        config = AnalysisConfig(as_of=AS_OF)
        scored = score_cells(lone, config, white_cells(lone, config))
        assert scored.height == 4
        assert scored.get_column("propensity").to_list() == [0.0] * 4

    def test_ties_go_to_the_name_whatever_the_row_order(self) -> None:
        accounts = [(7, "Zulu", "Retail", 100), (8, "Alpha", "Retail", 100)]
        accounts += [(9, "Mike", "Retail", 100)]
        revenue = [(7, 1, IN_WINDOW, 10.0), (8, 1, IN_WINDOW, 10.0)]
        config = AnalysisConfig(as_of=AS_OF, extra={"propensity": {"k": 1}})
        first = make_book(accounts, revenue)
        again = make_book(list(reversed(accounts)), list(reversed(revenue)))
        for book in (first, again):
            looks = lookalikes(book, config).filter(pl.col("account_id") == 9)
            assert looks.get_column("other_name").to_list() == ["Alpha"]
        wide = AnalysisConfig(as_of=AS_OF)
        a = score_cells(first, wide, white_cells(first, wide)).sort("account_id", "item")
        b = score_cells(again, wide, white_cells(again, wide)).sort("account_id", "item")
        assert a.equals(b)
        assert row(a, 9, "X")["lookalikes"] == ["Alpha", "Zulu"]

    def test_only_white_cells_are_scored_in_the_order_given(self, book: Book) -> None:
        config = AnalysisConfig(as_of=AS_OF)
        cells = white_cells(book, config).sort("item", "account_id", descending=True)
        scored = score_cells(book, config, cells)
        white = cells.filter(pl.col("state") == "none")
        assert scored.select("account_id", "item").equals(white.select("account_id", "item"))
        assert row(white, 3, "X")["state"] == "none"
        assert scored.filter((pl.col("account_id") == 1) & (pl.col("item") == "X")).height == 0

    def test_revenue_outside_the_window_or_netting_to_zero_is_not_owned(self) -> None:
        accounts = [(1, "Alpha", "Retail", 100), (2, "Bravo", "Retail", 100)]
        revenue = [(1, 1, dt.date(2023, 12, 31), 50.0), (1, 2, IN_WINDOW, 50.0)]
        revenue += [(1, 2, IN_WINDOW, -50.0), (2, 3, dt.date(2024, 1, 1), 5.0)]
        book = make_book(accounts, revenue)
        windowed = ownership(book, AnalysisConfig(as_of=AS_OF))
        assert windowed.rows() == [(2, "Z")]
        everything = ownership(book, AnalysisConfig(as_of=AS_OF, window_months=None))
        assert everything.rows() == [(1, "X"), (2, "Z")]

    def test_family_level_owns_families(self, book: Book) -> None:
        config = AnalysisConfig(as_of=AS_OF, level="family", extra=NO_SMOOTHING)
        owned = ownership(book, config)
        assert owned.rows() == [(1, "Core"), (2, "Core"), (3, "Core"), (4, "Edge")]
        scored = score_cells(book, config, white_cells(book, config))
        assert set(scored.get_column("item")) == {"Core", "Edge", "(none)"}
        assert scored.filter(pl.col("item") == "Core").get_column("account_id").to_list() == [4]
        assert row(scored, 3, "Edge")["propensity"] == 0.0
        assert row(scored, 4, "Core")["propensity"] == 0.0  # D has no look-alike

    def test_product_key_is_the_external_id_else_the_name(self) -> None:
        keys = item_keys(make_book([], []).products, "product")
        assert keys.get_column("item").to_list() == ["X", "Y", "Z", "Widget"]


class TestNextBest:
    def test_best_three_by_propensity_then_base_rate_then_item(self) -> None:
        cells = pl.DataFrame(
            {
                "account_id": [1, 1, 1, 1, 1, 2],
                "item": ["a", "b", "c", "d", "e", "a"],
                "propensity": [0.2, 0.5, 0.2, 0.2, 0.0, 0.0],
                "base_rate": [0.1, 0.1, 0.3, 0.1, 0.9, 0.5],
            }
        )
        best = next_best(cells, 3)
        assert best.select("account_id", "item", "rank").rows() == [
            (1, "b", 1),
            (1, "c", 2),
            (1, "a", 3),
        ]
        assert next_best(cells, 1).get_column("item").to_list() == ["b"]

    def test_only_white_cells_are_suggested(self) -> None:
        cells = pl.DataFrame(
            {"account_id": [1, 1], "item": ["a", "b"], "state": ["partial", "none"]}
        ).with_columns(pl.lit(0.4).alias("propensity"))
        assert next_best(cells).get_column("item").to_list() == ["b"]
        with pytest.raises(ValueError, match="n must be"):
            next_best(cells, 0)


class TestParams:
    def test_settings_come_from_config_extra_and_typos_are_named(self) -> None:
        config = AnalysisConfig(as_of=AS_OF, extra={"propensity": {"k": 3}})
        assert PropensityParams.from_config(config).k == 3
        with pytest.raises(ValueError, match="unknown setting kk;"):
            PropensityParams.from_config(
                AnalysisConfig(as_of=AS_OF, extra={"propensity": {"kk": 3}})
            )
        with pytest.raises(ValueError, match="overlap"):
            PropensityParams(overlap="cosine")
        with pytest.raises(ValueError, match="weights"):
            PropensityParams(w_ownership=0, w_segment=0, w_size=0)

    def test_months_clamp_the_day(self) -> None:
        assert minus_months(dt.date(2020, 2, 29), 12) == dt.date(2019, 2, 28)
        assert minus_months(dt.date(2020, 5, 31), 3) == dt.date(2020, 2, 29)


def holdout_book() -> Book:
    """8 banks own B1–B3; 4 shops own R1 and R2; 2 new shops own R1 and buy R2 after the cutoff.

    Popularity suggests the bank products to the new shops (owned by 8 each); look-alikes (the
    other shops) suggest R2.
    """
    products = [(i, f"B{i}", f"Bank product {i}", "Banking") for i in (1, 2, 3)]
    products += [(4, "R1", "Till", "Retail"), (5, "R2", "Scanner", "Retail")]
    before, after = dt.date(2023, 6, 1), dt.date(2024, 6, 1)
    accounts: list[tuple[int, str, str | None, int | None]] = []
    revenue: list[tuple[int, int, dt.date, float]] = []
    for i in range(1, 9):
        accounts.append((i, f"Bank {i}", "Banking", 1000))
        revenue += [(i, p, before, 10.0) for p in (1, 2, 3)]
    for i in range(9, 13):
        accounts.append((i, f"Shop {i}", "Retail", 100))
        revenue += [(i, 4, before, 10.0), (i, 5, before, 10.0)]
    for i in (13, 14):
        accounts.append((i, f"New shop {i}", "Retail", 100))
        revenue += [(i, 4, dt.date(2023, 12, 31), 10.0), (i, 5, after, 10.0)]
    return make_book(accounts, revenue, products)


class TestHoldout:
    def test_lookalikes_find_what_the_new_shops_bought_and_popularity_does_not(self) -> None:
        report = evaluate_holdout(holdout_book(), AnalysisConfig(as_of=AS_OF), horizon_months=12)
        assert report["cutoff"] == dt.date(2023, 12, 31)
        assert report["accounts"] == 14
        assert report["accounts_evaluated"] == 2
        assert report["new_purchases"] == 2
        look, pop = report["lookalike"], report["popularity"]
        assert look["hit_rate_at_3"] == 1.0
        assert look["recall_at_3"] == 1.0
        assert look["precision_at_3"] == pytest.approx(2 / 6)
        assert pop["hit_rate_at_3"] == 0.0
        assert pop["suggestions"] == 6
        assert report["hit_rate_lift_points"] == 100.0

    def test_the_model_never_sees_revenue_after_the_cutoff(self) -> None:
        book = holdout_book()
        # Every bank also buys R2 after the cutoff: that must not change the suggestions.
        late = pl.DataFrame(
            {
                "account_id": list(range(1, 9)),
                "product_id": [5] * 8,
                "date": [dt.date(2024, 3, 1)] * 8,
                "amount": [10.0] * 8,
                "source": ["won"] * 8,
            },
            schema=REVENUE_SCHEMA,
        )
        richer = Book(
            book.accounts,
            book.products,
            pl.concat([book.revenue, late]),
            book.opportunities,
            book.overrides,
        )
        config = AnalysisConfig(as_of=AS_OF)
        report = evaluate_holdout(richer, config)
        assert report["new_purchases"] == 10
        assert report["accounts_evaluated"] == 10
        # The banks' R2 purchase is not predicted from bank look-alikes (none owned R2 before).
        assert report["lookalike"]["hits"] == 2 + report["popularity"]["hits"]

    def test_a_horizon_below_one_month_is_refused(self) -> None:
        with pytest.raises(ValueError, match="horizon_months"):
            evaluate_holdout(holdout_book(), AnalysisConfig(as_of=AS_OF), horizon_months=0)


# --- invariants on generated books -------------------------------------------------------------

industries = st.sampled_from(["Retail", "Banking", "", None])
sizes = st.one_of(st.none(), st.integers(min_value=0, max_value=200_000))
account_rows = st.lists(st.tuples(industries, sizes), min_size=1, max_size=12)
revenue_rows = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=11),
        st.integers(min_value=1, max_value=4),
        st.dates(min_value=dt.date(2022, 6, 1), max_value=dt.date(2025, 6, 1)),
        st.floats(min_value=-50, max_value=500, allow_nan=False),
    ),
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(
    accounts=account_rows,
    revenue=revenue_rows,
    level=st.sampled_from(["product", "family"]),
    window=st.sampled_from([12, None]),
    params=st.fixed_dictionaries(
        {
            "k": st.integers(min_value=1, max_value=4),
            "smoothing": st.sampled_from([0.0, 1.0]),
            "chunk_size": st.integers(min_value=1, max_value=5),
        }
    ),
)
def test_propensity_is_a_share_and_only_white_cells_are_scored(
    accounts: list[tuple[str | None, int | None]],
    revenue: list[tuple[int, int, dt.date, float]],
    level: Literal["product", "family"],
    window: int | None,
    params: dict[str, Any],
) -> None:
    rows = [(i + 1, f"Account {i:02d}", ind, size) for i, (ind, size) in enumerate(accounts)]
    rev = [(a % len(rows) + 1, p, d, amt) for a, p, d, amt in revenue]
    book = make_book(rows, rev)
    config = AnalysisConfig(
        as_of=AS_OF, window_months=window, level=level, extra={"propensity": params}
    )
    cells = white_cells(book, config)
    scored = score_cells(book, config, cells)
    white = cells.filter(pl.col("state") == "none").select("account_id", "item")
    assert scored.select("account_id", "item").equals(white)
    assert scored.get_column("propensity").is_between(0.0, 1.0).all()
    owned = set(ownership(book, config).rows())
    names = dict(zip(book.accounts["account_name"], book.accounts["account_id"], strict=True))
    for cell in scored.iter_rows(named=True):
        assert len(cell["lookalikes"]) <= min(5, params["k"])
        # Every named look-alike owns the item it is named for, and is another account.
        for name in cell["lookalikes"]:
            assert (names[name], cell["item"]) in owned
            assert names[name] != cell["account_id"]
        if cell["lookalike_owners"] == 0 and params["smoothing"] == 0.0:
            assert cell["propensity"] == 0.0
    # Same input, same output.
    assert score_cells(book, config, cells).equals(scored)


# --- the bounded search against brute force ----------------------------------------------------

#: Windows wider than any book here: every account is a candidate of every other. Size
#: closeness over 4 decades, not 3: Polars divides by a constant as a multiplication by its
#: inverse, which rounds differently from Python's division by 3; by 4 both are exact, so both
#: computations give the same floats and the same ties.
EVERYONE: dict[str, object] = {
    "item_budget": 1000,
    "item_window": 1000,
    "segment_window": 1000,
    "size_window": 1000,
    "size_decades": 4.0,
}


def random_book(seed: int, n_accounts: int = 24, n_products: int = 6) -> Book:
    """Accounts with a few industries and territories, sizes that are powers of ten (so many
    similarities tie, and ties go to the name, then the id) or unknown, and random purchases in
    the window."""
    rng = random.Random(seed)
    products = [(i, f"P{i}", f"Product {i}", f"F{i % 3}") for i in range(1, n_products + 1)]
    accounts: list[tuple[int, str, str | None, int | None]] = []
    territories: dict[int, str] = {}
    for i in range(1, n_accounts + 1):
        size = rng.choice([None, 10, 100, 1_000, 10_000, 100_000])
        name = rng.choice(["Acme", "Bolt", "Cora", "Dune"]) + f" {rng.randint(1, 5)}"
        accounts.append((i * 7, name, rng.choice(["Retail", "Banking", None]), size))
        territories[i * 7] = rng.choice(["North", "South", ""])
    revenue = [
        (a[0], product, IN_WINDOW, float(rng.choice([50, 100, 250])))
        for a in accounts
        for product in range(1, n_products + 1)
        if rng.random() < 0.35
    ]
    return make_book(accounts, revenue, products, territories)


def brute_force(book: Book, config: AnalysisConfig, n: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every account against every other, in plain Python: the look-alikes and the candidates
    (items owned by a look-alike or among the n most owned, not owned by the account)."""
    p = PropensityParams.from_config(config)
    owned: dict[int, set[str]] = {}
    for account, item in ownership(book, config).iter_rows():
        owned.setdefault(account, set()).add(item)
    feats = {}
    # Polars' log10 (ln x / ln 10, 2.9999999999999996 for 1000): the same floats, so the same ties.
    logs = book.accounts.get_column("employees").cast(pl.Float64).log10().to_list()
    for r, log_size in zip(book.accounts.iter_rows(named=True), logs, strict=True):
        seg = (r["industry"] or "").strip() or None
        terr = (r["territory"] or "").strip() or None
        size = log_size if r["employees"] else None
        feats[r["account_id"]] = (r["account_name"], seg, size, terr)
    looks: list[tuple[int, int, str, float, int]] = []
    for a, (_, seg_a, size_a, terr_a) in feats.items():
        mine = owned.get(a, set())
        scored = []
        for b, (name_b, seg_b, size_b, terr_b) in feats.items():
            if b == a:
                continue
            theirs = owned.get(b, set())
            inter = len(mine & theirs)
            if p.overlap == "containment":
                overlap = inter / len(mine) if mine else 0.0
            else:
                union = len(mine | theirs)
                overlap = inter / union if union else 0.0
            same_seg = 1.0 if seg_a is not None and seg_a == seg_b else 0.0
            same_terr = 1.0 if terr_a is not None and terr_a == terr_b else 0.0
            close = 0.0
            if size_a is not None and size_b is not None:
                close = min(max(1 - abs(size_a - size_b) / p.size_decades, 0.0), 1.0)
            sim = p.w_ownership * overlap + p.w_segment * same_seg + p.w_size * close
            if p.w_territory > 0:
                sim = sim + p.w_territory * same_terr
            if sim > 0:
                scored.append((-sim, name_b, b))
        for rank, (neg, name_b, b) in enumerate(sorted(scored)[: p.k], start=1):
            looks.append((a, b, name_b, -neg, rank))
    owners: dict[str, int] = {}
    for items in owned.values():
        for item in items:
            owners[item] = owners.get(item, 0) + 1
    popular = sorted(owners, key=lambda item: (-owners[item], item))
    cells = []
    for a in feats:
        mine = owned.get(a, set())
        mine_looks = [row for row in looks if row[0] == a]
        denom = sum(row[3] for row in mine_looks)
        by_item: dict[str, list[tuple[float, str]]] = {}
        for _, b, name_b, sim, _ in mine_looks:
            for item in owned.get(b, set()) - mine:
                by_item.setdefault(item, []).append((sim, name_b))
        top_n = [item for item in popular if item not in mine][:n]
        for item in sorted(set(by_item) | set(top_n)):
            hits = by_item.get(item, [])
            base = owners[item] / len(feats)
            num = sum(sim for sim, _ in hits)
            value = (num + p.smoothing * base) / (denom + p.smoothing)
            names = [name for _, name in hits][: p.max_named]
            cells.append((a, item, min(max(value, 0.0), 1.0), len(hits), names, base))
    schema_l = ["account_id", "other_id", "other_name", "similarity", "rank"]
    schema_c = ["account_id", "item", "propensity", "lookalike_owners", "lookalikes", "base_rate"]
    return (
        pl.DataFrame(looks, schema=schema_l, orient="row"),
        pl.DataFrame(cells, schema=schema_c, orient="row"),
    )


def settings_for(**extra: object) -> AnalysisConfig:
    return AnalysisConfig(as_of=AS_OF, extra={"propensity": {**EVERYONE, **extra}})


class TestAgainstBruteForce:
    @pytest.mark.parametrize(
        "extra",
        [
            {},
            {"overlap": "jaccard", "k": 3},
            {"w_territory": 0.3, "smoothing": 0.0, "max_named": 2},
            {"chunk_size": 5, "workers": 2, "k": 4},
        ],
    )
    @pytest.mark.parametrize("seed", [1, 2, 3])
    def test_with_everyone_a_candidate_the_search_is_exact(
        self, seed: int, extra: dict[str, object]
    ) -> None:
        book = random_book(seed)
        config = settings_for(**extra)
        want_looks, want_cells = brute_force(book, config, n=3)
        got = propensity(book, config, n=3)
        looks = got.lookalikes.sort("account_id", "rank")
        assert looks.select("account_id", "other_id", "other_name", "rank").rows() == (
            want_looks.sort("account_id", "rank").drop("similarity").rows()
        )
        assert looks.get_column("similarity").to_list() == pytest.approx(
            want_looks.sort("account_id", "rank").get_column("similarity").to_list()
        )
        cells = got.candidates.sort("account_id", "item")
        want = want_cells.sort("account_id", "item")
        keep = ["account_id", "item", "lookalike_owners", "lookalikes"]
        assert cells.select(keep).rows() == want.select(keep).rows()
        for col in ("propensity", "base_rate"):
            assert cells.get_column(col).to_list() == pytest.approx(want.get_column(col).to_list())

    def test_with_three_decades_the_similarities_agree_to_rounding(self) -> None:
        book = random_book(4)
        config = settings_for(size_decades=3.0)
        want_looks, _ = brute_force(book, config, n=3)
        got = propensity(book, config, n=3).lookalikes
        for frame in (got, want_looks):
            assert frame.height == want_looks.height
        assert got.sort("account_id", "rank").get_column("similarity").to_list() == pytest.approx(
            want_looks.sort("account_id", "rank").get_column("similarity").to_list()
        )

    def test_a_lone_account_and_an_empty_book(self) -> None:
        lone = propensity(make_book([(1, "Solo", "Retail", 50)], [(1, 1, IN_WINDOW, 5.0)]), CONFIG)
        assert lone.lookalikes.height == 0
        assert lone.candidates.height == 0  # it owns the only owned item
        empty_book = propensity(make_book([], []), CONFIG)
        assert empty_book.lookalikes.height == empty_book.candidates.height == 0
        assert empty_book.base_rate.get_column("owners").to_list() == [0, 0, 0, 0]


CONFIG = AnalysisConfig(as_of=AS_OF)


def bigger_book(seed: int = 11, n_accounts: int = 400) -> Book:
    """Enough accounts that the default windows see only a part of each segment and item."""
    return random_book(seed, n_accounts=n_accounts, n_products=12)


@pytest.fixture(scope="module")
def scored() -> tuple[Book, Propensity]:
    book = bigger_book()
    return book, propensity(book, CONFIG, n=3)


class TestPropensity:
    def test_no_account_is_its_own_lookalike_and_ranks_follow_similarity(
        self, scored: tuple[Book, Propensity]
    ) -> None:
        _, result = scored
        looks = result.lookalikes
        assert looks.height > 0
        assert looks.filter(pl.col("account_id") == pl.col("other_id")).height == 0
        assert looks.select(pl.struct("account_id", "other_id").is_unique().all()).item()
        assert looks.get_column("similarity").min() > 0  # type: ignore[operator]
        per = looks.sort("account_id", "rank").group_by("account_id", maintain_order=True)
        for _, ranks, sims in per.agg("rank", "similarity").iter_rows():
            assert ranks == list(range(1, len(ranks) + 1)) and len(ranks) <= 10
            assert sims == sorted(sims, reverse=True)

    def test_propensity_for_gives_what_the_candidates_hold(
        self, scored: tuple[Book, Propensity]
    ) -> None:
        book, result = scored
        owned = ownership(book, CONFIG)
        cells = result.candidates
        again = propensity_for(
            cells.select("account_id", "item"), result.lookalikes, owned, result.base_rate
        )
        assert again.equals(cells.drop("base_rate"))  # the same floats, not just close ones

    def test_a_cell_no_lookalike_owns_gets_the_smoothed_base_rate(
        self, scored: tuple[Book, Propensity]
    ) -> None:
        book, result = scored
        owned = ownership(book, CONFIG)
        white = all_white_cells(book, owned)
        outside = white.join(result.candidates, on=["account_id", "item"], how="anti")
        assert outside.height > 0
        got = propensity_for(outside, result.lookalikes, owned, result.base_rate)
        denom = result.lookalikes.group_by("account_id").agg(pl.col("similarity").sum())
        want = (
            outside.join(denom, on="account_id", how="left")
            .join(result.base_rate, on="item", how="left")
            .select(
                pl.col("base_rate").fill_null(0.0) / (pl.col("similarity").fill_null(0.0) + 1.0)
            )
            .to_series()
        )
        assert got.get_column("propensity").to_list() == pytest.approx(want.to_list())
        assert got.get_column("lookalike_owners").unique().to_list() == [0]

    def test_candidates_hold_each_accounts_true_top_n(
        self, scored: tuple[Book, Propensity]
    ) -> None:
        book, result = scored
        owned = ownership(book, CONFIG)
        white = all_white_cells(book, owned)
        every = propensity_for(white, result.lookalikes, owned, result.base_rate).join(
            result.base_rate.select("item", "base_rate"), on="item", how="left"
        )
        best = next_best(every, 3).select("account_id", "item")
        assert best.height > 0
        assert best.join(result.candidates, on=["account_id", "item"], how="anti").height == 0
        from_candidates = next_best(result.candidates, 3).select("account_id", "item", "rank")
        assert from_candidates.equals(next_best(every, 3).select("account_id", "item", "rank"))

    def test_candidates_are_white_and_name_their_lookalikes_owning_the_item(
        self, scored: tuple[Book, Propensity]
    ) -> None:
        book, result = scored
        owned = ownership(book, CONFIG)
        cells = result.candidates
        assert cells.join(owned, on=["account_id", "item"], how="semi").height == 0
        assert cells.get_column("propensity").is_between(0.0, 1.0).all()
        owners = (
            result.lookalikes.join(owned.rename({"account_id": "other_id"}), on="other_id")
            .sort("account_id", "rank")
            .group_by("account_id", "item", maintain_order=True)
            .agg(pl.len().alias("n"), pl.col("other_name").head(5).alias("names"))
        )
        both = cells.join(owners, on=["account_id", "item"], how="left")
        assert both.select((pl.col("lookalike_owners") == pl.col("n").fill_null(0)).all()).item()
        named = both.filter(pl.col("n").is_not_null())
        assert named.get_column("lookalikes").to_list() == named.get_column("names").to_list()

    def test_the_same_book_in_another_row_order_gives_the_same_result(
        self, scored: tuple[Book, Propensity]
    ) -> None:
        book, result = scored
        shuffled = Book(
            book.accounts.sample(fraction=1.0, shuffle=True, seed=3),
            book.products,
            book.revenue.sample(fraction=1.0, shuffle=True, seed=4),
            book.opportunities,
            book.overrides,
        )
        again = propensity(shuffled, CONFIG, n=3)
        assert again.lookalikes.sort("account_id", "rank").equals(
            result.lookalikes.sort("account_id", "rank")
        )
        assert again.candidates.sort("account_id", "item").equals(
            result.candidates.sort("account_id", "item")
        )

    def test_base_rate_is_owners_over_accounts_for_every_item(
        self, scored: tuple[Book, Propensity]
    ) -> None:
        book, result = scored
        owned = ownership(book, CONFIG)
        counts = dict(owned.group_by("item").len().iter_rows())
        for item, owners, rate in result.base_rate.iter_rows():
            assert owners == counts.get(item, 0)
            assert rate == pytest.approx(owners / book.accounts.height)


def all_white_cells(book: Book, owned: pl.DataFrame) -> pl.DataFrame:
    items = item_keys(book.products, "product").select("item")
    return (
        book.accounts.select("account_id")
        .join(items, how="cross")
        .join(owned, on=["account_id", "item"], how="anti")
    )


class TestMoney:
    @pytest.mark.parametrize("dtype", [pl.Float64, pl.Decimal(38, 2)])
    def test_ownership_and_propensity_take_float_or_decimal_amounts(
        self, dtype: pl.DataType
    ) -> None:
        book = make_book(
            [*RETAIL, MINER],
            [(a, p, IN_WINDOW, 100.0) for a, p in OWNED]
            + [(3, 1, IN_WINDOW, 0.1)]
            + [(3, 1, IN_WINDOW, -0.1)],  # nets to exactly 0 in Decimal: not owned
        )
        money = Book(
            book.accounts,
            book.products,
            book.revenue.with_columns(pl.col("amount").cast(dtype)),
            book.opportunities,
            book.overrides,
        )
        assert ownership(money, CONFIG).rows() == ownership(book, CONFIG).rows()
        config = AnalysisConfig(as_of=AS_OF, extra=NO_SMOOTHING)
        result = propensity(money, config)
        x = result.candidates.filter((pl.col("account_id") == 3) & (pl.col("item") == "X"))
        assert x.get_column("propensity").to_list() == [pytest.approx(1.0)]


def test_a_book_smaller_than_a_block_is_shared_between_the_workers() -> None:
    """2,500 accounts fit one block of 10,000; each of the two workers gets half of them, and
    the results are those of one worker doing it all."""
    book = random_book(seed=5, n_accounts=2_500)
    config = AnalysisConfig(as_of=AS_OF)
    both = propensity(book, config, n=3)
    one = propensity(book, AnalysisConfig(as_of=AS_OF, extra={"propensity": {"workers": 1}}), n=3)
    assert both.lookalikes.height > 2_000
    assert both.lookalikes.sort("account_id", "rank").equals(
        one.lookalikes.sort("account_id", "rank")
    )
    assert both.candidates.sort("account_id", "item").equals(
        one.candidates.sort("account_id", "item")
    )

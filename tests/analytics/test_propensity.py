"""Look-alike propensity on tiny hand-built books where the answer is obvious."""

from __future__ import annotations

import datetime as dt
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
    PropensityParams,
    evaluate_holdout,
    item_keys,
    lookalikes,
    minus_months,
    next_best,
    ownership,
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
        with pytest.raises(ValueError, match="unknown setting\\(s\\) kk"):
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

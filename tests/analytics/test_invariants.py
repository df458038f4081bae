"""Invariants over generated books: ranks, scores in [0, 100], W ≥ 0, share of wallet in [0, 1]."""

import datetime as dt

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accountplan.analytics.pipeline import analyze

from .helpers import accounts, book, config, dense, products, revenue

account_rows = st.lists(
    st.fixed_dictionaries(
        {
            "industry": st.sampled_from(["Retail", "Bank", None]),
            "employees": st.one_of(st.none(), st.integers(0, 5000)),
            "satisfaction": st.one_of(st.none(), st.floats(0, 10)),
        }
    ),
    min_size=1,
    max_size=12,
)
revenue_rows = st.lists(
    st.tuples(
        st.integers(1, 12),
        st.integers(1, 4),
        st.dates(dt.date(2018, 1, 1), dt.date(2020, 8, 1)),
        st.floats(0, 1e6),
    ),
    max_size=60,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(account_rows, revenue_rows, st.sampled_from(["product", "family"]))
def test_invariants_hold_on_any_book(rows, rev, level):
    n = len(rows)
    rev = [(a, p, d, x) for a, p, d, x in rev if a <= n]
    b = book(accounts(rows), products(["A", "B", "C", "D"], family="F"), revenue(rev))
    result = analyze(b, config(level=level))
    cells, accts, scores = dense(result), result.accounts, result.scores

    assert cells.height == n * (4 if level == "product" else 1)
    assert cells.filter(pl.col("whitespace_value") < 0).height == 0
    assert (cells["state"] == "none").to_list() == (cells["current_revenue"] <= 0).to_list()
    assert scores.filter((pl.col("percentile") < 0) | (pl.col("percentile") > 100)).height == 0
    assert accts.filter(
        (pl.col("potential_score") < 0) | (pl.col("potential_score") > 100)
    ).is_empty()
    share = accts["share_of_wallet"].drop_nulls()
    assert ((share >= 0) & (share <= 1)).all()  # exact: CR never exceeds the wallet
    assert (accts["wallet"] >= accts["current_revenue"].cast(accts["wallet"].dtype)).all()
    assert accts["value_percentile"].is_between(0, 100).all()
    assert set(accts["tier"].to_list()) <= {1, 2, 3}
    # every scored account has a play, every unscored one has none
    assert (accts["scored"] == accts["play"].is_not_null()).all()

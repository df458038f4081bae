"""Percentile rank: 100 × (average 1-based rank among ties − 1) / (n − 1); 50 when n = 1."""

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accountplan.analytics.ranks import percentile_rank


def ranks(values):
    frame = pl.DataFrame({"v": values}, schema={"v": pl.Float64})
    return frame.select(percentile_rank(pl.col("v"))).to_series().to_list()


def test_ties_share_their_average_rank():
    assert ranks([10, 20, 20, 30]) == [0, 50, 50, 100]


def test_a_single_value_is_the_fiftieth_percentile():
    assert ranks([7]) == [50]


def test_nulls_stay_null_and_do_not_count():
    assert ranks([None, 5, None, 1]) == [None, 100, None, 0]


def test_a_lone_value_among_nulls_is_fifty():
    assert ranks([None, 3]) == [None, 50]


def test_all_equal_values_are_fifty():
    assert ranks([4, 4, 4]) == [50, 50, 50]


def test_order_of_rows_does_not_matter():
    assert ranks([30, 10, 20]) == [100, 0, 50]


@given(st.lists(st.one_of(st.none(), st.floats(-1e9, 1e9)), min_size=1, max_size=40))
def test_ranks_lie_between_0_and_100(values):
    result = ranks(values)
    for value, rank in zip(values, result, strict=True):
        assert (rank is None) == (value is None)
        if rank is not None:
            assert 0 <= rank <= 100


@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=40, unique=True))
def test_distinct_values_spread_from_0_to_100(values):
    result = ranks(values)
    assert min(result) == 0
    assert max(result) == pytest.approx(100)

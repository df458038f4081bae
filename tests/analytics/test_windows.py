"""The window's edges: (as_of − 12 months, as_of], the previous 12 months before it, and "all"."""

import datetime as dt

import pytest

from accountplan.analytics.dates import shift_months, windows
from accountplan.analytics.pipeline import analyze

from .helpers import account, accounts, book, cell, config, products, revenue

D = dt.date


class TestShiftMonths:
    def test_plain_year_back(self):
        assert shift_months(D(2020, 5, 31), -12) == D(2019, 5, 31)

    def test_clamps_the_day_in_a_shorter_month(self):
        assert shift_months(D(2020, 2, 29), -12) == D(2019, 2, 28)
        assert shift_months(D(2020, 3, 31), -1) == D(2020, 2, 29)

    def test_crosses_years_forward_and_back(self):
        assert shift_months(D(2020, 1, 15), -13) == D(2018, 12, 15)
        assert shift_months(D(2019, 12, 31), 2) == D(2020, 2, 29)


class TestWindowEdges:
    def test_edges_for_may_2020(self):
        w = windows(D(2020, 5, 31), 12)
        assert (w.current_start, w.current_end) == (D(2019, 5, 31), D(2020, 5, 31))
        assert (w.previous_start, w.previous_end) == (D(2018, 5, 31), D(2019, 5, 31))

    def test_all_has_no_previous_window(self):
        w = windows(D(2020, 5, 31), None)
        assert w.current_start is None
        assert not w.has_previous

    def test_a_non_positive_window_is_refused_with_a_reason(self):
        with pytest.raises(ValueError, match="window_months"):
            windows(D(2020, 5, 31), 0)


def _one_account(dates_amounts):
    return book(
        accounts([{"industry": "Retail", "employees": 10}]),
        products(["X"]),
        revenue([(1, 1, d, x) for d, x in dates_amounts]),
    )


class TestRevenueInWindows:
    rows = (
        (D(2020, 6, 1), 1),  # after as-of: nowhere
        (D(2020, 5, 31), 10),  # as-of itself: current
        (D(2019, 6, 1), 100),  # first day in: current
        (D(2019, 5, 31), 1000),  # first day out: previous (its last day)
        (D(2018, 6, 1), 10000),  # previous window's first day
        (D(2018, 5, 31), 100000),  # before the previous window: nowhere
    )

    def test_current_window_keeps_2019_06_01_and_drops_2019_05_31(self):
        result = analyze(_one_account(self.rows), config())
        assert cell(result.cells, 1, "X")["current_revenue"] == 110

    def test_previous_window_is_the_twelve_months_before(self):
        result = analyze(_one_account(self.rows), config())
        assert cell(result.cells, 1, "X")["previous_revenue"] == 11000
        assert account(result.accounts, 1)["previous_revenue"] == 11000

    def test_all_takes_every_row_up_to_as_of_and_growth_is_unknown(self):
        result = analyze(_one_account(self.rows), config(window_months=None))
        row = account(result.accounts, 1)
        assert row["current_revenue"] == 111110
        assert row["previous_revenue"] is None
        assert row["growth"] is None

    def test_leap_day_as_of_starts_after_feb_28(self):
        rows = ((D(2019, 2, 28), 1), (D(2019, 3, 1), 2), (D(2020, 2, 29), 4))
        result = analyze(_one_account(rows), config(as_of=D(2020, 2, 29)))
        assert cell(result.cells, 1, "X")["current_revenue"] == 6
        assert cell(result.cells, 1, "X")["previous_revenue"] == 1

    def test_growth_compares_the_two_windows(self):
        rows = ((D(2020, 1, 1), 150), (D(2019, 1, 1), 100))
        row = account(analyze(_one_account(rows), config()).accounts, 1)
        assert row["growth"] == pytest.approx(0.5)

    def test_growth_is_unknown_when_nothing_was_bought_before(self):
        rows = ((D(2020, 1, 1), 150),)
        row = account(analyze(_one_account(rows), config()).accounts, 1)
        assert row["previous_revenue"] == 0
        assert row["growth"] is None

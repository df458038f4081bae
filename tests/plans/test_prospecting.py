"""The prospecting math (seed 002), without a database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accountplan.plans.prospecting import (
    ProspectingError,
    ProspectingInputs,
    add_months,
    attainment,
    elapsed_share,
    months_between,
    period_bounds,
    plan,
)


def seed(**over: object) -> ProspectingInputs:
    values: dict[str, object] = {
        "current_revenue": D("10000000"),
        "growth_pct": D("10"),
        "deal_size": D("100000"),
        "win_rate_pct": D("50"),
        "prospects_per_opportunity": D("5"),
    }
    values.update(over)
    return ProspectingInputs(**values)  # type: ignore[arg-type]


class TestSeedExample:
    def test_ten_million_account_needs_10_deals_20_opportunities_100_prospects(self) -> None:
        p = plan(seed())
        assert p.growth_target == D("1000000")
        assert p.gap == D("1000000")
        assert (p.deals, p.opportunities, p.prospects) == (10, 20, 100)

    def test_expected_upgrades_reduce_the_gap(self) -> None:
        p = plan(seed(expected_upgrades=D("400000")))
        assert p.gap == D("600000")
        assert (p.deals, p.opportunities, p.prospects) == (6, 12, 60)

    def test_upgrades_beyond_the_target_leave_no_gap(self) -> None:
        p = plan(seed(expected_upgrades=D("2000000")))
        assert p.gap == 0
        assert (p.deals, p.opportunities, p.prospects) == (0, 0, 0)

    def test_every_division_rounds_up(self) -> None:
        # 1,000,001 / 100,000 = 10.00001 → 11 deals; 11 / 0.3 = 36.67 → 37; 37 × 2.5 = 92.5 → 93
        p = plan(
            seed(
                current_revenue=D("10000010"),
                win_rate_pct=D("30"),
                prospects_per_opportunity=D("2.5"),
            )
        )
        assert (p.deals, p.opportunities, p.prospects) == (11, 37, 93)


class TestPipelineStart:
    def test_a_cycle_that_fits_the_period_starts_the_pipeline_at_the_period_start(self) -> None:
        p = plan(
            seed(
                cycle_months=12, period_start=dt.date(2027, 1, 1), period_end=dt.date(2027, 12, 31)
            )
        )
        assert p.period_months == 12
        assert p.lead_months == 0
        assert p.pipeline_start == dt.date(2027, 1, 1)

    def test_a_longer_cycle_moves_the_start_earlier_by_the_difference(self) -> None:
        p = plan(
            seed(
                cycle_months=18, period_start=dt.date(2027, 1, 1), period_end=dt.date(2027, 12, 31)
            )
        )
        assert p.lead_months == 6
        assert p.pipeline_start == dt.date(2026, 7, 1)

    def test_half_year_period_with_nine_month_cycle(self) -> None:
        p = plan(
            seed(cycle_months=9, period_start=dt.date(2027, 7, 1), period_end=dt.date(2027, 12, 31))
        )
        assert (p.period_months, p.lead_months, p.pipeline_start) == (6, 3, dt.date(2027, 4, 1))

    def test_no_period_no_pipeline_start(self) -> None:
        assert plan(seed(cycle_months=30)).pipeline_start is None


class TestBadInputs:
    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("deal_size", D("0"), "average deal size must be more than 0"),
            ("win_rate_pct", D("0"), "win rate % must be more than 0 and at most 100"),
            ("win_rate_pct", D("101"), "win rate % must be more than 0 and at most 100"),
            ("prospects_per_opportunity", D("0.5"), "prospects per opportunity must be at least 1"),
            ("growth_pct", D("-1"), "growth % must be 0 or more"),
            ("current_revenue", D("-5"), "current revenue must be 0 or more"),
        ],
    )
    def test_out_of_range_inputs_are_refused_with_what_to_fix(
        self, field: str, value: D, message: str
    ) -> None:
        with pytest.raises(ProspectingError, match=message):
            plan(seed(**{field: value}))

    def test_a_period_ending_before_it_starts_is_refused(self) -> None:
        with pytest.raises(ProspectingError, match="end on or after its start"):
            plan(seed(period_start=dt.date(2027, 2, 1), period_end=dt.date(2027, 1, 1)))

    def test_every_problem_is_listed_at_once(self) -> None:
        with pytest.raises(ProspectingError) as err:
            plan(seed(deal_size=D("0"), win_rate_pct=D("0")))
        assert "deal size" in str(err.value) and "win rate" in str(err.value)


class TestAttainment:
    period = (dt.date(2027, 1, 1), dt.date(2027, 12, 31))

    def test_half_way_through_the_year_half_the_plan_is_expected(self) -> None:
        p = plan(seed())  # 100 prospects, 20 opportunities, 10 deals
        a = attainment(p, 60, 10, 3, dt.date(2027, 7, 2), self.period)
        assert a.elapsed_share == D("0.5014")  # 183 / 365
        by = {m.name: m for m in a.measures}
        assert by["prospects"].expected == D("50.14")
        assert by["prospects"].status == "ahead"  # 60 ≥ 1.1 × 50.14
        assert by["opportunities"].status == "on_track"  # 9.03 ≤ 10 < 11.03
        assert by["deals"].status == "behind"  # 3 < 0.9 × 5.01
        assert by["deals"].pct_of_plan == D("30.0")

    def test_before_the_period_nothing_has_started(self) -> None:
        a = attainment(plan(seed()), 0, 0, 0, dt.date(2026, 12, 1), self.period)
        assert a.elapsed_share == 0
        assert {m.status for m in a.measures} == {"not_started"}

    def test_after_the_period_the_whole_plan_is_expected(self) -> None:
        assert elapsed_share(dt.date(2028, 3, 1), self.period) == 1


class TestPeriods:
    @pytest.mark.parametrize(
        ("name", "start", "end"),
        [
            ("FY2027", dt.date(2027, 1, 1), dt.date(2027, 12, 31)),
            ("2027", dt.date(2027, 1, 1), dt.date(2027, 12, 31)),
            ("2027-H2", dt.date(2027, 7, 1), dt.date(2027, 12, 31)),
            ("Q1 2028", dt.date(2028, 1, 1), dt.date(2028, 3, 31)),
            ("2028-Q4", dt.date(2028, 10, 1), dt.date(2028, 12, 31)),
        ],
    )
    def test_period_names_give_their_dates(self, name: str, start: dt.date, end: dt.date) -> None:
        assert period_bounds(name) == (start, end)

    def test_an_unknown_name_gives_no_dates(self) -> None:
        assert period_bounds("Spring push") is None

    def test_month_arithmetic_clamps_the_day(self) -> None:
        assert add_months(dt.date(2027, 3, 31), -1) == dt.date(2027, 2, 28)
        assert months_between(dt.date(2027, 1, 31), dt.date(2027, 2, 28)) == 0


@settings(deadline=None)
@given(
    revenue=st.integers(0, 10**9),
    growth=st.integers(0, 200),
    deal=st.integers(1, 10**7),
    win=st.integers(1, 100),
    ppo=st.integers(1, 50),
)
def test_the_plan_always_covers_the_gap(
    revenue: int, growth: int, deal: int, win: int, ppo: int
) -> None:
    p = plan(
        seed(
            current_revenue=D(revenue),
            growth_pct=D(growth),
            deal_size=D(deal),
            win_rate_pct=D(win),
            prospects_per_opportunity=D(ppo),
        )
    )
    assert p.deals * deal >= p.gap > (p.deals - 1) * deal or p.deals == 0
    assert p.opportunities * win >= p.deals * 100
    assert p.prospects == p.opportunities * ppo

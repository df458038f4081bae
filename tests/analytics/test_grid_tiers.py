"""The grid's medians (equal counts as high), the four plays, tier edges, cost to serve, cadence."""

import polars as pl
import pytest

from accountplan.analytics.grid import PLAYS, add_grid, thresholds
from accountplan.analytics.tiers import CADENCE, add_tiers

from .helpers import config

GRID = pl.DataFrame(
    {
        "account_id": [1, 2, 3, 4, 5, 6],
        "current_revenue": [10.0, 20.0, 20.0, 30.0, 5.0, 20.0],  # median 20
        "potential_score": [50.0, None, 40.0, 60.0, 10.0, 45.0],  # median of scored: 45
    }
)


class TestGrid:
    def result(self):
        return {r["account_id"]: r for r in add_grid(GRID).iter_rows(named=True)}

    def test_thresholds_are_the_medians(self):
        assert thresholds(GRID) == (20, 45)

    def test_equal_to_the_median_counts_as_high(self):
        row = self.result()[6]
        assert row["high_revenue"] is True
        assert row["high_potential"] is True
        assert row["play"] == "Expand"

    def test_the_four_plays(self):
        plays = {k: r["play"] for k, r in self.result().items()}
        assert plays == {
            1: "Penetrate",
            2: None,
            3: "Nurture",
            4: "Expand",
            5: "Manage",
            6: "Expand",
        }

    def test_unscored_has_no_potential_side_but_a_revenue_side(self):
        row = self.result()[2]
        assert row["high_potential"] is None
        assert row["high_revenue"] is True

    def test_each_play_has_the_seed_campaign(self):
        assert set(PLAYS) == {"Expand", "Penetrate", "Nurture", "Manage"}
        assert "new buying centers and new products" in PLAYS["Expand"]
        assert "promoter scores" in PLAYS["Nurture"]


def tier_frame(values, cts=None, gm=None):
    n = len(values)
    return pl.DataFrame(
        {
            "account_id": list(range(1, n + 1)),
            "current_revenue": [float(v) for v in values],
            "whitespace_value": [0.0] * n,
            "cost_to_serve": cts or [None] * n,
            "gross_margin": gm or [None] * n,
        },
        schema_overrides={"cost_to_serve": pl.Float64, "gross_margin": pl.Float64},
    )


class TestTiers:
    # 11 accounts with values 1..11: percentiles 0, 10, ..., 100.
    def tiers(self, **kwargs):
        out = add_tiers(tier_frame(range(1, 12)), config(**kwargs))
        return dict(zip(out["value_percentile"].to_list(), out["tier"].to_list(), strict=True))

    def test_exactly_90_is_tier_1_and_exactly_60_is_tier_2(self):
        tiers = self.tiers()
        assert tiers[90] == 1
        assert tiers[100] == 1
        assert tiers[80] == 2
        assert tiers[60] == 2
        assert tiers[50] == 3
        assert tiers[0] == 3

    def test_tier_1_can_cover_the_top_20_percent(self):
        assert self.tiers(tier1_min_percentile=80)[80] == 1

    def test_tier_1_above_the_top_20_percent_is_refused(self):
        with pytest.raises(ValueError, match="tier1_min_percentile"):
            self.tiers(tier1_min_percentile=75)

    def test_value_is_revenue_plus_white_space(self):
        frame = tier_frame([10, 20]).with_columns(pl.Series("whitespace_value", [15.0, 0.0]))
        out = add_tiers(frame, config())
        assert out["value"].to_list() == [25, 20]
        assert out["value_percentile"].to_list() == [100, 0]

    def test_cadence_follows_the_tier(self):
        out = add_tiers(tier_frame(range(1, 12)), config())
        for tier, cadence in zip(out["tier"], out["cadence"], strict=True):
            assert cadence == CADENCE[tier]
        assert CADENCE[1] == "Full plan; joint expectation session twice a year"


class TestCostToServeFlag:
    def test_flag_only_when_cost_exceeds_a_known_margin(self):
        frame = tier_frame(
            [100, 1, 1, 1, 1], cts=[10.0, 5.0, None, 10.0, 6.0], gm=[5.0, 5.0, 5.0, None, 5.0]
        )
        out = add_tiers(frame, config())
        assert out["cost_to_serve_flag"].to_list() == [True, False, False, False, True]
        assert out["tier"][0] == 1  # flagged whatever the tier


def test_a_score_equal_to_the_median_is_high_even_when_its_float_is_a_hair_below():
    """Accounts 2 and 3 both score exactly 50, the median; reached through other attributes, the
    float of account 2 can come out 49.99999999999999, which alone would make it low potential."""
    import polars as pl

    from accountplan.analytics.grid import add_grid, settle_ties

    # one attribute each: percentile = 50 × rank2 / (n − 1), weight 1
    long = pl.DataFrame(
        [(1, 2, 11, 1.0, True), (2, 4, 5, 1.0, True), (3, 1, 2, 1.0, True), (4, 9, 11, 1.0, True)],
        schema={
            "account_id": pl.Int64,
            "rank2": pl.Int64,
            "n": pl.Int64,
            "weight": pl.Float64,
            "used": pl.Boolean,
        },
        orient="row",
    )  # exact scores: 10, 50, 50, 90
    accounts = pl.DataFrame(
        {
            "account_id": [1, 2, 3, 4],
            "potential_score": [10.0, 49.99999999999999, 50.0, 90.0],
            "current_revenue": [10.0] * 4,
        }
    )
    assert add_grid(accounts).filter(pl.col("account_id") == 2)["play"].item() == "Nurture"
    plays = dict(settle_ties(add_grid(accounts), long).select("account_id", "play").rows())
    assert plays == {1: "Nurture", 2: "Expand", 3: "Expand", 4: "Expand"}

"""The segmentation scorecard: rescaled weights for missing attributes, ICP fit, unscored."""

import polars as pl
import pytest

from accountplan.analytics.frames import ICP, Attribute
from accountplan.analytics.pipeline import analyze
from accountplan.analytics.scorecard import icp_fit, potential_scores, scores

from .helpers import IN_WINDOW, account, accounts, book, config, products, revenue

VALUES = pl.DataFrame(
    {
        "account_id": [1, 2, 3, 4],
        "whitespace_value": [10.0, 20.0, 30.0, 40.0],  # pct 0, 33.3, 66.7, 100
        "growth": [0.1, 0.2, None, 0.3],  # pct 0, 50, -, 100
        "satisfaction": [None, 5.0, None, 9.0],  # pct -, 0, -, 100
        "share_of_wallet_gap": [0.5, 0.5, 0.9, 0.1],  # pct 50, 50, 100, 0
    }
)


def scored(cfg=None):
    cfg = cfg or config()
    return potential_scores(scores(VALUES, cfg), VALUES.select("account_id"))


class TestRescaledWeights:
    def test_without_growth_and_satisfaction_only_the_others_count(self):
        row = scored().filter(pl.col("account_id") == 3).row(0, named=True)
        p_ws, p_gap = 200 / 3, 100
        assert row["potential_score"] == pytest.approx((30 * p_ws + 15 * p_gap) / 45)
        assert row["missing_attributes"] == "growth, satisfaction"
        assert row["scored"] is True

    def test_one_missing_attribute(self):
        row = scored().filter(pl.col("account_id") == 1).row(0, named=True)
        assert row["potential_score"] == pytest.approx((30 * 0 + 20 * 0 + 15 * 50) / 65)
        assert row["missing_attributes"] == "satisfaction"

    def test_nothing_missing(self):
        row = scored().filter(pl.col("account_id") == 4).row(0, named=True)
        assert row["potential_score"] == pytest.approx((30 * 100 + 20 * 100 + 15 * 100) / 80)
        assert row["missing_attributes"] == ""

    def test_the_long_format_shows_each_part(self):
        long = scores(VALUES, config()).filter(pl.col("account_id") == 2)
        parts = {r["attribute"]: r for r in long.iter_rows(named=True)}
        assert set(parts) == {"whitespace_value", "growth", "satisfaction", "share_of_wallet_gap"}
        assert parts["growth"]["percentile"] == 50
        assert parts["satisfaction"]["percentile"] == 0
        assert parts["growth"]["weight"] == 20
        assert parts["growth"]["label"] == "Growth"
        assert all(p["used"] for p in parts.values())

    def test_a_zero_weight_attribute_is_neither_used_nor_missing(self):
        cfg = config(
            attributes=(Attribute("whitespace_value", "WS", 1), Attribute("satisfaction", "S", 0))
        )
        row = scored(cfg).filter(pl.col("account_id") == 1).row(0, named=True)
        assert row["potential_score"] == 0
        assert row["missing_attributes"] == ""

    def test_icp_fit_is_left_out_when_no_icp_is_configured(self):
        long = scores(VALUES.with_columns(pl.lit(None).alias("icp_fit")), config())
        assert "icp_fit" not in long.get_column("attribute").to_list()


def _book():
    return book(
        accounts(
            [
                {"industry": "Retail", "employees": 500, "territory": "EMEA", "satisfaction": 8},
                {"industry": "retail ", "employees": 50, "country": "emea"},
                {"industry": "Bank", "employees": 5000, "territory": "APAC"},
                {"industry": None, "employees": None, "territory": None},
            ]
        ),
        products(["X"]),
        revenue([(1, 1, IN_WINDOW, 10)]),
    )


class TestIcpFit:
    icp = ICP(industries=("Retail",), min_employees=100, max_employees=1000, regions=("EMEA",))

    def test_fit_is_the_fraction_of_criteria_matched(self):
        frame = _book().accounts.with_columns(icp_fit(_book().accounts, self.icp).alias("fit"))
        assert frame.get_column("fit").to_list() == pytest.approx([1, 2 / 3, 0, 0])

    def test_fit_takes_part_in_the_score_when_configured(self):
        result = analyze(_book(), config(icp=self.icp))
        assert account(result.accounts, 1)["icp_fit"] == 1
        assert "icp_fit" in result.scores.get_column("attribute").to_list()

    def test_an_icp_without_criteria_counts_as_none(self):
        result = analyze(_book(), config(icp=ICP()))
        assert account(result.accounts, 1)["icp_fit"] is None
        assert "icp_fit" not in result.scores.get_column("attribute").to_list()


class TestUnscored:
    def test_nobody_scored_when_no_attribute_is_known(self):
        only_growth = (Attribute("growth", "Growth", 20),)
        result = analyze(_book(), config(attributes=only_growth))
        assert result.accounts.get_column("scored").to_list() == [False] * 4
        assert result.accounts.get_column("potential_score").null_count() == 4
        assert result.accounts.get_column("play").null_count() == 4
        assert result.accounts.get_column("high_potential").null_count() == 4
        assert result.accounts.get_column("missing_attributes").to_list() == ["growth"] * 4

    def test_satisfaction_is_used_where_imported(self):
        result = analyze(_book(), config())
        assert account(result.accounts, 1)["satisfaction"] == 8
        assert "satisfaction" not in account(result.accounts, 1)["missing_attributes"]
        assert "satisfaction" in account(result.accounts, 2)["missing_attributes"]


class TestCustomAttributes:
    def test_a_numeric_account_column_can_be_an_attribute(self):
        attrs = (Attribute("annual_revenue", "Annual revenue", 10),)
        b = _book()
        b = type(b)(
            b.accounts.with_columns(pl.Series("annual_revenue", [1.0, 2.0, None, 3.0])),
            b.products,
            b.revenue,
            b.opportunities,
            b.overrides,
        )
        result = analyze(b, config(attributes=attrs))
        assert result.accounts.get_column("potential_score").to_list() == [0, 50, None, 100]

    def test_an_unknown_attribute_is_refused_with_its_name(self):
        with pytest.raises(ValueError, match="'nps'"):
            analyze(_book(), config(attributes=(Attribute("nps", "NPS", 5),)))

    def test_negative_weights_are_refused(self):
        with pytest.raises(ValueError, match="weights"):
            analyze(_book(), config(attributes=(Attribute("growth", "Growth", -1),)))

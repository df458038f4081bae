"""CLV's documented formula, and explain() telling one account's story."""

import polars as pl
import pytest

from accountplan.analytics.clv import add_clv
from accountplan.analytics.explain import explain
from accountplan.analytics.pipeline import analyze

from .helpers import IN_PREVIOUS, IN_WINDOW, account, accounts, book, config, products, revenue


def clv_frame():
    return pl.DataFrame(
        {
            "account_id": [1, 2, 3],
            "current_revenue": [80.0, 200.0, 0.0],
            "previous_revenue": [100.0, 0.0, 50.0],
            "gross_margin": [100.0, None, None],
            "cost_to_serve": [20.0, None, None],
        }
    )


class TestClv:
    def test_known_margin_less_cost_with_retention_from_shrinking_revenue(self):
        out = add_clv(clv_frame(), config(clv_years=3, clv_discount_rate=0.1))
        # m − c = 80, r = 80/100 = 0.8: 80/1.1 + 64/1.21 + 51.2/1.331
        assert out["clv"][0] == pytest.approx(80 / 1.1 + 64 / 1.21 + 51.2 / 1.331)

    def test_unknown_margin_is_estimated_from_the_median_margin_ratio(self):
        out = add_clv(clv_frame(), config(clv_years=3, clv_discount_rate=0.1))
        # ratio 100/80 = 1.25 → m = 250, no cost, r = 1 (nothing before)
        assert out["clv"][1] == pytest.approx(250 * (1 / 1.1 + 1 / 1.21 + 1 / 1.331))
        assert out["clv"][2] == 0

    def test_no_margin_anywhere_means_unknown(self):
        frame = clv_frame().with_columns(pl.lit(None, dtype=pl.Float64).alias("gross_margin"))
        assert add_clv(frame, config()).get_column("clv").null_count() == 3


def _book():
    return book(
        accounts(
            [
                {
                    "account_name": "Acme <b>",
                    "external_id": "ACC-1",
                    "industry": "Retail",
                    "employees": 100,
                    "cost_to_serve": 50.0,
                    "gross_margin": 10.0,
                },
                {"industry": "Retail", "employees": 200},
                {"industry": "Retail", "employees": None},
            ]
        ),
        products(["X", "Y"]),
        revenue(
            [
                (1, 1, IN_WINDOW, 100),
                (2, 1, IN_WINDOW, 400),
                (2, 2, IN_WINDOW, 50),
                (2, 2, IN_PREVIOUS, 25),
            ]
        ),
    )


class TestExplain:
    def test_tells_figures_score_parts_play_tier_and_white_space(self):
        result = analyze(_book(), config())
        text = explain(result, 1)
        row = account(result.accounts, 1)
        assert text.startswith("Acme <b> (account 1, external id ACC-1)")
        assert "Current revenue: $100" in text
        assert f"Potential score: {row['potential_score']:.1f} / 100" in text
        assert "White-space value:" in text and "percentile" in text
        assert "Missing (left out, other weights rescaled): growth, satisfaction" in text
        assert f"Play: {row['play']}:" in text
        assert f"Tier {row['tier']}:" in text
        assert "Flagged for review: cost to serve $50 exceeds the gross margin $10." in text
        # Y: peers = account 2 only, $0.25/employee × 100 = $25 of white space
        assert "Product Y (Y): W $25 = P $25 − R $0, none" in text

    def test_an_unscored_account_says_so(self):
        from accountplan.analytics.frames import Attribute

        result = analyze(_book(), config(attributes=(Attribute("growth", "Growth", 1),)))
        text = explain(result, 3)
        assert "unscored" in text
        assert "Play: none" in text

    def test_an_unknown_account_is_a_clear_error(self):
        with pytest.raises(ValueError, match="no account with id 99"):
            explain(analyze(_book(), config()), 99)

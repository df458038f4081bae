"""Cell state, white space, wallet and share, family level, markers for open and lost deals."""

import datetime as dt

import polars as pl
import pytest

from accountplan.analytics.pipeline import analyze

from .helpers import IN_WINDOW, account, accounts, book, cell, config, dense, num, products, revenue


def overrides(rows):
    return pl.DataFrame(
        [{"account_id": a, "product_id": p, "family": "", "amount": float(x)} for a, p, x in rows]
    )


class TestState:
    # P comes from an imported potential of 100 for every cell; size unknown so nothing else.
    def state(self, r):
        b = book(
            accounts([{"industry": "Retail", "employees": None}]),
            products(["X"]),
            revenue([(1, 1, IN_WINDOW, r)]),
            overrides=overrides([(1, 1, 100)]),
        )
        return cell(dense(analyze(b, config())), 1, "X")

    def test_r_at_exactly_80_percent_of_p_is_full(self):
        assert self.state(80)["state"] == "full"
        assert self.state(80)["whitespace_value"] == 20

    def test_just_below_80_percent_is_partial(self):
        assert self.state(79.99)["state"] == "partial"

    def test_nothing_bought_is_none_with_all_of_p_as_white_space(self):
        c = self.state(0)
        assert c["state"] == "none"
        assert c["whitespace_value"] == 100

    def test_credit_notes_outweighing_sales_count_as_none(self):
        assert self.state(-5)["state"] == "none"

    def test_more_than_p_is_full_with_no_white_space(self):
        c = self.state(120)
        assert c["state"] == "full"
        assert c["whitespace_value"] == 0

    def test_full_share_is_configurable(self):
        b = book(
            accounts([{"employees": None}]),
            products(["X"]),
            revenue([(1, 1, IN_WINDOW, 80)]),
            overrides=overrides([(1, 1, 100)]),
        )
        assert cell(dense(analyze(b, config(full_share=0.9))), 1, "X")["state"] == "partial"


class TestAccountFigures:
    def result(self):
        b = book(
            accounts([{"employees": None}, {"employees": None}]),
            products(["X", "Y", "Z"]),
            revenue([(1, 1, IN_WINDOW, 80), (1, 3, IN_WINDOW, 30)]),
            overrides=overrides([(1, 1, 100), (1, 2, 50)]),
        )
        return analyze(b, config())

    def test_revenue_white_space_and_wallet(self):
        row = account(self.result().accounts, 1)
        assert row["current_revenue"] == 110
        assert row["whitespace_value"] == 70  # 20 + 50; Z's unknown P counts as 0
        assert row["wallet"] == 180  # max(100, 80) + max(50, 0) + Z's R 30
        assert num(row["share_of_wallet"]) == pytest.approx(110 / 180)
        assert num(row["share_of_wallet_gap"]) == pytest.approx(70 / 180)

    def test_an_empty_wallet_has_no_share(self):
        row = account(self.result().accounts, 2)
        assert row["wallet"] == 0
        assert row["share_of_wallet"] is None
        assert row["share_of_wallet_gap"] is None

    def test_every_account_gets_a_cell_for_every_product(self):
        assert dense(self.result()).height == 6
        assert cell(dense(self.result()), 2, "Y")["state"] == "none"


class TestItems:
    def test_a_product_without_external_id_is_keyed_by_name(self):
        prods = pl.DataFrame(
            {"product_id": [1], "external_id": [None], "product_name": ["Widget"], "family": [""]},
            schema_overrides={"external_id": pl.String},
        )
        b = book(accounts([{"employees": 1}]), prods, revenue([(1, 1, IN_WINDOW, 3)]))
        c = cell(dense(analyze(b, config())), 1, "Widget")
        assert c["current_revenue"] == 3
        assert c["family"] == "(none)"

    def test_family_level_sums_the_familys_products(self):
        b = book(
            accounts([{"employees": 10}, {"employees": 20}]),
            products(["X", "Y", "Z"], family={"X": "Core", "Y": "Core", "Z": ""}),
            revenue([(1, 1, IN_WINDOW, 10), (1, 2, IN_WINDOW, 20), (1, 3, IN_WINDOW, 5)]),
        )
        result = analyze(b, config(level="family"))
        assert sorted(set(dense(result)["item"])) == ["(none)", "Core"]
        core = cell(dense(result), 1, "Core")
        assert core["current_revenue"] == 30
        assert core["item_name"] == "Core"
        assert core["family"] == "Core"
        assert cell(dense(result), 1, "(none)")["current_revenue"] == 5
        assert cell(dense(result), 2, "Core")["potential"] == pytest.approx(60)  # 3/employee × 20

    def test_revenue_without_a_product_belongs_to_no_cell(self):
        rev = revenue([(1, 1, IN_WINDOW, 10)]).vstack(
            pl.DataFrame(
                {
                    "account_id": [1],
                    "product_id": [None],
                    "date": [IN_WINDOW],
                    "amount": [99.0],
                    "source": ["won"],
                },
                schema_overrides={"product_id": pl.Int64},
            )
        )
        b = book(accounts([{"employees": 10}]), products(["X"]), rev)
        assert account(analyze(b, config()).accounts, 1)["current_revenue"] == 10

    def test_an_unknown_level_is_refused(self):
        b = book(accounts([{"employees": 10}]), products(["X"]), revenue([]))
        with pytest.raises(ValueError, match="level"):
            analyze(b, config(level="division"))


class TestMarkers:
    def test_open_and_recently_lost_deals_mark_their_cell(self):
        opps = pl.DataFrame(
            {
                "opportunity_id": [1, 2, 3, 4, 5, 6],
                "account_id": [1, 1, 1, 1, 1, 1],
                "product_id": [1, 1, 1, 1, 2, None],
                "status": ["open", "Open", "lost", "lost", "won", "open"],
                "amount": [100.0, 50.0, 10.0, 10.0, 5.0, 7.0],
                "close_date": [
                    dt.date(2020, 9, 1),
                    None,
                    dt.date(2019, 6, 1),
                    dt.date(2019, 5, 31),
                    dt.date(2020, 1, 1),
                    None,
                ],
            },
            schema_overrides={"product_id": pl.Int64},
        )
        b = book(accounts([{"employees": 10}]), products(["X", "Y"]), revenue([]), opps)
        result = analyze(b, config())
        x = cell(dense(result), 1, "X")
        assert (x["open_opportunities"], x["open_amount"], x["recent_lost"]) == (2, 150, 1)
        y = cell(dense(result), 1, "Y")
        assert (y["open_opportunities"], y["open_amount"], y["recent_lost"]) == (0, 0, 0)

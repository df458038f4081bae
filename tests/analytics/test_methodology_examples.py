"""Every worked example in docs/methodology.md, rebuilt and checked (the numbers are duplicated on
purpose: when the code changes, this test fails until the doc is updated with it)."""

import datetime as dt

import polars as pl
import pytest

from accountplan.analytics.grid import add_grid
from accountplan.analytics.pipeline import analyze
from accountplan.analytics.ranks import percentile_rank
from accountplan.analytics.scorecard import potential_scores, scores
from accountplan.analytics.tiers import add_tiers

from .helpers import account, accounts, book, cell, config, dense, products, revenue

D = dt.date
W, P = D(2020, 1, 15), D(2019, 1, 15)


def running_example():
    """docs/methodology.md, "The running example"."""
    accts = accounts(
        [
            {"account_name": "Alpha", "industry": "Retail", "employees": 100,
             "gross_margin": 500.0, "cost_to_serve": 100.0},
            {"account_name": "Bravo", "industry": "Retail", "employees": 200},
            {"account_name": "Charlie", "industry": "Retail", "employees": 400},
            {"account_name": "Delta", "industry": "Retail", "employees": 100},
            {"account_name": "Echo", "industry": "Retail", "employees": 300},
            {"account_name": "Foxtrot", "industry": "Retail", "employees": 500},
            {"account_name": "Golf", "industry": "Bank", "employees": 1000},
            {"account_name": "Hotel", "industry": "Bank", "employees": None},
        ]
    )  # fmt: skip
    prods = products(["CRM", "SUP"], family={"CRM": "Software", "SUP": "Services"})
    rev = revenue(
        [
            (1, 1, W, 1000), (2, 1, W, 3000), (3, 1, W, 2000), (4, 1, W, 2000), (5, 1, W, 3600),
            (1, 2, W, 300), (7, 2, W, 5000), (8, 2, W, 700), (1, 1, P, 800), (7, 2, P, 4000),
        ]
    )  # fmt: skip
    return book(accts, prods, rev)


ALPHA, BRAVO, CHARLIE, DELTA, ECHO, FOXTROT, GOLF, HOTEL = range(1, 9)


def test_window():
    """Section "Window"."""
    rows = [
        (D(2020, 6, 1), 1), (D(2020, 5, 31), 10), (D(2019, 6, 1), 100), (D(2019, 5, 31), 1000),
        (D(2018, 6, 1), 10000), (D(2018, 5, 31), 100000),
    ]  # fmt: skip
    b = book(
        accounts([{"employees": 1}]), products(["X"]), revenue([(1, 1, d, x) for d, x in rows])
    )
    c = cell(dense(analyze(b, config())), 1, "X")
    assert (c["current_revenue"], c["previous_revenue"]) == (110, 11000)
    assert cell(dense(analyze(b, config(window_months=None))), 1, "X")["current_revenue"] == 111110


def test_cells():
    """Section "Cells"."""
    assert dense(analyze(running_example(), config())).height == 16
    family = dense(analyze(running_example(), config(level="family")))
    assert sorted(set(family["item"])) == ["Services", "Software"]
    assert cell(family, ALPHA, "Software")["current_revenue"] == 1000
    assert cell(family, ALPHA, "Services")["current_revenue"] == 300


def test_potential():
    """Section "Potential"."""
    cells = dense(analyze(running_example(), config()))
    fox = cell(cells, FOXTROT, "CRM")
    assert fox["potential"] == pytest.approx(6000)
    assert fox["explanation"] == "median of 5 peers in Retail: $12 per employee × 500 employees"
    assert cell(cells, ALPHA, "CRM")["potential"] == pytest.approx(1200)
    golf = cell(cells, GOLF, "CRM")
    assert golf["potential"] == pytest.approx(12000)
    assert golf["explanation"] == (
        "median of 5 peers (all accounts; none in Bank): $12 per employee × 1,000 employees"
    )
    assert cell(cells, HOTEL, "CRM")["potential"] is None
    assert cell(cells, HOTEL, "CRM")["explanation"] == "unknown: no employee count"
    assert cell(cells, CHARLIE, "SUP")["peer_median_rate"] == pytest.approx(4)
    assert cell(cells, CHARLIE, "SUP")["potential"] == pytest.approx(1600)


def test_state_and_white_space():
    """Section "Cell state and white-space value"."""
    cells = dense(analyze(running_example(), config()))
    expected = {
        (ALPHA, "CRM"): ("full", 200), (CHARLIE, "CRM"): ("partial", 2800),
        (FOXTROT, "CRM"): ("none", 6000), (BRAVO, "CRM"): ("full", 0),
        (HOTEL, "SUP"): ("partial", None),
    }  # fmt: skip
    for (a, item), (state, w) in expected.items():
        c = cell(cells, a, item)
        assert c["state"] == state
        assert c["whitespace_value"] == (None if w is None else pytest.approx(w))


def test_account_figures():
    """Section "Account figures"."""
    result = analyze(running_example(), config())
    alpha = account(result.accounts, ALPHA)
    assert alpha["current_revenue"] == 1300
    assert alpha["previous_revenue"] == 800
    assert alpha["growth"] == pytest.approx(0.625)
    assert alpha["whitespace_value"] == pytest.approx(300)
    assert alpha["wallet"] == pytest.approx(1600)
    assert alpha["share_of_wallet"] == pytest.approx(0.8125)
    golf = account(result.accounts, GOLF)
    assert (golf["current_revenue"], golf["previous_revenue"]) == (5000, 4000)
    assert golf["growth"] == pytest.approx(0.25)
    assert golf["whitespace_value"] == pytest.approx(12000)
    assert golf["wallet"] == pytest.approx(17000)
    hotel = account(result.accounts, HOTEL)
    assert (hotel["wallet"], hotel["share_of_wallet"]) == (700, 1)
    assert account(result.accounts, FOXTROT)["growth"] is None


def test_percentile_rank():
    """Section "Percentile rank"."""
    frame = pl.DataFrame({"v": [10.0, 20.0, 20.0, 30.0]})
    assert frame.select(percentile_rank(pl.col("v")))["v"].to_list() == [0, 50, 50, 100]
    assert pl.DataFrame({"v": [7.0]}).select(percentile_rank(pl.col("v"))).item() == 50


def test_scorecard():
    """Section "Segmentation scorecard"."""
    values = pl.DataFrame(
        {
            "account_id": [1, 2, 3, 4],
            "whitespace_value": [10.0, 20.0, 30.0, 40.0],
            "growth": [0.1, 0.2, None, 0.3],
            "satisfaction": [None, 5.0, None, 9.0],
            "share_of_wallet_gap": [0.5, 0.5, 0.9, 0.1],
        }
    )
    out = potential_scores(scores(values, config()), values.select("account_id"))
    assert out["potential_score"].round(2).to_list() == [11.54, 34.38, 77.78, 81.25]
    assert out["missing_attributes"][2] == "growth, satisfaction"


def test_grid():
    """Section "Prioritization grid and plays"."""
    frame = pl.DataFrame(
        {
            "account_id": [1, 2, 3, 4, 5, 6],
            "current_revenue": [10.0, 20.0, 20.0, 30.0, 5.0, 20.0],
            "potential_score": [50.0, None, 40.0, 60.0, 10.0, 45.0],
        }
    )
    plays = add_grid(frame)["play"].to_list()
    assert plays == ["Penetrate", None, "Nurture", "Expand", "Manage", "Expand"]


def test_tiers_and_flag():
    """Section "Tiers, cadence and the cost-to-serve flag"."""
    frame = pl.DataFrame(
        {
            "account_id": list(range(1, 12)),
            "current_revenue": [float(v) for v in range(1, 12)],
            "whitespace_value": [0.0] * 11,
            "cost_to_serve": [10.0, 5.0] + [None] * 9,
            "gross_margin": [5.0, 5.0] + [None] * 9,
        }
    )
    out = add_tiers(frame, config())
    assert out["tier"].to_list() == [3, 3, 3, 3, 3, 3, 2, 2, 2, 1, 1]
    assert out["cost_to_serve_flag"].to_list()[:2] == [True, False]
    result = analyze(running_example(), config())
    golf, charlie = account(result.accounts, GOLF), account(result.accounts, CHARLIE)
    assert (golf["value"], golf["value_percentile"], golf["tier"]) == (17000, 100, 1)
    assert (charlie["value"], round(charlie["value_percentile"], 2), charlie["tier"]) == (
        6400, 71.43, 2,
    )  # fmt: skip


def test_clv():
    """Section "Customer lifetime value (CLV)"."""
    result = analyze(running_example(), config())
    assert round(account(result.accounts, ALPHA)["clv"], 2) == 1516.31
    assert round(account(result.accounts, BRAVO)["clv"], 2) == 4373.98

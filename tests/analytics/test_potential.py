"""Potential P: segment peers, the fallback to all accounts, medians, unknown sizes, overrides."""

import polars as pl
import pytest

from accountplan.analytics.pipeline import analyze

from .helpers import IN_WINDOW, accounts, book, cell, config, dense, products, revenue


def _book(rows, rev, prods=("X", "Y"), overrides=None):
    """rows: (industry, employees); rev: (account_id, product_id, amount) in the window."""
    return book(
        accounts([{"industry": ind, "employees": emp} for ind, emp in rows]),
        products(prods),
        revenue([(a, p, IN_WINDOW, x) for a, p, x in rev]),
        overrides=overrides,
    )


class TestFewerThanFivePeersFallsBackToAllAccounts:
    # Retail buyers of X: rates 1, 2, 3 per employee; Bank buyers: 10, 20, 30.
    rows = [("Retail", 100)] * 3 + [("Bank", 10)] * 3 + [("Retail", 100)]
    rev = [(1, 1, 100), (2, 1, 200), (3, 1, 300), (4, 1, 100), (5, 1, 200), (6, 1, 300)]

    def test_p_is_the_median_of_all_six_rates_times_size(self):
        c = cell(dense(analyze(_book(self.rows, self.rev), config())), 7, "X")
        assert c["peer_count"] == 6
        assert c["peer_median_rate"] == pytest.approx(6.5)  # (3 + 10) / 2
        assert c["potential"] == pytest.approx(650)
        assert c["potential_source"] == "peers_all"
        assert c["peer_segment"] is None
        assert c["explanation"] == (
            "median of 6 peers (all accounts; only 3 in Retail): $6.50 per employee × 100 employees"
        )
        assert c["peers"] == ["A1", "A2", "A3", "A4", "A5", "A6"]

    def test_min_peers_is_configurable(self):
        c = cell(dense(analyze(_book(self.rows, self.rev), config(min_peers=3))), 7, "X")
        assert c["potential_source"] == "peers_segment"
        assert c["potential"] == pytest.approx(200)  # median(1, 2, 3) × 100


class TestExactlyFivePeersStayInTheSegment:
    # Retail buyers of X: rates 1..5 per employee (100 employees each); Bank buyers: 100, 200.
    rows = [("Retail", 100)] * 5 + [("Bank", 1)] * 2 + [("Retail", 10), ("Bank", 2)]
    rev = [(i, 1, 100 * i) for i in range(1, 6)] + [(6, 1, 100), (7, 1, 200)]

    def analysis(self):
        return analyze(_book(self.rows, self.rev), config())

    def test_a_retail_non_buyer_gets_the_segment_median(self):
        c = cell(dense(self.analysis()), 8, "X")
        assert c["potential_source"] == "peers_segment"
        assert c["peer_segment"] == "Retail"
        assert c["peer_count"] == 5
        assert c["potential"] == pytest.approx(30)  # 3 × 10
        assert c["explanation"] == "median of 5 peers in Retail: $3 per employee × 10 employees"
        assert c["state"] == "none"
        assert c["whitespace_value"] == pytest.approx(30)

    def test_the_account_itself_is_among_its_peers(self):
        c = cell(dense(self.analysis()), 1, "X")
        assert "A1" in c["peers"]
        assert c["potential"] == pytest.approx(300)  # median 3 × 100; it buys 100
        assert c["state"] == "partial"
        assert c["whitespace_value"] == pytest.approx(200)

    def test_a_bank_non_buyer_with_two_bank_peers_uses_all_seven(self):
        c = cell(dense(self.analysis()), 9, "X")
        assert c["potential_source"] == "peers_all"
        assert c["peer_count"] == 7
        assert c["potential"] == pytest.approx(8)  # median(1,2,3,4,5,100,200) = 4, × 2


class TestUnknownPotential:
    rows = [("Retail", 100), ("Retail", None), ("Retail", 0), (None, 50)]
    rev = [(1, 1, 100), (2, 1, 500)]

    def analysis(self):
        return analyze(_book(self.rows, self.rev), config())

    @pytest.mark.parametrize("account_id", [2, 3])
    def test_no_employee_count_means_unknown_p(self, account_id):
        c = cell(dense(self.analysis()), account_id, "X")
        assert c["potential"] is None
        assert c["potential_source"] == "unknown"
        assert c["whitespace_value"] is None
        assert c["explanation"] == "unknown: no employee count"

    def test_a_buyer_without_size_is_nobodys_peer(self):
        c = cell(dense(self.analysis()), 1, "X")
        assert c["peer_count"] == 1
        assert c["peers"] == ["A1"]

    def test_a_buyer_without_size_is_partial_not_full(self):
        c = cell(dense(self.analysis()), 2, "X")
        assert c["state"] == "partial"

    def test_nobody_buys_it_means_unknown_p(self):
        c = cell(dense(self.analysis()), 1, "Y")
        assert c["potential"] is None
        assert c["peer_count"] == 0
        assert c["peers"] == []
        assert c["explanation"] == "unknown: nobody buys this yet"

    def test_an_account_without_segment_uses_all_accounts(self):
        c = cell(dense(self.analysis()), 4, "X")
        assert c["potential"] == pytest.approx(50)  # median(1) × 50
        assert c["explanation"] == (
            "median of 1 peer (all accounts; no industry): $1 per employee × 50 employees"
        )


class TestMedians:
    def test_ties_at_the_median(self):
        rows = [("Retail", 1)] * 5 + [("Retail", 10)]
        rev = [(1, 1, 2), (2, 1, 4), (3, 1, 4), (4, 1, 4), (5, 1, 9)]
        c = cell(dense(analyze(_book(rows, rev), config())), 6, "X")
        assert c["peer_median_rate"] == pytest.approx(4)
        assert c["potential"] == pytest.approx(40)

    def test_even_count_takes_the_mean_of_the_two_middle_values(self):
        rows = [("Retail", 1)] * 4 + [("Retail", 10)]
        rev = [(1, 1, 1), (2, 1, 3), (3, 1, 5), (4, 1, 100)]
        c = cell(dense(analyze(_book(rows, rev), config())), 5, "X")
        assert c["peer_median_rate"] == pytest.approx(4)  # (3 + 5) / 2
        assert c["potential"] == pytest.approx(40)


class TestOverrides:
    rows = [("Retail", 100), ("Retail", 100)]
    rev = [(1, 1, 100), (2, 1, 300)]

    def overrides(self):
        return pl.DataFrame(
            {
                "account_id": [2, 1],
                "product_id": [1, None],
                "family": ["", "Core"],
                "amount": [1000.0, 5.0],
            }
        )

    def test_an_imported_potential_replaces_p(self):
        result = analyze(_book(self.rows, self.rev, overrides=self.overrides()), config())
        c = cell(dense(result), 2, "X")
        assert c["potential"] == 1000
        assert c["potential_source"] == "override"
        assert c["explanation"] == "imported potential"
        assert c["whitespace_value"] == 700
        assert c["state"] == "partial"

    def test_other_cells_keep_their_estimate(self):
        result = analyze(_book(self.rows, self.rev, overrides=self.overrides()), config())
        c = cell(dense(result), 1, "X")
        assert c["potential_source"] == "peers_all"
        assert c["potential"] == pytest.approx(200)  # median(1, 3) × 100

    def test_family_level_uses_family_overrides_only(self):
        b = book(
            accounts([{"industry": "Retail", "employees": 100}] * 2),
            products(["X", "Y"], family={"X": "Core", "Y": "Core"}),
            revenue([(1, 1, IN_WINDOW, 100), (2, 1, IN_WINDOW, 300)]),
            overrides=self.overrides(),
        )
        result = analyze(b, config(level="family"))
        assert cell(dense(result), 1, "Core")["potential"] == 5
        assert cell(dense(result), 1, "Core")["state"] == "full"
        assert cell(dense(result), 2, "Core")["potential_source"] == "peers_all"


class TestSegmentField:
    def test_peers_can_be_grouped_by_another_column(self):
        b = book(
            accounts(
                [{"territory": "North", "industry": "Retail", "employees": 1}] * 5
                + [{"territory": "South", "industry": "Retail", "employees": 1}]
            ),
            products(["X"]),
            revenue([(i, 1, IN_WINDOW, i) for i in range(1, 6)] + [(6, 1, IN_WINDOW, 100)]),
        )
        result = analyze(b, config(segment_field="territory"))
        c = cell(dense(result), 1, "X")
        assert c["peer_segment"] == "North"
        assert c["potential"] == pytest.approx(3)

    def test_an_unknown_segment_column_is_refused_with_its_name(self):
        b = _book([("Retail", 1)], [(1, 1, 1)])
        with pytest.raises(ValueError, match="'tier_code'"):
            analyze(b, config(segment_field="tier_code"))

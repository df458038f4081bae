"""The computed sections over the API: the account overview and the prospecting plan.

Values are checked against the pure functions they come from (``selectors.account_overview``,
``prospecting.plan`` and ``prospecting.attainment``) and against hand-worked figures; scoping
with an owner (bob), a teammate (dave), a reader (vera) and an outsider (charlie).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accountplan.book import models as m
from accountplan.book.choices import OpportunityStatus, OpportunityType
from accountplan.plans import prospecting as pm
from accountplan.plans.selectors import account_overview, prospecting_defaults
from accountplan.plans.services import save_section
from accountplan.portfolio.models import AccountScore, PeerRate, Snapshot, SnapshotItem
from tests.factories import OpportunityFactory
from tests.plans.conftest import Book
from tests.plans.test_api import client

pytestmark = pytest.mark.django_db

SEED_INPUTS: dict[str, Any] = {
    "current_revenue": "10000000",
    "growth_pct": "10",
    "deal_size": "100000",
    "win_rate_pct": "50",
    "prospects_per_opportunity": "5",
    "period_start": "2027-01-01",
    "period_end": "2027-12-31",
}


def overview_url(book: Book) -> str:
    return f"/api/plans/{book.plan.pk}/overview"


def prospecting_url(book: Book, on: str | None = None) -> str:
    url = f"/api/plans/{book.plan.pk}/prospecting/plan"
    return f"{url}?on={on}" if on else url


def snapshot_for(account: m.Account, product: m.Product) -> Snapshot:
    """A finished product-level snapshot scoring ``account`` with one white-space cell."""
    snapshot = Snapshot.objects.create(
        as_of=dt.date(2026, 12, 31),
        level="product",
        status="done",
        finished_at=timezone.now(),
        account_count=1,
        cell_count=1,
    )
    AccountScore.objects.create(
        snapshot=snapshot,
        account=account,
        size=100,
        current_revenue=2500.25,
        whitespace_value=12345.678,
        play="Expand",
        tier=1,
    )
    # one white cell, derived on read: P = the peer rate × the account's size = 40.005 × 100;
    # no look-alike owns it, so its propensity is the item's base rate
    SnapshotItem.objects.create(
        snapshot=snapshot,
        item=str(product.pk),
        item_name=product.name,
        product=product,
        base_rate=0.4,
    )
    PeerRate.objects.create(
        snapshot=snapshot,
        item=str(product.pk),
        peer_count=5,
        rate="40.0050000000",
        peer_text="median of 5 peers (all accounts): $40.005 per employee",
    )
    return snapshot


def deals(book: Book) -> None:
    """Two won deals on product 0, losses on products 0 and 1, an open one; a contact won."""
    a, b = book.products
    won = OpportunityFactory.create(account=book.account, product=a, amount=Decimal("1500.25"))
    OpportunityFactory.create(account=book.account, product=a, amount=Decimal("1000"))
    lost = {"status": OpportunityStatus.LOST, "stage": "Closed Lost"}
    OpportunityFactory.create(
        account=book.account,
        product=a,
        type=OpportunityType.UPSELL,
        amount=Decimal("700"),
        loss_reason="Price",
        competitor="Initech",
        close_date=dt.date(2024, 5, 1),
        **lost,
    )
    OpportunityFactory.create(
        account=book.account,
        product=b,
        type=OpportunityType.CROSS_SELL,
        amount=Decimal("300"),
        loss_reason="Price",
        close_date=dt.date(2024, 6, 1),
        **lost,
    )
    OpportunityFactory.create(
        account=book.account,
        product=b,
        type=OpportunityType.CROSS_SELL,
        amount=Decimal("200"),
        close_date=dt.date(2024, 4, 1),
        **lost,
    )
    OpportunityFactory.create(
        account=book.account,
        product=b,
        type=OpportunityType.RENEWAL,
        amount=Decimal("400"),
        status=OpportunityStatus.OPEN,
        stage="Engaging",
        close_date=None,
    )
    # Another account's deal never shows in this plan's overview.
    OpportunityFactory.create(account=book.other, product=a, amount=Decimal("99999"))
    m.OpportunityContactRole.objects.create(
        opportunity=won, contact=book.contacts[0], role="Decision Maker"
    )


class TestOverview:
    def test_rows_contacts_losses_and_figures(self, book: Book) -> None:
        deals(book)
        snapshot_for(book.account, book.products[1])
        r = client(book.bob).get(overview_url(book))
        assert r.status_code == 200, r.content
        body = r.json()
        assert (body["plan_id"], body["account_name"]) == (book.plan.pk, "Acme Corp")
        rows = {(row["product"], row["type"]): row for row in body["rows"]}
        a, b = (p.name for p in book.products)
        assert set(rows) == {(a, "New business"), (a, "Upsell"), (b, "Cross-sell"), (b, "Renewal")}
        assert rows[(a, "New business")] == {
            "product": a,
            "type": "New business",
            "attempted": 2,
            "won": 2,
            "won_amount": "2500.25",
            "open": 0,
            "open_amount": "0.00",
            "lost": 0,
            "lost_amount": "0.00",
        }
        assert (rows[(b, "Cross-sell")]["lost"], rows[(b, "Cross-sell")]["lost_amount"]) == (
            2,
            "500.00",
        )
        assert (rows[(b, "Renewal")]["attempted"], rows[(b, "Renewal")]["open_amount"]) == (
            1,
            "400.00",
        )
        [contact] = body["won_contacts"]
        assert (contact["contact_id"], contact["role"], contact["product"]) == (
            book.contacts[0].pk,
            "Decision Maker",
            a,
        )
        # Losses newest first, a blank reason said so; reasons counted and summed.
        assert [(x["amount"], x["reason"], x["competitor"]) for x in body["losses"]] == [
            ("300.00", "Price", ""),
            ("700.00", "Price", "Initech"),
            ("200.00", "No reason recorded", ""),
        ]
        assert body["loss_reasons"] == [
            {"reason": "Price", "deals": 2, "amount": "1000.00"},
            {"reason": "No reason recorded", "deals": 1, "amount": "200.00"},
        ]
        assert (body["current_revenue"], body["whitespace_value"]) == ("2500.25", "12345.68")
        assert (body["play"], body["tier"], body["as_of"]) == ("Expand", 1, "2026-12-31")
        [cell] = body["whitespace"]
        assert (cell["product_id"], cell["whitespace_value"], cell["potential"]) == (
            book.products[1].pk,
            "4000.50",
            "4000.50",
        )
        assert cell["propensity"] == pytest.approx(0.4)

    def test_it_matches_the_selector(self, book: Book) -> None:
        deals(book)
        snapshot_for(book.account, book.products[1])
        body = client(book.vera).get(overview_url(book)).json()
        ov = account_overview(book.plan)
        assert [(r["product"], r["type"]) for r in body["rows"]] == [
            (r.product, r.type) for r in ov.rows
        ]
        for out, row in zip(body["rows"], ov.rows, strict=True):
            assert (out["won"], out["open"], out["lost"]) == (row.won, row.open, row.lost)
            assert Decimal(out["won_amount"]) == row.won_amount
            assert Decimal(out["lost_amount"]) == row.lost_amount
        assert [x["deal"] for x in body["losses"]] == [x["deal"] for x in ov.losses]
        assert [c["deal"] for c in body["won_contacts"]] == [c["deal"] for c in ov.won_contacts]
        assert Decimal(body["current_revenue"]) == ov.current_revenue

    def test_without_a_snapshot_the_figures_are_null(self, book: Book) -> None:
        body = client(book.dave).get(overview_url(book)).json()
        assert (body["rows"], body["losses"], body["whitespace"]) == ([], [], [])
        assert (body["current_revenue"], body["tier"], body["play"], body["as_of"]) == (
            None,
            None,
            "",
            None,
        )


class TestProspectingPlan:
    def test_the_seed_example_gives_10_20_100(self, book: Book) -> None:
        save_section(book.plan, "prospecting", {"inputs": SEED_INPUTS}, 1, book.bob)
        r = client(book.bob).get(prospecting_url(book, "2027-07-02"))
        assert r.status_code == 200, r.content
        body = r.json()
        assert body["error"] == ""
        assert body["section_version"] == 2
        assert body["from_data"] == []
        assert body["inputs"]["current_revenue"] == "10000000.00"
        assert body["inputs"]["win_rate_pct"] == "50"
        assert body["plan"] == {
            "growth_target": "1000000.00",
            "gap": "1000000.00",
            "deals": 10,
            "opportunities": 20,
            "prospects": 100,
            "period_months": 12,
            "lead_months": 0,
            "pipeline_start": "2027-01-01",
        }

    def test_it_matches_the_pure_functions_with_upgrades_cycle_and_pace(self, book: Book) -> None:
        inputs = {**SEED_INPUTS, "expected_upgrades": "250000", "cycle_months": 15}
        save_section(book.plan, "prospecting", {"inputs": inputs}, 1, book.bob)
        # In the period: 2 opportunities opened (one won), one contact engaged twice.
        for close in (dt.date(2027, 3, 1), None):
            OpportunityFactory.create(
                account=book.account,
                created_date=dt.date(2027, 2, 1),
                close_date=close,
                status=OpportunityStatus.WON if close else OpportunityStatus.OPEN,
            )
        for day in (3, 4):
            m.Activity.objects.create(
                account=book.account,
                contact=book.contacts[1],
                subject="Call",
                date=dt.date(2027, 3, day),
            )
        body = client(book.dave).get(prospecting_url(book, "2027-04-15")).json()
        expected = pm.plan(
            pm.ProspectingInputs(
                current_revenue=Decimal("10000000"),
                growth_pct=Decimal("10"),
                deal_size=Decimal("100000"),
                win_rate_pct=Decimal("50"),
                prospects_per_opportunity=Decimal("5"),
                expected_upgrades=Decimal("250000"),
                cycle_months=15,
                period_start=dt.date(2027, 1, 1),
                period_end=dt.date(2027, 12, 31),
            )
        )
        plan = body["plan"]
        assert (plan["deals"], plan["opportunities"], plan["prospects"]) == (8, 16, 80)
        assert (plan["deals"], plan["opportunities"], plan["prospects"]) == (
            expected.deals,
            expected.opportunities,
            expected.prospects,
        )
        assert Decimal(plan["gap"]) == expected.gap == Decimal("750000")
        assert (plan["lead_months"], plan["pipeline_start"]) == (3, "2026-10-01")
        assert body["actual"] == {"prospects": 1, "opportunities": 2, "won": 1}
        pace = pm.attainment(
            expected, 1, 2, 1, dt.date(2027, 4, 15), (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
        )
        assert body["attainment"]["today"] == "2027-04-15"
        assert Decimal(body["attainment"]["elapsed_share"]) == pace.elapsed_share
        assert [
            (x["name"], x["planned"], Decimal(x["expected"]), x["actual"], x["status"])
            for x in body["attainment"]["measures"]
        ] == [(x.name, x.planned, x.expected, x.actual, x.status) for x in pace.measures]

    def test_before_the_period_every_measure_is_not_started(self, book: Book) -> None:
        save_section(book.plan, "prospecting", {"inputs": SEED_INPUTS}, 1, book.bob)
        body = client(book.bob).get(prospecting_url(book, "2026-11-30")).json()
        assert {x["status"] for x in body["attainment"]["measures"]} == {"not_started"}
        assert body["attainment"]["elapsed_share"] == "0.0000"

    def test_blank_inputs_are_drawn_from_the_data(self, book: Book) -> None:
        deals(book)
        snapshot_for(book.account, book.products[1])
        typed = {"growth_pct": "20", "prospects_per_opportunity": "4"}
        save_section(book.plan, "prospecting", {"inputs": typed}, 1, book.bob)
        body = client(book.vera).get(prospecting_url(book, "2027-06-30")).json()
        defaults = prospecting_defaults(book.plan)
        assert body["from_data"] == sorted(
            ["current_revenue", "deal_size", "win_rate_pct", "period_start", "period_end"]
        )
        assert Decimal(body["inputs"]["current_revenue"]) == defaults["current_revenue"]
        assert Decimal(body["inputs"]["deal_size"]) == defaults["deal_size"]
        assert Decimal(body["inputs"]["win_rate_pct"]) == defaults["win_rate_pct"]
        assert (body["period_start"], body["period_end"]) == ("2027-01-01", "2027-12-31")
        expected = pm.plan(
            pm.ProspectingInputs(
                current_revenue=defaults["current_revenue"],
                growth_pct=Decimal("20"),
                deal_size=defaults["deal_size"],
                win_rate_pct=defaults["win_rate_pct"],
                prospects_per_opportunity=Decimal("4"),
                period_start=defaults["period_start"],
                period_end=defaults["period_end"],
            )
        )
        assert (body["plan"]["deals"], body["plan"]["prospects"]) == (
            expected.deals,
            expected.prospects,
        )
        # 2500.25 × 20 % = 500.05, a won deal averages 1250.125 → 1 deal.
        assert (body["plan"]["growth_target"], body["plan"]["deals"]) == ("500.05", 1)

    def test_missing_inputs_say_what_to_give(self, book: Book) -> None:
        body = client(book.bob).get(prospecting_url(book)).json()
        assert (body["plan"], body["attainment"]) == (None, None)
        assert body["error"].startswith("To compute the plan, give:")
        assert "growth %" in body["error"] and "prospects per opportunity" in body["error"]
        assert body["section_version"] == 1

    def test_a_bad_date_is_422(self, book: Book) -> None:
        r = client(book.bob).get(prospecting_url(book, "2027-13-45"))
        assert r.status_code == 422
        assert r.json()["detail"][0]["loc"] == ["query", "on"]


class TestScoping:
    @pytest.mark.parametrize("who", ["bob", "dave", "vera", "alice"])
    def test_readers_of_the_account_read_both(self, book: Book, who: str) -> None:
        c = client(getattr(book, who))
        assert c.get(overview_url(book)).status_code == 200
        assert c.get(prospecting_url(book)).status_code == 200

    def test_an_outsider_and_an_unknown_plan_get_404(self, book: Book) -> None:
        c = client(book.charlie)
        for url in (overview_url(book), prospecting_url(book)):
            r = c.get(url)
            assert r.status_code == 404, url
            assert r.json()["detail"] == f"Plan {book.plan.pk} not found."
        for suffix in ("overview", "prospecting/plan"):
            assert client(book.bob).get(f"/api/plans/999999/{suffix}").status_code == 404

    def test_without_credentials_is_401(self, book: Book) -> None:
        for url in (overview_url(book), prospecting_url(book)):
            assert Client().get(url).status_code == 401, url

    def test_there_is_no_put_on_a_computed_section(self, book: Book) -> None:
        r = client(book.bob).put(overview_url(book), "{}", content_type="application/json")
        assert r.status_code == 405

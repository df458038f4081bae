"""Deals credited to goal-build components: each deal once, linked first, else matched by type,
product and buying center. Checked on the rule's own cases and on the demo book, where the
dashboard's figures are summed again straight from the database."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal as D
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client

from accountplan.book.models import Opportunity
from accountplan.core.models import Role
from accountplan.core.templatetags.ui import money
from accountplan.demo.plans import write_demo_plans
from accountplan.demo.services import load_demo_book
from accountplan.plans import attribution as attr
from accountplan.plans.models import AccountPlan
from accountplan.plans.services import link_deal, save_section, section_of
from accountplan.portfolio.services import ensure_snapshot
from tests.factories import PASSWORD, UserFactory

AS_OF = dt.date(2026, 6, 30)


def deal(i: int, type_: str, product: int | None = 1, center: int | None = None) -> attr.Deal:
    return attr.Deal(i, f"d{i}", type_, "won", product, center, D(100 * i), dt.date(2026, 1, i))


class TestRule:
    def test_a_renewal_never_counts_against_an_upsell(self) -> None:
        comps = [{"id": "up", "kind": "upsell", "product_id": 1, "amount": "500"}]
        result = attr.attribute(comps, [deal(1, "renewal"), deal(2, "upsell")])
        assert [c.deal.id for c in result.by_id()["up"].credits] == [2]
        assert [d.id for d in result.unattributed] == [1]

    def test_two_components_on_one_product_share_no_deal(self) -> None:
        comps = [
            {"id": "a", "kind": "upsell", "product_id": 1, "amount": "100"},
            {"id": "b", "kind": "upsell", "product_id": 1, "amount": "100"},
        ]
        result = attr.attribute(comps, [deal(1, "upsell"), deal(2, "upsell")])
        by = result.by_id()
        assert (by["a"].actual, by["b"].actual) == (D(300), D(0))
        assert result.total == D(300)

    def test_the_most_specific_component_wins_then_the_deal_types_own_kind(self) -> None:
        comps = [
            {"id": "any", "kind": "cross_sell"},
            {"id": "nbc", "kind": "new_buying_center", "buying_center_id": 7},
            {"id": "prod", "kind": "cross_sell", "product_id": 1},
            {"id": "both", "kind": "new_buying_center", "product_id": 1, "buying_center_id": 7},
        ]
        pick = {
            d.id: attr.match(comps, d)
            for d in [
                deal(1, "cross_sell", 1, 7),  # both: names product and center
                deal(2, "cross_sell", 1, None),  # prod: names the product
                deal(3, "cross_sell", 2, 7),  # nbc names the center (more specific than any)
                deal(4, "cross_sell", 2, None),  # any
                deal(5, "new", 2, 7),  # nbc takes new business in its center
                deal(6, "renewal", 1, 7),  # no renewal component
            ]
        }
        assert pick == {1: 3, 2: 2, 3: 1, 4: 0, 5: 1, 6: None}

    def test_an_explicit_link_beats_the_rule_and_counts_once(self) -> None:
        comps = [
            {"id": "up", "kind": "upsell", "product_id": 1},
            {"id": "wb", "kind": "win_back", "opportunity_ids": [1]},
        ]
        result = attr.attribute(comps, [deal(1, "upsell"), deal(2, "")])
        assert [(c.deal.id, c.how) for c in result.by_id()["wb"].credits] == [(1, "linked")]
        assert result.by_id()["up"].credits == []
        assert [d.id for d in result.unattributed] == [2]  # no type: only by a link

    def test_measured_milestone_reaches_done_or_goes_late(self) -> None:
        comps = [{"id": "up", "kind": "upsell", "product_id": 1}]
        won = attr.attribute(comps, [deal(1, "upsell"), deal(5, "upsell")])
        none = attr.attribute(comps, [])
        m = {"measure": "won_revenue", "component_id": "up", "target_amount": "500"}
        got = attr.milestone_actual({**m, "date": "2026-01-03"}, won, none, dt.date(2026, 2, 1))
        assert got == attr.MilestoneActual(D(100), "late")
        got = attr.milestone_actual({**m, "date": "2026-03-01"}, won, none, dt.date(2026, 2, 1))
        assert got == attr.MilestoneActual(D(600), "done")
        assert attr.milestone_actual({"title": "x"}, won, none, dt.date(2026, 2, 1)) is None


#: The matching rule, written out again for the check (deal types each component kind takes).
TAKES = {
    "renewal": {"renewal"},
    "upsell": {"upsell"},
    "cross_sell": {"cross_sell"},
    "new_buying_center": {"new", "cross_sell", "upsell"},
    "win_back": {"new"},
}


@pytest.fixture
def demo(db: None) -> list[AccountPlan]:
    load_demo_book(7, AS_OF, scale=0.1)
    snapshot = ensure_snapshot(AS_OF, fresh=True)
    assert snapshot is not None
    write_demo_plans(snapshot)
    return list(AccountPlan.objects.select_related("account"))


def _crowd_the_goal_build(plan: AccountPlan, user: Any) -> dict[str, Any]:
    """Add what broke the old dashboard: a renewal and a second upsell on the upsold product,
    and link one won deal explicitly."""
    goals = section_of(plan, "goals")
    data = dict(goals.data)
    upsell = data["components"][0]
    data["components"] = [
        *data["components"],
        {"id": "t-renewal", "kind": "renewal", "product_id": upsell["product_id"], "amount": "1"},
        {"id": "t-upsell-2", "kind": "upsell", "product_id": upsell["product_id"], "amount": "1"},
    ]
    save_section(plan, "goals", data, goals.version, user)
    won = Opportunity.objects.filter(
        account=plan.account, status="won", close_date__year=AS_OF.year
    ).order_by("pk")
    if won.exists():
        link_deal(plan, won.first().pk, "t-upsell-2", user)  # type: ignore[union-attr]
    return dict(section_of(plan, "goals").data)


def test_demo_dashboards_add_up_and_count_no_deal_twice(demo: list[AccountPlan]) -> None:
    manager = UserFactory.create(username="mgr", role=Role.MANAGER)
    client = Client()
    assert client.login(username="mgr", password=PASSWORD)
    checked_deals = 0
    for plan in demo:
        goals = _crowd_the_goal_build(plan, manager)
        comps = {c["id"]: c for c in goals["components"]}
        body = client.get(f"/api/plans/{plan.pk}/performance?on={AS_OF}").json()
        start, end = body["period"]["start"], body["period"]["end"]
        won = Opportunity.objects.filter(
            account=plan.account, status="won", close_date__range=(start, end)
        )
        counted = [d["id"] for c in body["components"] for d in c["deals"]]
        left_out = [d["id"] for d in body["not_in_goal_build"]]
        # Every won deal of the period once: in one component or left out, never twice.
        assert Counter(counted + left_out) == Counter(won.values_list("pk", flat=True))
        total = won.aggregate(t=Sum("amount"))["t"] or D(0)
        assert D(body["won_total"]) == total
        page = client.get(f"/plans/{plan.pk}/").content.decode()
        for c in body["components"]:
            ids = [d["id"] for d in c["deals"]]
            summed = Opportunity.objects.filter(pk__in=ids).aggregate(t=Sum("amount"))["t"]
            assert D(c["actual"]) == (summed or D(0)), c
            comp = comps[c["id"]]
            for d in c["deals"]:
                opp = Opportunity.objects.get(pk=d["id"])
                if d["how"] == "linked":
                    assert opp.pk in comp["opportunity_ids"]
                    continue
                assert opp.type in TAKES[comp["kind"]], (comp, opp.type)
                assert not comp.get("product_id") or comp["product_id"] == opp.product_id
                assert not comp.get("buying_center_id") or (
                    comp["buying_center_id"] == opp.buying_center_id
                )
            if c["kind"] == "upsell":
                assert all(d["type"] != "renewal" for d in c["deals"] if d["how"] == "matched")
            row = re.search(
                rf'data-component="{c["id"]}".*?data-testid="component-actual">([^<]+)<',
                page,
                re.S,
            )
            assert row and row.group(1) == money(D(c["actual"])), c["id"]
            checked_deals += len(ids)
    assert checked_deals > 0  # the demo book has won deals in the goal builds


def test_demo_measured_milestone_takes_its_actual_from_the_data(demo: list[AccountPlan]) -> None:
    UserFactory.create(username="mgr", role=Role.MANAGER)
    client = Client()
    assert client.login(username="mgr", password=PASSWORD)
    plan = demo[0]
    body = client.get(f"/api/plans/{plan.pk}/performance?on={AS_OF}").json()
    upsell = next(c for c in body["components"] if c["id"] == "demo-comp-1")
    milestone = next(m for m in body["milestones"] if m["measure"] == "won_revenue")
    closed_by = dt.date(AS_OF.year, 9, 30).isoformat()
    expected = sum((D(d["amount"]) for d in upsell["deals"] if d["close_date"] <= closed_by), D(0))
    assert D(milestone["actual"]) == expected
    reached = expected >= D(milestone["target_amount"])
    assert milestone["status"] == ("done" if reached else "at_risk")


def test_link_refuses_a_deal_of_another_account(demo: list[AccountPlan]) -> None:
    UserFactory.create(username="mgr", role=Role.MANAGER)
    client = Client()
    assert client.login(username="mgr", password=PASSWORD)
    plan, other = demo[0], demo[1]
    foreign = Opportunity.objects.filter(account=other.account).first()
    assert foreign is not None
    r = client.put(
        f"/api/plans/{plan.pk}/deals/{foreign.pk}",
        {"component_id": "demo-comp-1"},
        content_type="application/json",
    )
    assert r.status_code == 404
    own = Opportunity.objects.filter(account=plan.account, status="won").first()
    assert own is not None
    r = client.put(
        f"/api/plans/{plan.pk}/deals/{own.pk}",
        {"component_id": "demo-comp-2"},
        content_type="application/json",
    )
    assert r.status_code == 200
    comp = next(c for c in r.json()["components"] if c["id"] == "demo-comp-2")
    assert own.pk in comp["opportunity_ids"]
    # Linked twice by hand in the section: refused, a deal counts once.
    goals = section_of(plan, "goals")
    data = dict(goals.data)
    data["components"][0]["opportunity_ids"] = [own.pk]
    r = client.put(
        f"/api/plans/{plan.pk}/sections/goals",
        {"base_version": goals.version, "data": data},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert "linked to two components" in r.content.decode()


def test_cli_links_and_unlinks_a_deal(book: Any) -> None:
    from django.core.management import call_command

    product = book.products[0]
    opp = Opportunity.objects.create(
        account=book.account,
        product=product,
        name="Renewal 2027",
        type="renewal",
        stage="Closed Won",
        status="won",
        amount=D("1200.50"),
        close_date=dt.date(2027, 3, 1),
    )
    goals = {"components": [{"id": "wb", "kind": "win_back"}, {"id": "rn", "kind": "renewal"}]}
    save_section(book.plan, "goals", goals, 1, book.bob)
    ref = book.account.external_id or str(book.account.pk)
    args = ["plan", "link", ref, "--period", "FY2027", "--deal", str(opp.pk), "--user", "bob"]
    call_command(*args, "--component", "wb")
    data = section_of(book.plan, "goals").data
    assert [c["opportunity_ids"] for c in data["components"]] == [[opp.pk], []]
    call_command(*args, "--unlink")
    data = section_of(book.plan, "goals").data
    assert [c["opportunity_ids"] for c in data["components"]] == [[], []]
    # Unlinked, the renewal matches the renewal component by the rule.
    from accountplan.plans import performance as perf

    result = perf.performance(
        book.bob,
        book.plan,
        data["components"],
        [],
        (dt.date(2027, 1, 1), dt.date(2027, 12, 31)),
        dt.date(2027, 6, 1),
    )
    assert (result.won.by_id()["rn"].actual, result.won.by_id()["wb"].actual) == (
        D("1200.50"),
        D(0),
    )


def test_cli_prospecting_starts_from_an_objective() -> None:
    import io
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "prospecting",
        "--objective",
        "1,500,000",
        "--expected-upgrades",
        "500000",
        "--deal-size",
        "100000",
        "--win-rate",
        "50%",
        "--prospects-per-opportunity",
        "5",
        "--json",
        stdout=out,
    )
    plan = json.loads(out.getvalue())
    assert (plan["growth_target"], plan["gap"], plan["deals"]) == ("1500000", "1000000", 10)


def test_the_opportunity_page_names_the_component_the_dashboard_credits(
    demo: list[AccountPlan],
) -> None:
    """Issue 10 point 9: a deal's page shows the plan component it serves, the same one (and
    the same how) as the plan's dashboard; a deal in no component says so."""
    manager = UserFactory.create(username="mgr2", role=Role.MANAGER)
    client = Client()
    assert client.login(username="mgr2", password=PASSWORD)
    checked = 0
    for plan in demo:
        _crowd_the_goal_build(plan, manager)
        body = client.get(f"/api/plans/{plan.pk}/performance?on={AS_OF}").json()
        credited = [(c, d) for c in body["components"] for d in c["deals"]][:3]
        for component, d in credited:
            page = client.get(f"/opportunities/{d['id']}/").content.decode()
            item = re.search(
                rf'href="/plans/{plan.pk}/".*?data-testid="served-component">(.*?)</span>\s*(?:<form|</li>)',
                page,
                re.S,
            )
            assert item is not None, d
            assert "Counts toward:" in item.group(1) and f">{d['how']}<" in item.group(1)
            assert money(D(component["target"])) in item.group(1)
            checked += 1
        for d in body["not_in_goal_build"][:2]:
            page = client.get(f"/opportunities/{d['id']}/").content.decode()
            assert (
                "Not in this plan&#x27;s goal build" in page
                or "Not in this plan's goal build" in page
            )
    assert checked > 0


def test_a_deal_is_linked_from_its_own_page_and_a_viewer_cannot(demo: list[AccountPlan]) -> None:
    manager = UserFactory.create(username="mgr3", role=Role.MANAGER)
    UserFactory.create(username="viewer3", role=Role.VIEWER)
    client, reader = Client(), Client()
    assert client.login(username="mgr3", password=PASSWORD)
    assert reader.login(username="viewer3", password=PASSWORD)
    plan = demo[0]
    goals = _crowd_the_goal_build(plan, manager)
    deal = Opportunity.objects.filter(account=plan.account, status="won").order_by("-pk").first()
    assert deal is not None
    url = f"/plans/{plan.pk}/deals/{deal.pk}/link/"

    assert (
        'data-testid="link-deal"' not in reader.get(f"/opportunities/{deal.pk}/").content.decode()
    )
    assert reader.post(url, {"component": "t-renewal"}).status_code == 403

    response = client.post(url, {"component": "t-renewal"})
    assert response.status_code == 302 and response["Location"] == f"/opportunities/{deal.pk}/"
    assert deal.pk in section_of(plan, "goals").data["components"][-2]["opportunity_ids"]
    page = client.get(f"/opportunities/{deal.pk}/").content.decode()
    assert 'data-testid="link-deal"' in page and ">linked<" in page
    assert re.search(r'<option value="t-renewal" selected>', page)

    client.post(url, {"component": ""})  # back to the matching rule
    assert all(
        deal.pk not in c.get("opportunity_ids", [])
        for c in section_of(plan, "goals").data["components"]
    )
    assert len(goals["components"]) == len(section_of(plan, "goals").data["components"])

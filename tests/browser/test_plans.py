"""The plan page in a real browser: in-place edits, the relationship map, the goal build's gap
(typed and from white space), a conflicting edit from two sessions, and a restore from history.
More on conflicts and dirty forms in test_plan_edit_safety."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accountplan.plans import services
from accountplan.plans.models import PlanRevision, PlanSection
from accountplan.portfolio.models import AccountScore, PeerRate, Snapshot, SnapshotItem
from tests.factories import PASSWORD
from tests.plans import conftest as plans_conftest

#: The plans tests' small book (bob's account, its team, contacts, products, a plan).
book = plans_conftest.book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_plan(page: Any, live_server: Any, book: Any) -> None:
    page.goto(f"{live_server.url}/plans/{book.plan.pk}/")


def edit(page: Any, key: str) -> Any:
    page.click(f"#sec-{key} .edit-btn")
    form = page.locator(f"#sec-{key} form.section-form")
    form.wait_for()
    return form


def test_edit_in_place_saves_and_escapes(book: Any, live_server: Any, login: Any) -> None:
    page = login(book.bob)
    open_plan(page, live_server, book)
    form = edit(page, "customer_goals")
    # The first field has the focus as soon as the form opens.
    page.wait_for_function(
        "document.activeElement && document.activeElement.name === 'north_star_metric'"
    )
    form.locator("[name=north_star_metric]").fill("<i>Net revenue retention</i>")
    form.locator("[name='priorities_12m.0.text']").fill("Open 20 stores")
    form.locator("button[type=submit]", has_text="Save").click()
    section = page.locator("#sec-customer_goals")
    section.locator(".saved-note").wait_for()
    assert "<i>Net revenue retention</i>" in section.inner_text()
    assert section.locator(".north-star i").count() == 0
    assert "Open 20 stores" in section.inner_text()
    # Esc cancels an edit without saving (after asking, since something was typed).
    edit(page, "customer_goals").locator("[name=north_star_metric]").fill("thrown away")
    page.once("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("Escape")
    page.locator("#sec-customer_goals .edit-btn").wait_for()
    assert "thrown away" not in page.locator("#sec-customer_goals").inner_text()
    saved = PlanSection.objects.get(plan=book.plan, key="customer_goals")
    assert saved.data["north_star_metric"] == "<i>Net revenue retention</i>"


def test_relationship_map_draws_the_org_chart_and_gaps(
    book: Any, live_server: Any, login: Any
) -> None:
    boss, mid, low = book.contacts
    mid.reports_to = boss
    mid.save()
    low.reports_to = mid
    low.save()
    services.save_section(
        book.plan,
        "relationships",
        {"stakeholders": [{"contact_id": low.pk, "strength": 5, "attitude": "supporter"}]},
        1,
        book.bob,
    )
    page = login(book.bob)
    open_plan(page, live_server, book)
    chart = page.locator("#sec-relationships [data-testid=orgchart] svg")
    assert chart.locator("g.person").count() == 3
    assert chart.locator("g.person.mapped").count() == 1
    assert chart.locator("g.person.mapped rect").first.get_attribute("fill") == "#e3f4ea"
    box = chart.bounding_box()
    assert box is not None and box["height"] > 200  # three levels drawn
    gaps = page.locator("#sec-relationships [data-testid=gaps]").inner_text()
    assert "No contact with a decision maker" in gaps
    page.screenshot(path="/tmp/plan-relationships.png", full_page=False)


def test_goal_build_gap_updates_typed_and_from_white_space(
    book: Any, live_server: Any, login: Any
) -> None:
    snapshot = Snapshot.objects.create(
        status="done", level="product", as_of=dt.date(2026, 12, 31), finished_at=timezone.now()
    )
    product = book.products[1]
    # a white cell derived on read: P = 250 per employee × 100 employees = 25,000
    AccountScore.objects.create(snapshot=snapshot, account=book.account, size=100)
    SnapshotItem.objects.create(
        snapshot=snapshot,
        item=f"p{product.pk}",
        item_name=product.name,
        product=product,
        base_rate=0.4,
    )
    PeerRate.objects.create(
        snapshot=snapshot, item=f"p{product.pk}", peer_count=5, rate="250", peer_text="x"
    )
    page = login(book.bob)
    open_plan(page, live_server, book)
    form = edit(page, "goals")
    form.locator("[name=objective_amount]").fill("100000")
    form.locator("[name='components.0.kind']").select_option("upsell")
    form.locator("[name='components.0.amount']").fill("30000")
    form.locator("button[type=submit]", has_text="Save").click()
    gap = page.locator("#sec-goals [data-testid=goal-gap]")
    gap.filter(has_text="$70,000 short").wait_for()
    # The pick proposes the expected value (propensity × W) and shows the full W beside it.
    pick = page.locator("#sec-goals .whitespace-picks tbody tr").first
    cells = pick.locator("td").all_inner_texts()
    assert cells[1] == "$25,000"  # W
    expected = Decimal(cells[3].replace("$", "").replace(",", ""))
    assert 0 < expected < 25_000
    button = pick.locator("button", has_text="Add as cross-sell")
    assert cells[3] in button.inner_text()
    button.click()
    gap.filter(has_text=f"${70_000 - expected:,.0f} short").wait_for()
    assert page.locator("#sec-goals [data-testid=goal-total]").inner_text() == (
        f"${30_000 + expected:,.0f}"
    )
    data = PlanSection.objects.get(plan=book.plan, key="goals").data
    assert data["components"][-1]["kind"] == "cross_sell"
    assert data["components"][-1]["product_id"] == product.pk
    assert abs(Decimal(data["components"][-1]["amount"]) - expected) < 1
    assert "full white space of $25,000" in data["components"][-1]["notes"]


def test_conflicting_edit_shows_both_values_and_keeps_mine(
    book: Any, live_server: Any, browser: Any
) -> None:
    pages = []
    for user in (book.bob, book.dave):
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        ctx.set_default_timeout(10_000)
        pg = ctx.new_page()
        pg.goto(f"{live_server.url}/login/")
        pg.fill("input[name=username]", user.username)
        pg.fill("input[name=password]", PASSWORD)
        pg.click("button[type=submit]")
        pg.wait_for_url(lambda url: "/login/" not in url)
        open_plan(pg, live_server, book)
        pages.append(pg)
    first, second = pages
    try:
        f1 = edit(first, "customer_goals")
        f2 = edit(second, "customer_goals")
        f1.locator("[name=north_star_metric]").fill("Same-store sales")
        f1.locator("button[type=submit]", has_text="Save").click()
        first.locator("#sec-customer_goals .saved-note").wait_for()
        f2.locator("[name=north_star_metric]").fill("Dave's typed metric")
        f2.locator("[name=biggest_challenge]").fill("Supply chain")
        f2.locator("button[type=submit]", has_text="Save").click()
        panel = second.locator("#sec-customer_goals [data-testid=conflict]")
        panel.wait_for()
        assert "Bob Owner saved this section" in panel.inner_text()
        assert panel.locator("td.theirs").inner_text() == "Same-store sales"
        assert panel.locator("td.mine").inner_text() == "Dave's typed metric"
        form = second.locator("#sec-customer_goals form")
        assert form.locator("[name=north_star_metric]").input_value() == "Dave's typed metric"
        assert form.locator("[name=biggest_challenge]").input_value() == "Supply chain"
        second.screenshot(path="/tmp/plan-conflict.png")
        form.locator("button[type=submit]", has_text="Save").click()  # keep mine
        second.locator("#sec-customer_goals .saved-note").wait_for()
        saved = PlanSection.objects.get(plan=book.plan, key="customer_goals")
        assert saved.data["north_star_metric"] == "Dave's typed metric" and saved.version == 3
        assert saved.data["biggest_challenge"] == "Supply chain"
    finally:
        for pg in pages:
            pg.context.close()


def test_restore_from_history(book: Any, live_server: Any, login: Any) -> None:
    services.save_section(book.plan, "customer_goals", {"north_star_metric": "First"}, 1, book.bob)
    services.save_section(book.plan, "customer_goals", {"north_star_metric": "Second"}, 2, book.bob)
    first = PlanRevision.objects.get(plan=book.plan, key="customer_goals", version=2)
    page = login(book.bob)
    page.goto(f"{live_server.url}/plans/{book.plan.pk}/history/")
    assert page.locator("table.data tbody tr").count() >= 3
    page.locator(f"a[href$='/history/{first.pk}/']").click()
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("button", has_text="Restore this version").click()
    page.wait_for_url(lambda url: url.endswith(f"/plans/{book.plan.pk}/#sec-customer_goals"))
    assert "First" in page.locator("#sec-customer_goals .north-star").inner_text()
    assert PlanSection.objects.get(plan=book.plan, key="customer_goals").version == 4

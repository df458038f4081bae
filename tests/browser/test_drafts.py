"""Drafts in Chromium (issue 15): "Draft this section" shows the draft beside the section, a
focused sentence shows its evidence with links to the rows, edited entries are accepted one by
one; "Draft the whole plan" accepts part of a plan's draft, and the history shows it as drafted.
At 390 px the panel stacks under the section without widening the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from accountplan.plans.models import PlanRevision, PlanSection
from tests.factories import OpportunityFactory
from tests.plans import conftest as plans_conftest

#: The plans tests' small book (bob's account, its team, contacts, products, a plan).
book = plans_conftest.book
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = "[document.documentElement.scrollWidth, window.innerWidth]"


def _lost_deals(book: Any) -> None:
    for amount in (1000, 2500):
        OpportunityFactory.create(
            account=book.account,
            product=book.products[1],
            status="lost",
            stage="Closed Lost",
            amount=amount,
            competitor="Initech",
            loss_reason="Price",
            close_date=timezone.localdate() - dt.timedelta(days=30),
        )


def test_draft_a_section_see_its_evidence_edit_and_accept_one_entry(
    book: Any, live_server: Any, login: Any
) -> None:
    page = login(book.bob)
    page.goto(f"{live_server.url}/plans/{book.plan.pk}/")
    page.locator("#sec-company_overview .draft-btn").click()
    panel = page.locator("#sec-company_overview .draft-panel")
    panel.wait_for()
    assert panel.locator("[data-testid=draft-badge]").inner_text() == "from data"
    # Beside the section's text at 1280 px.
    body = page.locator("#sec-company_overview .section-body").bounding_box()
    box = panel.bounding_box()
    assert body and box and box["x"] > body["x"] + body["width"] - 1
    sentence = panel.locator(".draft-sentence").first
    assert sentence.inner_text().startswith("Acme Corp is a Mid-market Retail company")
    evidence = panel.locator(".evidence").first
    assert not evidence.is_visible()
    sentence.focus()  # keyboard: the evidence shows on focus, as on hover
    evidence.wait_for(state="visible")
    assert "Acme Corp: Mid-market Retail" in evidence.inner_text()
    link = evidence.get_by_role("link", name="The account page")
    assert link.get_attribute("href") == f"/accounts/{book.account.pk}/"
    page.keyboard.press("Escape")
    evidence.wait_for(state="hidden")

    panel.locator("details.draft-edit summary").first.click()
    panel.locator("textarea").first.fill("Acme Corp makes everything.")
    boxes = panel.locator("input[name=entry]")
    for i in range(1, boxes.count()):
        boxes.nth(i).uncheck()
    panel.get_by_role("button", name="Accept chosen").click()
    page.locator("#sec-company_overview [data-testid=drafted-note]").wait_for()
    assert "Drafted from data" in page.locator("#sec-company_overview").inner_text()
    section = PlanSection.objects.get(plan=book.plan, key="company_overview")
    assert section.data["description"] == "Acme Corp makes everything."
    assert page.locator("#sec-company_overview .draft-panel").count() == 0


def test_draft_the_whole_plan_accept_part_and_see_it_in_history(
    book: Any, live_server: Any, login: Any
) -> None:
    _lost_deals(book)
    page = login(book.bob)
    page.goto(f"{live_server.url}/plans/{book.plan.pk}/")
    assert page.locator("[data-testid=draft-invite]").is_visible()  # an empty plan invites it
    page.get_by_role("button", name="Draft the whole plan", exact=True).click()
    panel = page.locator("#draft-plan .draft-panel")
    panel.wait_for()
    assert panel.get_by_role("heading", name="Profile and position").is_visible()
    # Keep only the SWOT threat about Initech: untick everything else.
    boxes = panel.locator("input[name=entry]")
    for i in range(boxes.count()):
        boxes.nth(i).uncheck()
    sentence = page.locator(".draft-sentence", has_text="Lost 2 deals to Initech in the last")
    threat = panel.locator(".draft-entry").filter(has=sentence)
    threat.locator("input[name=entry]").first.check()
    panel.get_by_role("button", name="Accept chosen").click()
    page.wait_for_url(f"{live_server.url}/plans/{book.plan.pk}/")
    page.get_by_text("Draft accepted: Profile and position.").wait_for()
    assert page.locator("[data-testid=draft-invite]").count() == 0  # no longer empty
    swot = PlanSection.objects.get(plan=book.plan, key="profile_position").data["swot"]
    assert swot["threats"] and "Initech" in swot["threats"][0]
    assert not PlanSection.objects.filter(plan=book.plan, key="goals").exists()

    page.goto(f"{live_server.url}/plans/{book.plan.pk}/history/")
    row = page.locator("tr", has_text="Drafted from data")
    row.first.wait_for()
    assert "Profile and position" in row.first.inner_text()
    assert (
        PlanRevision.objects.filter(plan=book.plan, summary__startswith="Drafted from data").count()
        == 1
    )


def test_the_draft_panel_stacks_at_390_px(book: Any, live_server: Any, login: Any) -> None:
    page = login(book.bob)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/plans/{book.plan.pk}/")
    page.locator("#sec-company_overview .draft-btn").click()
    panel = page.locator("#sec-company_overview .draft-panel")
    panel.wait_for()
    body = page.locator("#sec-company_overview .section-body").bounding_box()
    box = panel.bounding_box()
    assert body and box and box["y"] >= body["y"] + body["height"] - 1  # under, not beside
    width, inner = page.evaluate(OVERFLOW)
    assert width <= inner
    panel.get_by_role("button", name="Discard").click()
    assert panel.count() == 0
    assert not PlanSection.objects.filter(plan=book.plan, key="company_overview").exists()

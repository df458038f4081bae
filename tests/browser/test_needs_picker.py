"""Needs mapping's stakeholders and products are checkbox lists: picked by keyboard alone (Tab,
Space), no Ctrl-click, and saved as the ids ticked."""

from __future__ import annotations

from typing import Any

import pytest

from accountplan.plans.models import PlanSection
from tests.plans import conftest as plans_conftest

book = plans_conftest.book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_needs_stakeholders_and_products_are_picked_by_keyboard(
    book: Any, live_server: Any, login: Any
) -> None:
    page = login(book.bob)
    page.goto(f"{live_server.url}/plans/{book.plan.pk}/")
    page.click("#sec-needs .edit-btn")
    form = page.locator("#sec-needs form.section-form")
    form.wait_for()
    form.locator("button.add-row").click()
    row = form.locator(".item-rows > *").last
    need = row.locator("input[name$='.need']")
    need.fill("Cut stock-outs")
    stakeholders = row.locator("fieldset.checklist").first
    boxes = stakeholders.locator("input[type=checkbox]")
    assert boxes.count() == len(book.contacts)
    assert row.locator("select[multiple]").count() == 0
    products = row.locator("fieldset.checklist").nth(1).locator("input[type=checkbox]")
    assert products.count() == len(book.products)

    def focused() -> str:
        return str(page.evaluate("document.activeElement.value"))

    # Tab from the need's text into the list, Space ticks; Tab, Tab skips one; Space ticks.
    need.focus()
    page.keyboard.press("Tab")
    assert focused() == boxes.nth(0).get_attribute("value")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused() == boxes.nth(2).get_attribute("value")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused() == products.nth(0).get_attribute("value")
    page.keyboard.press("Space")
    assert boxes.nth(0).is_checked() and not boxes.nth(1).is_checked() and boxes.nth(2).is_checked()
    picked_people = {boxes.nth(0).get_attribute("value"), boxes.nth(2).get_attribute("value")}
    picked_product = products.nth(0).get_attribute("value")
    row.locator("select[name$='.rank']").select_option(index=1)
    form.locator("button[type=submit]", has_text="Save").click()
    page.locator("#sec-needs .saved-note").wait_for()
    saved = PlanSection.objects.get(plan=book.plan, key="needs").data["needs"]
    mine = next(n for n in saved if n["need"] == "Cut stock-outs")
    assert {str(i) for i in mine["stakeholder_contact_ids"]} == picked_people
    assert [str(i) for i in mine["product_ids"]] == [picked_product]

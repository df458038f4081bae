"""Starting a plan in a big book, in a real browser: type a few letters, the account select
fills from the search, and the plan is created for the account picked."""

from __future__ import annotations

from typing import Any

import pytest

from accountplan.plans import new_plan_form
from accountplan.plans.models import AccountPlan
from tests.plans import conftest as plans_conftest

book = plans_conftest.book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_fills_the_select_and_creates_the_plan(
    book: Any, live_server: Any, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(new_plan_form, "FASTSELECT_LIMIT", 1)
    page = login(book.alice)
    page.goto(f"{live_server.url}/plans/")
    box = page.locator(".fastselect")
    select = box.locator("select[name=account]")
    assert select.locator("option").count() == 1  # only "Choose an account…"
    box.locator("[data-testid=fastselect-search]").fill("glob")
    page.wait_for_function("document.querySelector('.fastselect').dataset.count === '1'")
    assert select.input_value() == str(book.other.pk)
    assert select.locator("option").nth(1).inner_text() == f"Globex ({book.other.external_id})"
    page.fill("input[name=period]", "FY2031")
    page.click("button:has-text('Create plan')")
    page.wait_for_url(lambda url: "/plans/" in url and url.rstrip("/").split("/")[-1].isdigit())
    assert AccountPlan.objects.filter(account=book.other, period="FY2031").exists()

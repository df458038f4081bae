"""The white space map's family columns and family filter in Chromium: choose Families in the
page (no CLI), filter a family, and the rows come ranked by that family's white space (the order
computed apart, cell by cell); headers carry the full name on hover."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from accountplan.book import models as m
from accountplan.core.models import User
from accountplan.portfolio.services import analyze_now
from tests.portfolio_web.conftest import AS_OF, make_book
from tests.portfolio_web.test_whitespace_narrowed import expected_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_family_filter_ranks_rows_and_family_columns_work(
    login: Any, live_server: Any, manager: User, ae: User
) -> None:
    accounts, products = make_book(manager, ae)
    care = next(p for p in products if p.name == "Care")
    m.PotentialOverride.objects.create(account=accounts[0], product=care, amount=Decimal(10**7))
    snapshot = analyze_now(as_of=AS_OF, trigger="test").snapshot
    page = login(manager)
    page.goto(f"{live_server.url}/whitespace/")
    names = page.locator("#wsmap tbody th.acct a")
    assert names.first.inner_text() == "Shop 00"
    page.select_option("select[name=family]", "Core")
    page.click("form#map-filters button[type=submit]")
    page.wait_for_url(lambda url: "family=Core" in url)
    assert names.all_inner_texts() == expected_order(snapshot, manager, family="Core")
    headers = page.locator("#wsmap thead th.item")
    assert [headers.nth(i).get_attribute("title") for i in range(headers.count())] == [
        "Suite (Core)",
        "Sync (Core)",
    ]
    assert page.locator("[data-testid=narrowed-total]").is_visible()

    # Families as columns, from the page: not computed yet → one click queues them.
    page.select_option("select[name=level]", "family")
    page.select_option("select[name=family]", "")
    page.click("form#map-filters button[type=submit]")
    page.locator("[data-testid=missing-level]").wait_for()
    page.click("button:has-text('Compute family columns')")
    page.locator(".flash").wait_for()
    analyze_now(as_of=AS_OF, level="family", trigger="test")  # what the worker does
    page.goto(f"{live_server.url}/whitespace/?level=family")
    titles = page.locator("#wsmap thead th.item")
    assert sorted(titles.nth(i).get_attribute("title") or "" for i in range(titles.count())) == [
        "Core",
        "Services",
    ]

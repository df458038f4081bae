"""The accounts list and the account page in Chromium: htmx filters, sort, pages, sections."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from accountplan.book.choices import OpportunityStatus, TeamFunction
from accountplan.core.models import User
from tests.factories import (
    PASSWORD,
    AccountFactory,
    ContactFactory,
    OpportunityFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def table_names(page: Any) -> list[str]:
    return page.locator("#account-results tbody td.name a").all_inner_texts()


def test_filter_search_sort_and_paginate(login: Any, live_server: Any, manager: User) -> None:
    dana = UserFactory(username="dana", first_name="Dana", last_name="Scully")
    AccountFactory.create_batch(30, segment="SMB", owner=manager)
    AccountFactory(name="Zeta Enterprise", segment="Enterprise", owner=dana, employees=9000)
    AccountFactory(name="Alpha Enterprise", segment="Enterprise", owner=dana, employees=10)
    page = login(manager)
    page.goto(f"{live_server.url}/accounts/")
    assert page.locator("#account-results tbody tr").count() == 25
    assert "Showing 1–25 of 32" in page.inner_text("#account-results")

    # A marker on window survives only if htmx swaps fragments instead of reloading the page.
    page.evaluate("window.__noReload = true")
    # Page 2 through the pagination bar.
    page.click("#account-results .pagination a[rel=next]")
    page.wait_for_url(lambda url: "page=2" in url)
    page.wait_for_function("document.querySelector('#account-results').innerText.includes('26–32')")

    # Filter by segment: htmx swaps the table and the URL keeps the filter.
    page.select_option("select[name=segment]", "Enterprise")
    page.wait_for_url(lambda url: "segment=Enterprise" in url)
    page.wait_for_function("document.querySelectorAll('#account-results tbody tr').length === 2")
    assert table_names(page) == ["Alpha Enterprise", "Zeta Enterprise"]

    # Sort by employees, descending on the first click.
    page.click("#account-results th >> text=Employees")
    page.wait_for_url(lambda url: "sort=-employees" in url and "segment=Enterprise" in url)
    page.wait_for_function(
        "document.querySelector('#account-results tbody td.name a').innerText === 'Zeta Enterprise'"
    )
    # Filter by owner keeps the sort.
    page.select_option("select[name=owner]", label="Dana Scully")
    page.wait_for_url(lambda url: "owner=" in url and "sort=-employees" in url)

    # Search narrows further; no match shows the empty state with a way out.
    page.fill("input[name=q]", "alpha")
    page.wait_for_function("document.querySelectorAll('#account-results tbody tr').length === 1")
    assert table_names(page) == ["Alpha Enterprise"]
    assert page.evaluate("window.__noReload") is True
    page.fill("input[name=q]", "no-such-account")
    page.wait_for_selector("text=No accounts match these filters")
    page.click("#account-results >> text=Clear filters")
    page.wait_for_url(f"{live_server.url}/accounts/")
    assert page.locator("#account-results tbody tr").count() == 25


def test_filters_work_without_javascript(browser: Any, live_server: Any, manager: User) -> None:

    AccountFactory(name="Solo Enterprise", segment="Enterprise")
    AccountFactory(name="Small Shop", segment="SMB")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/login/?next=/accounts/")
        page.fill("input[name=username]", manager.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/accounts/")
        page.select_option("select[name=segment]", "SMB")
        page.click("text=Apply")
        page.wait_for_url(lambda url: "segment=SMB" in url)
        assert table_names(page) == ["Small Shop"]
    finally:
        context.close()


def test_account_page_shows_deals_contacts_and_team(login: Any, live_server: Any, ae: User) -> None:
    account = AccountFactory(name="Acme Corp", owner=ae)
    OpportunityFactory(
        account=account,
        name="Laptop refresh",
        status=OpportunityStatus.OPEN,
        stage="Engaging",
        amount=Decimal("45000"),
        close_date=dt.date.today(),
    )
    ContactFactory(account=account, first_name="Wile", last_name="Coyote", title="CEO")
    TeamMemberFactory(
        account=account,
        user=UserFactory(first_name="Sam", last_name="Support"),
        function=TeamFunction.SERVICE,
    )
    page = login(ae)
    page.goto(f"{live_server.url}/accounts/")
    page.click("text=Acme Corp")
    page.wait_for_url(f"{live_server.url}/accounts/{account.pk}/")
    assert "Acme Corp" in page.inner_text("h1")
    assert "Laptop refresh" in page.inner_text("#opportunities")
    assert "$45,000" in page.inner_text("#opportunities")
    assert "Wile Coyote" in page.inner_text("body")
    assert "Sam Support" in page.inner_text("body")
    page.click(".breadcrumb >> text=Accounts")
    page.wait_for_url(f"{live_server.url}/accounts/")

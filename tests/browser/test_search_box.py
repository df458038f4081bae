"""The top bar's search box and the dead ends it leads out of, in a real browser: a misspelt,
unaccented name finds the account; arrow keys and Enter open it; from the account page the
opportunity and the product are links to their own pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from accountplan.book import models as m
from accountplan.book.choices import OpportunityStatus
from accountplan.core.models import Role
from tests.factories import (
    AccountFactory,
    ContactFactory,
    OpportunityFactory,
    ProductFactory,
    PurchaseLineFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_misspelt_name_then_arrows_and_enter_open_the_account(live_server: Any, login: Any) -> None:
    user = UserFactory(username="mara", role=Role.MANAGER)
    AccountFactory(name="Société Génerique")  # a near neighbour, listed first
    target = AccountFactory(name="Société Générale Énergie")
    ContactFactory(account=target, first_name="Zoë", last_name="Générale")
    page = login(user)
    page.goto(f"{live_server.url}/accounts/")
    box = page.locator("[data-testid=global-search]")
    box.fill("societe generle")
    options = page.locator("#global-search-list [role=option]")
    options.first.wait_for()
    labels = options.locator(".gs-label").all_inner_texts()
    assert "Société Générale Énergie" in labels
    assert box.get_attribute("aria-expanded") == "true"
    # Arrow down to the wanted account (ArrowUp from the top wraps to the bottom, then back).
    wanted = labels.index("Société Générale Énergie")
    box.press("ArrowUp")
    assert options.nth(options.count() - 1).get_attribute("aria-selected") == "true"
    box.press("ArrowDown")
    for _ in range(wanted):
        box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert page.locator(f"#{active} .gs-label").inner_text() == "Société Générale Énergie"
    box.press("Enter")
    page.wait_for_url(f"**/accounts/{target.pk}/")
    assert page.locator("h1").inner_text().startswith("Société Générale Énergie")


def test_enter_without_a_highlight_opens_the_results_page(live_server: Any, login: Any) -> None:
    user = UserFactory(username="mara", role=Role.MANAGER)
    AccountFactory(name="Zeppelin Works")
    page = login(user)
    page.goto(f"{live_server.url}/accounts/")
    box = page.locator("[data-testid=global-search]")
    box.fill("zepelin")
    page.locator("#global-search-list [role=option]").first.wait_for()
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    box.press("Enter")
    page.wait_for_url("**/search/?find=zepelin")
    assert "Zeppelin Works" in page.locator("[data-testid=search-results]").inner_text()


def test_account_page_leads_to_the_opportunity_and_the_product(
    live_server: Any, login: Any
) -> None:
    user = UserFactory(username="mara", role=Role.MANAGER)
    account = AccountFactory(name="Initech")
    product = ProductFactory(name="Laser Printer", family="Office")
    champion = ContactFactory(account=account, first_name="Peter", last_name="Gibbons")
    opp = OpportunityFactory(
        account=account,
        product=product,
        name="Printers for floor 3",
        status=OpportunityStatus.OPEN,
        stage="Proposal",
        amount=Decimal("42000"),
        close_date=dt.date(2027, 1, 15),
    )
    m.OpportunityContactRole.objects.create(opportunity=opp, contact=champion, role="Champion")
    m.Activity.objects.create(
        account=account, opportunity=opp, subject="Demo of the printer", date=dt.date(2026, 5, 4)
    )
    PurchaseLineFactory(account=account, product=product, amount=Decimal("900"))
    page = login(user)
    page.goto(f"{live_server.url}/accounts/{account.pk}/")
    assert "Demo of the printer" in page.locator("[data-testid=timeline]").inner_text()
    page.get_by_role("link", name="Printers for floor 3").first.click()
    page.wait_for_url(f"**/opportunities/{opp.pk}/")
    assert page.locator("[data-testid=opp-amount]").inner_text() == "$42,000"
    assert "Peter Gibbons" in page.locator("[data-testid=opp-contacts]").inner_text()
    assert "Demo of the printer" in page.locator("[data-testid=opp-history]").inner_text()
    page.locator(".kpi").get_by_role("link", name="Laser Printer").click()
    page.wait_for_url(f"**/products/{product.pk}/")
    assert "Initech" in page.locator("[data-testid=buyers]").inner_text()

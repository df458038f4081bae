"""A campaign in Chromium: preview the list, save the draft, confirm the launch, see the frozen
list and its chart, download the contacts."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest

from accountplan.book.choices import OpportunityStatus
from accountplan.campaigns.models import Campaign
from accountplan.core.models import Role, User
from tests.factories import ContactFactory, OpportunityFactory, UserFactory
from tests.portfolio_web.conftest import ScoredBook, build_scored

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scored(transactional_db: None, manager: User, ae: User) -> ScoredBook:
    book = build_scored(manager, ae)
    deal = OpportunityFactory(
        account=book.accounts[2], product=book.products[1], amount=Decimal(100),
        status=OpportunityStatus.OPEN, stage="Proposal", created_date=dt.date(2024, 1, 5),
    )  # fmt: skip
    buyer = ContactFactory(account=book.accounts[2], first_name="Ada", last_name="Byers",
                           title="COO", email="ada@example.com")  # fmt: skip
    deal.contact_roles.create(contact=buyer, role="Decision Maker", is_primary=True)
    return book


def test_preview_launch_and_export_a_campaign(
    login: Any, live_server: Any, scored: ScoredBook
) -> None:
    marketer = UserFactory(username="mia", role=Role.MARKETING)
    page = login(marketer)
    page.goto(f"{live_server.url}/campaigns/")
    assert page.locator('[data-testid="campaigns-empty"]').is_visible()
    page.click("#new-campaign")
    page.fill("#id_name", "Sync into Penetrate")
    page.select_option("#id_play", "penetrate")
    page.select_option("#id_products", label="Sync")
    page.fill("#id_start_date", "2024-07-01")
    page.fill("#id_end_date", "2024-09-30")
    page.fill("#id_control_share", "0")
    page.click("#preview-btn")
    assert page.locator('[data-testid="preview-accounts"]').inner_text() == "3"
    page.click("#save-btn")
    page.wait_for_url(lambda url: "/campaigns/" in url and "/new/" not in url)
    assert page.locator('[data-testid="status"]').inner_text() == "Draft"
    page.click("#launch")
    page.wait_for_url(lambda url: url.endswith("/launch/"))
    assert "cannot be undone" in page.locator(".subtitle").inner_text()
    page.click("#confirm-launch")
    page.wait_for_selector('[data-testid="members"]')
    assert page.locator('[data-testid="status"]').inner_text() == "Launched"
    assert page.locator('[data-testid="target-count"]').inner_text() == "3"
    assert page.locator('[data-testid="members"] tbody tr').count() == 3
    page.wait_for_selector("#campaign-chart[data-ready=true] svg")
    with page.expect_download() as info:
        page.click("#export-csv")
    with open(info.value.path()) as downloaded:
        rows = list(csv.DictReader(io.StringIO(downloaded.read())))
    assert [(r["contact_name"], r["buying_role"], r["quadrant"]) for r in rows] == [
        ("Ada Byers", "Decision Maker", "Penetrate")
    ]
    assert Campaign.objects.get().members.count() == 3

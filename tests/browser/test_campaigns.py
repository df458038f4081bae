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
    page.locator("#id_products").get_by_label("Sync", exact=True).check()
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


@pytest.mark.parametrize("width", [1280, 390])
def test_edit_a_draft_with_the_form_guard_then_delete_it(
    login: Any, live_server: Any, scored: ScoredBook, width: int
) -> None:
    """The edit form asks before typed changes are left, saves into the history, and a draft is
    deleted only after its confirmation page."""
    from accountplan.campaigns import services

    marketer = UserFactory(username="mia", role=Role.MARKETING)
    draft = services.create_campaign(marketer, {
        "name": "Sync push", "play": "penetrate", "product_ids": [scored.products[1].pk],
        "families": [], "start_date": dt.date(2024, 7, 1), "end_date": dt.date(2024, 9, 30),
        "budget": Decimal(1000),
    })  # fmt: skip
    page = login(marketer)
    page.set_viewport_size({"width": width, "height": 900})
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()  # stay on the form

    page.on("dialog", answer)
    page.goto(f"{live_server.url}/campaigns/{draft.pk}/")
    page.click("#edit")
    page.wait_for_url(lambda url: url.endswith("/edit/"))
    assert page.locator("#id_products").get_by_label("Sync", exact=True).is_checked()
    page.fill("#id_budget", "2500.50")
    page.locator("#id_products").get_by_label("Care", exact=True).check()
    page.click("#cancel-btn")
    assert asked == ["You have typed changes that are not saved. Leave them?"]
    assert page.url.endswith("/edit/") and page.input_value("#id_budget") == "2500.50"
    page.click("#preview-btn")  # the form's own buttons never ask
    page.wait_for_selector('[data-testid="preview"]')
    page.click("#save-btn")
    page.wait_for_url(lambda url: url.endswith(f"/campaigns/{draft.pk}/"))
    assert len(asked) == 1
    history = page.locator('[data-testid="history"]').inner_text()
    assert "Budget: $1,000.00 → $2,500.50" in history
    assert "Target products: Sync → Care, Sync" in history
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.click("#delete")
    page.wait_for_url(lambda url: url.endswith("/delete/"))
    assert Campaign.objects.filter(pk=draft.pk).exists()
    page.click("#confirm-delete")
    page.wait_for_url(lambda url: url.endswith("/campaigns/"))
    assert "Draft “Sync push” deleted." in page.inner_text("body")
    assert not Campaign.objects.filter(pk=draft.pk).exists()

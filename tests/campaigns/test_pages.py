"""The account page and the plan page show the campaigns touching them; a plan action links."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from accountplan.campaigns import services
from accountplan.core.models import User
from accountplan.plans.services import create_plan, save_section
from tests.portfolio_web.conftest import ScoredBook, signed_in

pytestmark = pytest.mark.django_db


def test_account_and_plan_pages_show_the_campaigns(
    client: Client, scored: ScoredBook, marketer: User, manager: User
) -> None:
    data = {
        "name": "Sync <into> Penetrate", "play": "penetrate",
        "product_ids": [scored.products[1].pk], "families": [],
        "start_date": dt.date(2024, 7, 1), "end_date": dt.date(2024, 9, 30),
    }  # fmt: skip
    campaign = services.launch(services.create_campaign(marketer, data), marketer)
    account = scored.accounts[2]
    signed_in(client, manager)
    page = client.get(f"/accounts/{account.pk}/").content.decode()
    assert "Sync &lt;into&gt; Penetrate" in page and f"/campaigns/{campaign.pk}/" in page
    plan = create_plan(account, "FY2025", manager)
    actions = {"actions": [{"id": "a1", "title": "Invite to the Sync webinar",
                            "campaign_id": campaign.pk}]}  # fmt: skip
    save_section(plan, "actions", actions, 1, manager)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Invite to the Sync webinar → " in page
    assert page.count(f"/campaigns/{campaign.pk}/") >= 2
    other = scored.accounts[7]  # Nurture: never targeted
    assert "No campaign has targeted" in client.get(f"/accounts/{other.pk}/").content.decode()


def test_the_list_is_empty_then_sortable(
    client: Client, scored: ScoredBook, marketer: User
) -> None:
    signed_in(client, marketer)
    assert "No campaign yet" in client.get("/campaigns/").content.decode()
    for name in ("Beta", "Alpha"):
        services.create_campaign(
            marketer,
            {
                "name": name,
                "play": "nurture",
                "families": ["Core"],
                "start_date": dt.date(2024, 7, 1),
                "end_date": dt.date(2024, 9, 30),
            },
        )
    page = client.get("/campaigns/?sort=name").content.decode()
    assert page.index(">Alpha<") < page.index(">Beta<")
    page = client.get("/campaigns/?sort=-name").content.decode()
    assert page.index(">Beta<") < page.index(">Alpha<")

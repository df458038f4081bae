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


def test_the_list_and_the_campaign_page_cost_fixed_queries(
    client: Client, scored: ScoredBook, marketer: User
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    signed_in(client, marketer)

    def make(n: int) -> list[int]:
        return [
            services.launch(
                services.create_campaign(
                    marketer,
                    {
                        "name": f"C{i}",
                        "play": "penetrate",
                        "product_ids": [scored.products[1].pk],
                        "families": ["Services"],
                        "start_date": dt.date(2024, 7, 1),
                        "end_date": dt.date(2024, 9, 30),
                    },
                ),
                marketer,
            ).pk
            for i in range(n)
        ]

    def cost(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    first = make(2)
    cost("/campaigns/")  # the suggestions are computed once per snapshot, then cached
    few = cost("/campaigns/")
    detail = cost(f"/campaigns/{first[0]}/")
    make(4)
    assert cost("/campaigns/") == few
    assert cost(f"/campaigns/{first[0]}/") == detail

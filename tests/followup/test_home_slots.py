"""The home page and the digest show the follow-up slots: lost deals to re-engage and reviews
due, each row linking to where it is done (issue 11 point 3 with points 4 and 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from accountplan.book.choices import OpportunityStatus
from accountplan.followup.models import LostDealPlan
from accountplan.followup.services import create_micro_plans
from accountplan.governance.digest import digest_text
from tests.factories import AccountFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def test_a_due_lost_deal_is_on_its_owners_home_and_digest_not_on_others(client: Client) -> None:
    ae = UserFactory(username="bob", email="bob@example.com")
    other = UserFactory(username="eve")
    account = AccountFactory(owner=ae, name="Initech")
    OpportunityFactory(
        account=account, status=OpportunityStatus.LOST, stage="Lost", close_date=TODAY
    )
    create_micro_plans()
    micro = LostDealPlan.objects.get(account=account)
    micro.reengage_on = TODAY - dt.timedelta(days=1)
    micro.save()

    client.force_login(ae)
    html = client.get("/").content.decode()
    assert 'data-slot="lost_deals"' in html and 'data-slot="reviews_due"' in html
    assert f'href="/lost-deals/{micro.pk}/"' in html and "Initech" in html
    assert "No plan due for review." in html

    text, count = digest_text(ae, TODAY)
    assert "Lost deals to re-engage:" in text and f"/lost-deals/{micro.pk}/" in text
    assert count >= 1

    client.force_login(other)
    assert "Initech" not in client.get("/").content.decode()

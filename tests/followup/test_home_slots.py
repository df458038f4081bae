"""The home page and the digest show what is coming up in the follow-up slots (re-engagements
and reviews ahead), each row linking to where it is done; what is due now is a finding of the
rules, listed with the findings (issue 11 point 3 with points 4 and 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from accountplan.book.choices import OpportunityStatus
from accountplan.followup.models import LostDealPlan
from accountplan.followup.services import create_micro_plans
from accountplan.governance.digest import digest_text
from accountplan.governance.services import run_rules
from tests.factories import AccountFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def test_lost_deals_coming_up_and_due_on_their_owners_home_and_digest(client: Client) -> None:
    ae = UserFactory(username="bob", email="bob@example.com")
    other = UserFactory(username="eve")
    account = AccountFactory(owner=ae, name="Initech")
    for _ in range(2):
        OpportunityFactory(
            account=account, status=OpportunityStatus.LOST, stage="Lost", close_date=TODAY
        )
    create_micro_plans()
    soon, due = LostDealPlan.objects.filter(account=account).order_by("pk")
    soon.reengage_on = TODAY + dt.timedelta(days=10)
    soon.save()
    due.reengage_on = TODAY - dt.timedelta(days=1)
    due.save()
    run_rules(trigger="test", today=TODAY)

    client.force_login(ae)
    html = client.get("/").content.decode()
    assert 'data-slot="reengage_upcoming"' in html and 'data-slot="reviews_upcoming"' in html
    slot = html[html.index('data-slot="reengage_upcoming"') :]
    assert f'href="/lost-deals/{soon.pk}/"' in slot and "Initech" in slot
    assert f'href="/lost-deals/{due.pk}/"' not in slot
    assert f'class="fix" href="/lost-deals/{due.pk}/"' in html
    assert "No review coming up in the next 45 days." in html

    text, count = digest_text(ae, TODAY)
    assert "Re-engagements coming up:" in text and f"/lost-deals/{soon.pk}/" in text
    assert "Lost deal due for re-engagement" in text and f"/lost-deals/{due.pk}/" in text
    assert count >= 2

    client.force_login(other)
    assert "Initech" not in client.get("/").content.decode()

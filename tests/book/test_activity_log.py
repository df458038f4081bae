"""Logging an activity on the account page: who may, what is checked, where it shows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from accountplan.book.models import Activity
from accountplan.core.models import Role, User
from tests.factories import AccountFactory, ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_owner_logs_a_call_with_a_contact_and_it_heads_the_timeline(ae: User) -> None:
    account = AccountFactory(owner=ae)
    contact = ContactFactory(account=account, last_name="Zed")
    c = _client(ae)
    page = c.get(f"/accounts/{account.pk}/").content.decode()
    assert 'data-testid="log-activity"' in page and "Zed" in page
    today = timezone.localdate()
    answer = c.post(
        f"/accounts/{account.pk}/activities/",
        {"kind": "call", "subject": "  QBR <prep>  ", "date": today.isoformat(),
         "contact": contact.pk, "notes": "Agreed next steps"},
    )  # fmt: skip
    assert answer.status_code == 302 and answer["Location"].endswith("#timeline")
    logged = Activity.objects.get(account=account)
    assert (logged.contact, logged.subject, logged.owner, logged.date, logged.external_id) == (
        contact, "QBR <prep>", ae, today, None
    )  # fmt: skip
    page = c.get(f"/accounts/{account.pk}/").content.decode()
    assert "Logged: QBR &lt;prep&gt; (Call)." in page
    timeline = page.split('<ol class="timeline"')[1]
    assert timeline.index("QBR &lt;prep&gt;") < timeline.index("</li>")  # the first row


def test_a_future_date_or_another_accounts_contact_is_refused(ae: User) -> None:
    account = AccountFactory(owner=ae)
    stranger = ContactFactory(account=AccountFactory(owner=ae))
    c = _client(ae)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    url = f"/accounts/{account.pk}/activities/"
    c.post(url, {"kind": "call", "subject": "Later", "date": tomorrow.isoformat()})
    c.post(url, {"kind": "call", "subject": "Wrong", "date": "2026-01-02", "contact": stranger.pk})
    assert not Activity.objects.exists()
    page = c.get(f"/accounts/{account.pk}/").content.decode()
    assert "not after today" in page


def test_a_viewer_reads_the_timeline_but_does_not_log(ae: User) -> None:
    account = AccountFactory(owner=ae)
    viewer = UserFactory(username="vera", role=Role.VIEWER)
    c = _client(viewer)
    assert 'data-testid="log-activity"' not in c.get(f"/accounts/{account.pk}/").content.decode()
    answer = c.post(f"/accounts/{account.pk}/activities/",
                    {"kind": "call", "subject": "No", "date": "2026-01-02"})  # fmt: skip
    assert answer.status_code == 403
    assert not Activity.objects.exists()

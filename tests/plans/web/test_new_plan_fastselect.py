"""Starting a plan in a big book: the account is searched (FastSelect), never listed in full,
and the search and the check both stay within the accounts the user may see."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accountplan.plans import new_plan_form
from accountplan.plans.models import AccountPlan
from tests.factories import PASSWORD, AccountFactory

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


@pytest.fixture
def big(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any book is "big": more accounts than the plain select lists."""
    monkeypatch.setattr(new_plan_form, "FASTSELECT_LIMIT", 1)


def test_small_book_lists_every_account(book: Any) -> None:
    html = client_for(book.alice).get("/plans/").content.decode()
    assert "fastselect-search" not in html
    assert f'<option value="{book.account.pk}">Acme Corp</option>' in html
    assert f'<option value="{book.other.pk}">Globex</option>' in html


def test_big_book_ships_a_search_box_and_no_options(book: Any, big: None) -> None:
    html = client_for(book.alice).get("/plans/").content.decode()
    assert 'data-fastselect-url="/accounts/choices/"' in html
    assert "fastselect-search" in html
    assert "Acme Corp</option>" not in html and "Globex</option>" not in html


def test_choices_are_scoped_searched_and_capped(book: Any) -> None:
    for i in range(25):
        AccountFactory.create(name=f"Acme Branch {i:02}", owner=book.bob)
    bob = client_for(book.bob).get("/accounts/choices/", {"q": "acme"}).json()["results"]
    assert len(bob) == 20
    assert bob[0]["label"].startswith("Acme Branch 00")
    # Matched as the global search matches (name prefix, typos forgiven), scoped: charlie
    # finds Globex, misspelt, and none of bob's Acme accounts.
    charlie = client_for(book.charlie).get("/accounts/choices/", {"q": "globx"}).json()["results"]
    assert [r["id"] for r in charlie] == [book.other.pk]
    assert client_for(book.charlie).get("/accounts/choices/", {"q": "acme"}).json() == {
        "results": []
    }
    assert client_for(book.bob).get("/accounts/choices/").json() == {"results": []}
    assert Client().get("/accounts/choices/", {"q": "acme"}).status_code == 302


def test_big_book_accepts_a_visible_account_and_refuses_another(book: Any, big: None) -> None:
    c = client_for(book.bob)
    r = c.post("/plans/new/", {"account": book.account.pk, "period": "FY2029"})
    assert r.status_code == 302
    assert AccountPlan.objects.filter(account=book.account, period="FY2029").exists()
    refused = c.post("/plans/new/", {"account": book.other.pk, "period": "FY2029"})
    assert refused.status_code == 400
    assert b"Pick one of your accounts" in refused.content
    assert not AccountPlan.objects.filter(account=book.other).exists()
    junk = c.post("/plans/new/", {"account": "12a", "period": "FY2029"})
    assert junk.status_code == 400


def test_redisplayed_form_keeps_the_chosen_account(book: Any, big: None) -> None:
    r = client_for(book.bob).post("/plans/new/", {"account": book.account.pk, "period": "<x>"})
    assert r.status_code == 400
    html = r.content.decode()
    assert f'<option value="{book.account.pk}" selected>Acme Corp</option>' in html

"""Every endpoint shows a user only the accounts they may see, and the rows of those accounts.

alice (manager) sees the whole book; bob (AE) his own account and the one he is on the team of;
charlie (AE) only his own. What one may not see is a 404, the same as what does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from accountplan.core.models import User
from tests.api.conftest import Book

pytestmark = pytest.mark.django_db


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


# (list path, rows bob may see, rows only someone else may see), by name of the Book attribute.
LISTS = [
    ("/api/accounts", {"bobs", "teamed"}, {"subsidiary", "charlies"}),
    ("/api/opportunities", {"bobs_won", "bobs_open", "teamed_lost"}, {"charlies_won"}),
    ("/api/purchase-lines", {"bobs_line"}, {"charlies_line"}),
    ("/api/contacts", {"bobs_contact"}, {"charlies_contact"}),
    ("/api/buying-centers", {"bobs_center"}, {"charlies_center"}),
    ("/api/activities", {"bobs_call"}, {"charlies_meeting"}),
    ("/api/account-teams", {"bob_on_team"}, {"charlie_on_team"}),
]


@pytest.mark.parametrize(("path", "bobs_rows", "others_rows"), LISTS)
def test_an_ae_lists_only_rows_of_accounts_they_own_or_team_on(
    book: Book,
    ae: User,
    token_client: Callable[[User], Client],
    path: str,
    bobs_rows: set[str],
    others_rows: set[str],
) -> None:
    expected = {getattr(book, name).pk for name in bobs_rows}
    response = token_client(ae).get(path)
    assert ids(response) == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize(("path", "bobs_rows", "others_rows"), LISTS)
def test_a_manager_lists_the_whole_book(
    book: Book,
    manager: User,
    session_client: Callable[[User], Client],
    path: str,
    bobs_rows: set[str],
    others_rows: set[str],
) -> None:
    expected = {getattr(book, name).pk for name in bobs_rows | others_rows}
    assert ids(session_client(manager).get(path)) == expected


def test_an_outsider_sees_only_his_own_accounts(
    book: Book, outsider: User, token_client: Callable[[User], Client]
) -> None:
    client = token_client(outsider)
    assert ids(client.get("/api/accounts")) == {book.subsidiary.pk, book.charlies.pk}
    assert ids(client.get("/api/opportunities")) == {book.charlies_won.pk}


DETAILS = [
    ("/api/accounts/{}", "bobs", "charlies"),
    ("/api/accounts/{}", "teamed", "subsidiary"),
    ("/api/opportunities/{}", "teamed_lost", "charlies_won"),
    ("/api/purchase-lines/{}", "bobs_line", "charlies_line"),
    ("/api/contacts/{}", "bobs_contact", "charlies_contact"),
    ("/api/buying-centers/{}", "bobs_center", "charlies_center"),
    ("/api/activities/{}", "bobs_call", "charlies_meeting"),
]


@pytest.mark.parametrize(("path", "visible", "invisible"), DETAILS)
def test_an_invisible_object_is_a_404_like_a_missing_one(
    book: Book,
    ae: User,
    token_client: Callable[[User], Client],
    path: str,
    visible: str,
    invisible: str,
) -> None:
    client = token_client(ae)
    seen = client.get(path.format(getattr(book, visible).pk))
    assert seen.status_code == 200
    assert seen.json()["id"] == getattr(book, visible).pk

    hidden = client.get(path.format(getattr(book, invisible).pk))
    missing = client.get(path.format(999_999))
    assert hidden.status_code == missing.status_code == 404
    # Same message shape: nothing tells "exists but hidden" from "does not exist".
    assert hidden.json()["detail"].replace(str(getattr(book, invisible).pk), "N") == missing.json()[
        "detail"
    ].replace("999999", "N")


def test_the_outsider_sees_his_account_but_not_bobs(
    book: Book, outsider: User, session_client: Callable[[User], Client]
) -> None:
    client = session_client(outsider)
    assert client.get(f"/api/accounts/{book.charlies.pk}").status_code == 200
    assert client.get(f"/api/accounts/{book.bobs.pk}").status_code == 404
    assert client.get(f"/api/accounts/{book.teamed.pk}").status_code == 404


def test_account_detail_lists_only_visible_children(
    book: Book,
    ae: User,
    manager: User,
    session_client: Callable[[User], Client],
) -> None:
    as_bob = session_client(ae).get(f"/api/accounts/{book.bobs.pk}").json()
    as_alice = session_client(manager).get(f"/api/accounts/{book.bobs.pk}").json()
    assert as_bob["children"] == []
    assert as_alice["children"] == [book.subsidiary.pk]


def test_account_detail_has_buying_centers_team_and_owner(
    book: Book, ae: User, session_client: Callable[[User], Client]
) -> None:
    body = session_client(ae).get(f"/api/accounts/{book.teamed.pk}").json()
    assert body["name"] == "Beta Industries"
    assert body["owner"]["username"] == "dave"
    assert [(m["user"]["username"], m["function"]) for m in body["team"]] == [("bob", "sales")]

    bobs = session_client(ae).get(f"/api/accounts/{book.bobs.pk}").json()
    assert [(c["name"], c["kind"]) for c in bobs["buying_centers"]] == [("Paris plant", "site")]


def test_money_is_a_decimal_string_and_dates_are_iso(
    book: Book, ae: User, session_client: Callable[[User], Client]
) -> None:
    body = session_client(ae).get(f"/api/opportunities/{book.bobs_won.pk}").json()
    assert body["amount"] == "1500.25"
    assert body["close_date"] == "2024-03-01"
    assert body["account"] == {"id": book.bobs.pk, "name": "Acme Corp"}
    assert body["product"]["name"] == "Widget"


def test_products_are_the_shared_catalogue(
    book: Book, outsider: User, session_client: Callable[[User], Client]
) -> None:
    response = session_client(outsider).get("/api/products")
    assert ids(response) == {book.widget.pk, book.gadget.pk}
    widget = session_client(outsider).get(f"/api/products/{book.widget.pk}").json()
    assert widget["list_price"] == "1200.50"


def test_users_list_has_no_contact_details(
    book: Book, ae: User, session_client: Callable[[User], Client]
) -> None:
    body = session_client(ae).get("/api/users").json()
    assert {u["username"] for u in body["items"]} == {"alice", "bob", "charlie", "dave"}
    assert all("email" not in u and "password" not in u for u in body["items"])

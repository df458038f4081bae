"""Filters, sorting and pagination of the lists, and clear 422s for bad parameters."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from accountplan.core.models import User
from tests.api.conftest import Book
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(manager: User, session_client: Callable[[User], Client]) -> Client:
    return session_client(manager)


def names(client: Client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=acme", ["Acme Corp", "Acme Lyon"]),
        ("owner=BOB", ["Acme Corp"]),
        ("segment=enterprise", ["Acme Corp"]),
        ("industry=Software", ["Beta Industries"]),
        ("territory=west", ["Charlie Co"]),
        ("country=france", ["Acme Corp"]),
        ("status=prospect", ["Beta Industries"]),
        ("top_level=false", ["Acme Lyon"]),
        ("q=acme&top_level=true", ["Acme Corp"]),
        ("sort=-name", ["Charlie Co", "Beta Industries", "Acme Lyon", "Acme Corp"]),
    ],
)
def test_account_filters(book: Book, alice: Client, query: str, expected: list[str]) -> None:
    assert names(alice, f"/api/accounts?{query}") == expected


def test_accounts_by_owner_id_and_parent(book: Book, alice: Client, outsider: User) -> None:
    assert names(alice, f"/api/accounts?owner_id={outsider.pk}") == ["Acme Lyon", "Charlie Co"]
    assert names(alice, f"/api/accounts?parent={book.bobs.pk}") == ["Acme Lyon"]


def test_opportunity_filters(book: Book, alice: Client, ae: User) -> None:
    def opp_ids(query: str) -> set[int]:
        response = alice.get(f"/api/opportunities?{query}")
        assert response.status_code == 200, response.content
        return {o["id"] for o in response.json()["items"]}

    assert opp_ids(f"account={book.bobs.pk}") == {book.bobs_won.pk, book.bobs_open.pk}
    assert opp_ids("status=lost") == {book.teamed_lost.pk}
    assert opp_ids("type=upsell") == {book.bobs_open.pk}
    assert opp_ids(f"product={book.gadget.pk}") == {book.bobs_open.pk}
    assert opp_ids(f"owner={ae.pk}&status=won") == {book.bobs_won.pk}
    assert opp_ids("close_date_from=2024-01-01&close_date_to=2024-06-30") == {
        book.bobs_won.pk,
        book.charlies_won.pk,
    }


def test_purchase_line_contact_activity_and_product_filters(book: Book, alice: Client) -> None:
    lines = alice.get(f"/api/purchase-lines?product={book.widget.pk}&date_from=2024-02-01")
    assert [x["id"] for x in lines.json()["items"]] == [book.bobs_line.pk]
    assert lines.json()["items"][0]["amount"] == "99.99"
    contacts = alice.get("/api/contacts?q=curie")
    assert [x["id"] for x in contacts.json()["items"]] == [book.bobs_contact.pk]
    calls = alice.get("/api/activities?kind=call&date_to=2024-04-02")
    assert [x["id"] for x in calls.json()["items"]] == [book.bobs_call.pk]
    assert names(alice, "/api/products?family=hardware") == ["Widget"]
    teams = alice.get("/api/account-teams?function=executive_sponsor")
    assert [x["id"] for x in teams.json()["items"]] == [book.charlie_on_team.pk]


def test_pagination_gives_the_total_and_pages_through(manager: User, alice: Client) -> None:
    AccountFactory.create_batch(7)
    first = alice.get("/api/accounts?limit=3").json()
    assert (first["count"], first["limit"], first["offset"], len(first["items"])) == (7, 3, 0, 3)
    last = alice.get("/api/accounts?limit=3&offset=6").json()
    assert len(last["items"]) == 1
    every = [
        a["id"]
        for off in (0, 3, 6)
        for a in alice.get(f"/api/accounts?limit=3&offset={off}").json()["items"]
    ]
    assert len(set(every)) == 7


def test_default_page_size_is_50(manager: User, alice: Client) -> None:
    AccountFactory.create_batch(51)
    body = alice.get("/api/accounts").json()
    assert (body["count"], len(body["items"]), body["limit"]) == (51, 50, 50)


def test_limit_over_200_is_a_422_that_names_the_limit(manager: User, alice: Client) -> None:
    response = alice.get("/api/accounts?limit=201")
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"][-1] == "limit"
    assert "200" in error["msg"]
    assert alice.get("/api/accounts?limit=200").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/opportunities?close_date_from=2024-13-45",
        "/api/purchase-lines?date_to=yesterday",
        "/api/purchase-lines?date_to=0",  # not a Unix time (issue 14 point 15)
        "/api/activities?date_from=1700000000",
        "/api/opportunities?close_date_to=99999-99-99",
        "/api/activities?date_to=2024-02-30",
        "/api/accounts?status=bankrupt",
        "/api/accounts?sort=password",
        "/api/accounts?owner_id=bob",
        "/api/accounts?offset=-1",
        "/api/accounts?limit=0",
        "/api/accounts/not-a-number",
    ],
)
def test_bad_parameters_are_a_422_naming_the_parameter(
    manager: User, alice: Client, url: str
) -> None:
    response = alice.get(url)
    assert response.status_code == 422
    detail = response.json()["detail"]
    name = url.split("?")[-1].split("=")[0] if "?" in url else "account_id"
    assert any(error["loc"][-1] == name for error in detail), detail


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/accounts/99999999999999999999", "account_id"),
        ("/api/accounts?owner_id=99999999999999999999", "owner_id"),
        ("/api/opportunities?account=99999999999999999999", "account"),
        ("/api/accounts?offset=99999999999999999999", "offset"),
        ("/api/accounts?q=%00", "q"),
        ("/api/contacts?q=" + "x" * 201, "q"),
        ("/api/users?territory=a%00b", "territory"),
    ],
)
def test_out_of_range_ids_and_nul_text_are_422_not_a_database_error(
    manager: User, alice: Client, url: str, name: str
) -> None:
    response = alice.get(url)
    assert response.status_code == 422
    assert any(error["loc"][-1] == name for error in response.json()["detail"])


def test_a_token_name_with_nul_is_a_422(manager: User, alice: Client) -> None:
    response = alice.post("/api/tokens", {"name": "a\x00b"}, content_type="application/json")
    assert response.status_code == 422
    assert "NUL" in response.json()["detail"][0]["msg"]

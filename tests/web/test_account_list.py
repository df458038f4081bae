"""The accounts list: scoped, searchable, filterable, sortable, paginated, never a 500."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client

from accountplan.core.models import User
from tests.factories import AccountFactory, OpportunityFactory
from tests.web.conftest import Book, signed_in

URL = "/accounts/"


def names(response) -> list[str]:
    """Account names in the table, in order."""
    return [a.name for a in response.context["page_obj"].object_list]


def test_manager_sees_the_whole_book(client: Client, manager: User, book: Book) -> None:
    response = signed_in(client, manager).get(URL)
    assert response.status_code == 200
    assert names(response) == ["Acme Corp", "Acme Europe", "Globex", "Initech"]


def test_ae_sees_only_owned_and_team_accounts(client: Client, ae: User, book: Book) -> None:
    response = signed_in(client, ae).get(URL)
    assert names(response) == ["Acme Corp", "Acme Europe", "Globex"]
    assert b"Initech" not in response.content


def test_ae_filter_options_come_from_the_visible_book(client: Client, ae: User, book: Book) -> None:
    response = signed_in(client, ae).get(URL)
    segment_choices = [v for v, _ in response.context["form"].fields["segment"].choices]
    assert segment_choices == ["", "Enterprise", "SMB"]
    assert "Finance" not in response.content.decode()


def test_figures_are_annotated_per_account(client: Client, manager: User, book: Book) -> None:
    response = signed_in(client, manager).get(URL)
    acme = next(a for a in response.context["page_obj"].object_list if a.name == "Acme Corp")
    assert acme.open_pipeline == Decimal("5000")
    # The 2-year-old win is outside the 12-month window; the lost deal never counts.
    assert acme.won_12m == Decimal("12000")
    html = response.content.decode()
    assert "$5,000" in html and "$12,000" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "acme"}, ["Acme Corp", "Acme Europe"]),
        ({"q": "glx-7"}, ["Globex"]),  # external id, case-insensitive
        ({"segment": "SMB"}, ["Globex"]),
        ({"industry": "Finance"}, ["Initech"]),
        ({"territory": "East", "q": "europe"}, ["Acme Europe"]),
    ],
)
def test_search_and_filters(client: Client, manager: User, book: Book, query, expected) -> None:
    response = signed_in(client, manager).get(URL, query)
    assert names(response) == expected


def test_filter_by_owner(client: Client, manager: User, ae: User, book: Book) -> None:
    response = signed_in(client, manager).get(URL, {"owner": ae.pk})
    assert names(response) == ["Acme Corp", "Acme Europe"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Acme Corp", "Acme Europe", "Globex", "Initech"]),
        ("-name", ["Initech", "Globex", "Acme Europe", "Acme Corp"]),
        ("-employees", ["Acme Corp", "Initech", "Acme Europe", "Globex"]),
        ("employees", ["Globex", "Acme Europe", "Initech", "Acme Corp"]),
        ("industry", ["Initech", "Acme Corp", "Acme Europe", "Globex"]),
        ("-won", ["Acme Corp", "Initech", "Acme Europe", "Globex"]),
    ],
)
def test_sort(client: Client, manager: User, book: Book, sort: str, expected) -> None:
    response = signed_in(client, manager).get(URL, {"sort": sort})
    assert names(response) == expected


def test_sort_header_toggles_and_keeps_filters(client: Client, manager: User, book: Book) -> None:
    response = signed_in(client, manager).get(URL, {"sort": "name", "segment": "Enterprise"})
    html = response.content.decode()
    header = re.search(r'<th[^>]*aria-sort="ascending"[^>]*><a href="([^"]+)"', html)
    assert header is not None
    href = header.group(1).replace("&amp;", "&")
    assert "sort=-name" in href and "segment=Enterprise" in href
    assert "▲" in html


def test_pagination_25_per_page(client: Client, manager: User, db: None) -> None:
    AccountFactory.create_batch(60, owner=manager)
    response = signed_in(client, manager).get(URL, {"page": 2})
    assert len(response.context["page_obj"].object_list) == 25
    html = response.content.decode()
    assert "Showing 26–50 of 60" in html
    assert 'aria-current="page">2<' in html
    assert "page=3" in html and "page=1" in html


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "-5"},
        {"page": "99999"},
        {"sort": "evil; DROP TABLE"},
        {"sort": "-password"},
        {"owner": "not-a-number"},
        {"owner": "999999"},
        {"segment": "Nope"},
        {"per_page": "x"},
        {"q": "x" * 500},
    ],
)
def test_junk_params_are_ignored_not_500(client: Client, manager: User, book: Book, params) -> None:
    response = signed_in(client, manager).get(URL, params)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count >= 0


def test_junk_filter_is_reported(client: Client, manager: User, book: Book) -> None:
    response = signed_in(client, manager).get(URL, {"owner": "zzz", "sort": "evil"})
    html = response.content.decode()
    assert "Ignored owner “zzz”" in html
    assert "Ignored sort order “evil”" in html
    # The ignored filter does not narrow the list.
    assert len(names(response)) == 4


def test_account_names_are_escaped(client: Client, manager: User, db: None) -> None:
    AccountFactory(name="<script>alert(1)</script>", owner=manager)
    html = signed_in(client, manager).get(URL).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_empty_book_suggests_an_import(client: Client, manager: User) -> None:
    html = signed_in(client, manager).get(URL).content.decode()
    assert "No accounts yet" in html
    assert "accountplan demo" in html


def test_no_match_offers_to_clear_filters(client: Client, manager: User, book: Book) -> None:
    html = signed_in(client, manager).get(URL, {"q": "zzzz"}).content.decode()
    assert "No accounts match these filters" in html
    assert "Clear filters" in html
    assert "No accounts yet" not in html


def test_htmx_request_returns_the_fragment(client: Client, manager: User, book: Book) -> None:
    response = signed_in(client, manager).get(URL, {"q": "glo"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="account-results"')
    assert "<html" not in html and "Globex" in html and "Initech" not in html


def test_htmx_history_restore_gets_the_full_page(client: Client, manager: User, book: Book) -> None:
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    html = signed_in(client, manager).get(URL, headers=headers).content.decode()
    assert "<html" in html


def test_query_count_does_not_grow_with_rows(
    client: Client, manager: User, django_assert_max_num_queries
) -> None:
    signed_in(client, manager)
    accounts = AccountFactory.create_batch(30, owner=manager)
    for account in accounts:
        OpportunityFactory.create_batch(2, account=account, owner=manager)
    AccountFactory.create_batch(5, parent=accounts[0], owner=manager)
    # session + user, current analytics snapshot, 4 filter option lists, count, page.
    with django_assert_max_num_queries(9):
        response = client.get(URL, {"sort": "-won"})
    assert len(response.context["page_obj"].object_list) == 25


def test_list_needs_login(client: Client, db: None) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")

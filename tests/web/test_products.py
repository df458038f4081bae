"""The products list: figures from the user's visible book, search, family filter, sort."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from accountplan.core.models import User
from tests.factories import OpportunityFactory, ProductFactory
from tests.web.conftest import Book, signed_in

URL = "/products/"


def rows(response) -> dict[str, tuple[int, Decimal]]:
    return {
        p.name: (p.accounts_bought, p.won_amount) for p in response.context["page_obj"].object_list
    }


def test_manager_figures_cover_the_whole_book(client: Client, manager: User, book: Book) -> None:
    response = signed_in(client, manager).get(URL)
    # Laptop: Acme (purchases) + Initech (won); Server: Acme (won) + Globex (purchase).
    assert rows(response) == {
        "Laptop Pro": (2, Decimal("9000")),
        "Server X": (2, Decimal("19000")),
    }


def test_ae_figures_cover_only_visible_accounts(client: Client, ae: User, book: Book) -> None:
    response = signed_in(client, ae).get(URL)
    assert rows(response) == {
        "Laptop Pro": (1, Decimal("0")),
        "Server X": (2, Decimal("19000")),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "lap"}, ["Laptop Pro"]),
        ({"q": "p-srv"}, ["Server X"]),
        ({"family": "Datacenter"}, ["Server X"]),
        ({"sort": "-won"}, ["Server X", "Laptop Pro"]),
        ({"sort": "name"}, ["Laptop Pro", "Server X"]),
        ({"sort": "family"}, ["Server X", "Laptop Pro"]),
    ],
)
def test_search_filter_sort(client: Client, manager: User, book: Book, params, expected) -> None:
    response = signed_in(client, manager).get(URL, params)
    assert [p.name for p in response.context["page_obj"].object_list] == expected


@pytest.mark.parametrize("params", [{"sort": "x"}, {"page": "q"}, {"family": "<b>"}])
def test_junk_params(client: Client, manager: User, book: Book, params) -> None:
    assert signed_in(client, manager).get(URL, params).status_code == 200


def test_empty_states(client: Client, manager: User) -> None:
    signed_in(client, manager)
    assert "No products yet" in client.get(URL).content.decode()
    ProductFactory()
    html = client.get(URL, {"q": "nothing-like-this"}).content.decode()
    assert "No products match these filters" in html


def test_money_and_escaping(client: Client, manager: User) -> None:
    ProductFactory(name="<i>Widget</i>", list_price=Decimal("1234.5"))
    html = signed_in(client, manager).get(URL).content.decode()
    assert "$1,234.50" in html
    assert "<i>Widget</i>" not in html and "&lt;i&gt;Widget&lt;/i&gt;" in html


def test_htmx_fragment(client: Client, manager: User, book: Book) -> None:
    html = (
        signed_in(client, manager)
        .get(URL, {"family": "Hardware"}, headers={"HX-Request": "true"})
        .content.decode()
    )
    assert html.lstrip().startswith('<section id="product-results"')
    assert "Laptop Pro" in html and "Server X" not in html


def test_query_count_is_pinned(
    client: Client, manager: User, django_assert_max_num_queries
) -> None:
    signed_in(client, manager)
    for product in ProductFactory.create_batch(20):
        OpportunityFactory.create_batch(2, product=product)
    # session, user, families, the current snapshot (none here: nothing cached), the figures'
    # three grouped queries (buyers by line, buyers by won deal only, won amounts), products.
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert len(response.context["page_obj"].object_list) == 20

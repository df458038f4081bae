"""List endpoints cost a fixed number of queries however many rows they return (no N+1).

A session request costs 2 queries (session, user); a list then costs 2 more (the page, the count).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from accountplan.book import models as m
from accountplan.core.models import User
from tests.api.conftest import Book
from tests.factories import (
    AccountFactory,
    ContactFactory,
    OpportunityFactory,
    PurchaseLineFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/accounts",
    "/api/opportunities",
    "/api/purchase-lines",
    "/api/contacts",
    "/api/buying-centers",
    "/api/activities",
    "/api/account-teams",
    "/api/products",
    "/api/users",
]


@pytest.fixture
def bigger_book(book: Book, ae: User) -> None:
    """Fifteen more accounts of bob's with a row of every kind, each with its own owner."""
    for n in range(15):
        owner = UserFactory(username=f"owner{n}")
        account = AccountFactory(owner=ae if n % 2 else owner)
        TeamMemberFactory(account=account, user=ae if n % 2 == 0 else owner)
        opp = OpportunityFactory(account=account, owner=owner)
        PurchaseLineFactory(account=account, product=opp.product)
        contact = ContactFactory(account=account)
        m.BuyingCenter.objects.create(account=account, name=f"Site {n}")
        m.Activity.objects.create(
            account=account,
            contact=contact,
            opportunity=opp,
            subject="Call",
            date=opp.close_date,
            owner=owner,
        )


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("who", ["manager", "ae"])
def test_list_query_count_is_flat(
    bigger_book: None,
    request: pytest.FixtureRequest,
    session_client: Callable[[User], Client],
    django_assert_max_num_queries: Any,
    path: str,
    who: str,
) -> None:
    client = session_client(request.getfixturevalue(who))
    with django_assert_max_num_queries(4):
        response = client.get(f"{path}?limit=200")
    assert response.status_code == 200
    assert len(response.json()["items"]) >= 2


def test_token_auth_adds_at_most_two_queries(
    bigger_book: None,
    ae: User,
    token_client: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    client = token_client(ae)
    # The first use in a minute records it: on SQLite a short lock wait set and reset around
    # the UPDATE, in a savepoint here (the test's transaction); on PostgreSQL the UPDATE alone.
    with django_assert_max_num_queries(8):  # token lookup, recording (≤ 5), page, count
        response = client.get("/api/opportunities?limit=200")
    assert response.json()["count"] == 3 + 15
    with django_assert_max_num_queries(3):  # token lookup, page, count
        response = client.get("/api/opportunities?limit=200")
    assert response.json()["count"] == 3 + 15


def test_account_detail_query_count(
    bigger_book: None,
    book: Book,
    ae: User,
    session_client: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    client = session_client(ae)
    with django_assert_max_num_queries(6):  # session, user, account, children, centers, team
        response = client.get(f"/api/accounts/{book.bobs.pk}")
    assert response.status_code == 200

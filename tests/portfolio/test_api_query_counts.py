"""Query counts of the analytics lists and of the plans list: pinned, and flat in the rows.

Each list is asked once on a small book and again after more scored accounts (with cells) or
plans are added; the number of queries must not move (no query per row), and stays under a pin.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from accountplan.book.models import Account
from accountplan.core.models import User
from accountplan.plans.services import create_plan, save_section
from accountplan.portfolio.grid_data import forget
from accountplan.portfolio.models import AccountScore, CellScore, PeerRate, Snapshot, SnapshotItem
from tests.factories import AccountFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    forget()


#: The pins: session and user (2), the snapshot, then the page and the count (lists), the
#: points and the whole book's figures (grid); the plans list: the page, the completeness of
#: its plans (one query), the count.
PINS = {
    "/api/analytics/accounts?limit=200": 5,
    # the items, the count, the page, its accounts' scores, their stored cells and peer rates,
    # and for propensity the look-alikes' owned items and names
    "/api/analytics/cells?limit=200": 11,
    "/api/analytics/grid": 5,
    "/api/plans?limit=200": 5,
}

_PLAYS = itertools.cycle(["Expand", "Penetrate", "Nurture", "Manage", ""])


def scored_accounts(snapshot: Snapshot, n: int, owner: User) -> list[Account]:
    """``n`` new accounts (each with its own owner, so owners cannot be shared by a cache),
    scored in ``snapshot`` with two stored cells each, over two new items of the snapshot."""
    products = [ProductFactory.create() for _ in range(2)]
    for product in products:
        SnapshotItem.objects.create(
            snapshot=snapshot, item=str(product.pk), item_name=product.name, product=product
        )
        PeerRate.objects.create(
            snapshot=snapshot, item=str(product.pk), peer_count=5, rate="1.5", peer_text="x"
        )
    accounts = []
    for i in range(n):
        account = AccountFactory.create(owner=UserFactory.create() if i % 2 else owner)
        AccountScore.objects.create(
            snapshot=snapshot,
            account=account,
            size=100,
            current_revenue=Decimal(1000) * (i + 1),
            whitespace_value=Decimal(500) * (i + 1),
            potential_score=0.1 * (i % 10),
            play=next(_PLAYS),
            tier=1 + i % 3,
            lookalikes=[[account.pk - 1, 0.5]] if i else [],
        )
        for product in products:
            CellScore.objects.create(
                snapshot=snapshot,
                account=account,
                item=str(product.pk),
                current_revenue=Decimal(10),
                potential=Decimal(150),
                state="partial",
                whitespace_value=Decimal(140),
            )
        accounts.append(account)
    return accounts


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def snapshot() -> Snapshot:
    return Snapshot.objects.create(
        as_of=dt.date(2026, 12, 31),
        level="product",
        status="done",
        finished_at=timezone.now(),
    )


def count_queries(client: Client, url: str) -> tuple[int, dict[str, object]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()


def size(body: dict[str, object]) -> int:
    """Rows in the answer: items of a page, points of the grid."""
    rows = body.get("items", body.get("points"))
    assert isinstance(rows, list)
    return len(rows)


@pytest.mark.parametrize("url", [u for u in PINS if u.startswith("/api/analytics")])
def test_analytics_lists_do_not_grow_with_rows(
    url: str,
    snapshot: Snapshot,
    manager: User,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = Client()
    client.force_login(manager)
    scored_accounts(snapshot, 3, manager)
    few, small = count_queries(client, url)
    scored_accounts(snapshot, 12, manager)
    # A finished snapshot never gains rows in the app, so what the lists keep per snapshot is
    # forgotten here by hand, as a new snapshot would.
    forget()
    many, big = count_queries(client, url)
    assert size(big) > size(small) >= 2
    assert many == few, f"{url}: {few} queries for {size(small)} rows, {many} for {size(big)}"
    with django_assert_max_num_queries(PINS[url]):
        client.get(url)


@pytest.mark.parametrize("url", [u for u in PINS if u.startswith("/api/analytics")])
def test_an_aes_lists_are_as_flat(
    url: str, snapshot: Snapshot, ae: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = Client()
    client.force_login(ae)
    scored_accounts(snapshot, 4, ae)
    few, small = count_queries(client, url)
    scored_accounts(snapshot, 10, ae)
    forget()  # as above: a new snapshot would have a cache of its own
    many, big = count_queries(client, url)
    assert size(big) > size(small) >= 1
    assert many == few
    with django_assert_max_num_queries(PINS[url]):
        client.get(url)


def test_the_plans_list_does_not_grow_with_plans(
    manager: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    url = "/api/plans?limit=200"
    client = Client()
    client.force_login(manager)

    def plans(n: int) -> None:
        for i in range(n):
            owner = UserFactory.create()
            account = AccountFactory.create(owner=owner)
            plan = create_plan(account, "FY2027", owner)
            save_section(plan, "needs", {"needs": [{"rank": 1, "need": f"Need {i}"}]}, 1, owner)

    plans(2)
    few, small = count_queries(client, url)
    plans(9)
    many, big = count_queries(client, url)
    assert (size(small), size(big)) == (2, 11)
    assert many == few
    with django_assert_max_num_queries(PINS[url]):
        client.get(url)

"""An account's parent is named only to callers who may see the parent."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from accountplan.core.models import User
from tests.api.conftest import Book

pytestmark = pytest.mark.django_db


def parent_of(client: Client, name: str) -> int | None:
    items = client.get("/api/accounts").json()["items"]
    (row,) = [item for item in items if item["name"] == name]
    return row["parent_id"]


def test_a_manager_sees_the_parent_id(
    book: Book, manager: User, session_client: Callable[[User], Client]
) -> None:
    assert parent_of(session_client(manager), "Acme Lyon") == book.bobs.pk


def test_an_owner_who_cannot_see_the_parent_gets_none(
    book: Book, outsider: User, session_client: Callable[[User], Client]
) -> None:
    client = session_client(outsider)
    assert parent_of(client, "Acme Lyon") is None
    detail = client.get(f"/api/accounts/{book.subsidiary.pk}").json()
    assert detail["parent_id"] is None


def test_an_ae_who_sees_both_gets_the_parent_id(
    book: Book, outsider: User, session_client: Callable[[User], Client]
) -> None:
    from tests.factories import AccountFactory

    parent = AccountFactory(name="Charlie Holding", owner=outsider)
    AccountFactory(name="Charlie Sub", owner=outsider, parent=parent)
    assert parent_of(session_client(outsider), "Charlie Sub") == parent.pk

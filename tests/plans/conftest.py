"""A small book for the plans tests: bob's account with a team, contacts, products, a plan.

- alice: manager (edits every plan); bob: AE, owns ``account``; dave: AE on its team;
- vera: viewer (sees the whole book, edits nothing); charlie: AE who may not see ``account``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from accountplan.book import models as m
from accountplan.book.choices import TeamFunction
from accountplan.core.models import Role, User
from accountplan.plans.models import AccountPlan
from accountplan.plans.services import create_plan
from tests.factories import (
    AccountFactory,
    ContactFactory,
    ProductFactory,
    TeamMemberFactory,
    UserFactory,
)


@dataclass
class Book:
    alice: User
    bob: User
    dave: User
    vera: User
    charlie: User
    account: m.Account
    other: m.Account
    contacts: list[m.Contact]
    stranger: m.Contact
    products: list[m.Product]
    plan: AccountPlan


@pytest.fixture
def book(db: None) -> Book:
    alice = UserFactory.create(
        username="alice", role=Role.MANAGER, first_name="Alice", last_name="M"
    )
    bob = UserFactory.create(username="bob", first_name="Bob", last_name="Owner")
    dave = UserFactory.create(username="dave", first_name="Dave", last_name="Team")
    vera = UserFactory.create(username="vera", role=Role.VIEWER)
    charlie = UserFactory.create(username="charlie")
    account = AccountFactory.create(name="Acme Corp", owner=bob)
    TeamMemberFactory.create(account=account, user=dave, function=TeamFunction.SERVICE)
    other = AccountFactory.create(name="Globex", owner=charlie)
    contacts = [ContactFactory.create(account=account) for _ in range(3)]
    stranger = ContactFactory.create(account=other)
    products = [ProductFactory.create() for _ in range(2)]
    plan = create_plan(account, "FY2027", bob)
    return Book(alice, bob, dave, vera, charlie, account, other, contacts, stranger, products, plan)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

"""A small scored book for the portfolio page tests: eight Retail accounts, three products.

The manager owns six accounts, the AE owns two (``ae_accounts``); the outsider owns none. Revenue is
purchase lines in the 12 months before ``AS_OF``; a snapshot is computed by the real service.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client

from accountplan.book import models as m
from accountplan.book.choices import OpportunityStatus
from accountplan.core.models import User
from accountplan.portfolio.models import Snapshot
from accountplan.portfolio.services import analyze_now
from tests.factories import (
    PASSWORD,
    AccountFactory,
    ContactFactory,
    OpportunityFactory,
    ProductFactory,
    PurchaseLineFactory,
)

AS_OF = dt.date(2024, 6, 30)


@dataclass
class ScoredBook:
    """The accounts, products and snapshot of the page tests."""

    accounts: list[m.Account]
    ae_accounts: list[m.Account]
    products: list[m.Product]
    snapshot: Snapshot


def make_book(manager: User, ae: User, n: int = 8) -> tuple[list[m.Account], list[m.Product]]:
    """``n`` accounts buying a mix of three products (some full, some partial, some none)."""
    suite = ProductFactory(external_id="P-SUITE", name="Suite", family="Core")
    sync = ProductFactory(external_id="P-SYNC", name="Sync", family="Core")
    care = ProductFactory(external_id="P-CARE", name="Care", family="Services")
    accounts = []
    for i in range(n):
        owner = ae if i in (1, 4) else manager
        account = AccountFactory(
            name=f"Shop {i:02d}",
            employees=100 * (i + 1),
            owner=owner,
            territory="East" if i % 2 else "West",
        )
        accounts.append(account)
        # Suite: everyone but the first buys, at different rates per employee.
        if i:
            PurchaseLineFactory(
                account=account,
                product=suite,
                date=dt.date(2024, 3, 1),
                amount=Decimal(1000 * (i + 1) * (1 + i % 3)),
            )
        if i % 2:
            PurchaseLineFactory(
                account=account,
                product=sync,
                date=dt.date(2024, 2, 1),
                amount=Decimal(500 * (i + 1) * (i % 4 + 1)),
            )
        if i == 7:
            PurchaseLineFactory(
                account=account, product=care, date=dt.date(2024, 1, 15), amount=Decimal(900)
            )
    OpportunityFactory(
        account=accounts[0],
        product=sync,
        status=OpportunityStatus.OPEN,
        stage="Proposal",
        close_date=dt.date(2024, 9, 1),
        amount=Decimal(4000),
    )
    OpportunityFactory(
        account=accounts[2],
        product=care,
        status=OpportunityStatus.LOST,
        stage="Closed Lost",
        close_date=dt.date(2024, 5, 1),
        amount=Decimal(3000),
    )
    ContactFactory(account=accounts[3], first_name="Dana", last_name="Buyer", title="CIO")
    return accounts, [suite, sync, care]


@pytest.fixture
def scored(db: None, manager: User, ae: User) -> ScoredBook:
    """The book, scored at ``AS_OF`` by the real service."""
    return build_scored(manager, ae)


def build_scored(manager: User, ae: User) -> ScoredBook:
    """Make the book and score it at ``AS_OF`` by the real service (browser tests call this)."""
    accounts, products = make_book(manager, ae)
    snapshot = analyze_now(as_of=AS_OF, trigger="test").snapshot
    return ScoredBook(
        accounts=accounts,
        ae_accounts=[accounts[1], accounts[4]],
        products=products,
        snapshot=snapshot,
    )


def signed_in(client: Client, user: User) -> Client:
    """The client, signed in as ``user`` through the real login."""
    assert client.login(username=user.username, password=PASSWORD)
    return client

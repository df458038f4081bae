"""A small book seen by alice (manager), bob (AE: own account + team account) and charlie.

- ``bobs``: owned by bob; child ``subsidiary`` is owned by charlie (bob may not see it).
- ``teamed``: owned by dave, bob sits on its team.
- ``charlies``: owned by charlie; bob may not see it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from accountplan.book import models as m
from accountplan.book.choices import (
    AccountStatus,
    ActivityKind,
    BuyingCenterKind,
    OpportunityStatus,
    OpportunityType,
    TeamFunction,
)
from accountplan.core.models import User
from accountplan.core.tokens import create_token
from tests.factories import (
    AccountFactory,
    ContactFactory,
    OpportunityFactory,
    ProductFactory,
    PurchaseLineFactory,
    TeamMemberFactory,
    UserFactory,
)


@dataclass
class Book:
    """The rows the API tests read."""

    bobs: m.Account
    subsidiary: m.Account
    teamed: m.Account
    charlies: m.Account
    widget: m.Product
    gadget: m.Product
    bobs_won: m.Opportunity
    bobs_open: m.Opportunity
    teamed_lost: m.Opportunity
    charlies_won: m.Opportunity
    bobs_line: m.PurchaseLine
    charlies_line: m.PurchaseLine
    bobs_contact: m.Contact
    charlies_contact: m.Contact
    bobs_center: m.BuyingCenter
    charlies_center: m.BuyingCenter
    bobs_call: m.Activity
    charlies_meeting: m.Activity
    bob_on_team: m.AccountTeamMember
    charlie_on_team: m.AccountTeamMember


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Argon2 is slow on purpose; these tests create many users and never check a password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def book(manager: User, ae: User, outsider: User) -> Book:
    dave = UserFactory(username="dave")
    widget = ProductFactory(name="Widget", family="Hardware", list_price=Decimal("1200.50"))
    gadget = ProductFactory(name="Gadget", family="Software")
    bobs = AccountFactory(
        name="Acme Corp", owner=ae, industry="Retail", segment="Enterprise", country="France"
    )
    subsidiary = AccountFactory(name="Acme Lyon", owner=outsider, parent=bobs)
    teamed = AccountFactory(
        name="Beta Industries", owner=dave, industry="Software", status=AccountStatus.PROSPECT
    )
    charlies = AccountFactory(name="Charlie Co", owner=outsider, territory="West")
    bob_on_team = TeamMemberFactory(account=teamed, user=ae, function=TeamFunction.SALES)
    charlie_on_team = TeamMemberFactory(
        account=charlies, user=outsider, function=TeamFunction.EXECUTIVE_SPONSOR
    )
    return Book(
        bobs=bobs,
        subsidiary=subsidiary,
        teamed=teamed,
        charlies=charlies,
        widget=widget,
        gadget=gadget,
        bobs_won=OpportunityFactory(
            account=bobs,
            product=widget,
            owner=ae,
            amount=Decimal("1500.25"),
            close_date=dt.date(2024, 3, 1),
        ),
        bobs_open=OpportunityFactory(
            account=bobs,
            product=gadget,
            owner=ae,
            status=OpportunityStatus.OPEN,
            stage="Prospecting",
            type=OpportunityType.UPSELL,
            close_date=dt.date(2024, 9, 30),
        ),
        teamed_lost=OpportunityFactory(
            account=teamed,
            product=widget,
            owner=dave,
            status=OpportunityStatus.LOST,
            stage="Closed Lost",
            close_date=dt.date(2023, 11, 15),
            loss_reason="Price",
        ),
        charlies_won=OpportunityFactory(account=charlies, product=widget, owner=outsider),
        bobs_line=PurchaseLineFactory(
            account=bobs, product=widget, date=dt.date(2024, 2, 1), amount=Decimal("99.99")
        ),
        charlies_line=PurchaseLineFactory(account=charlies, product=gadget),
        bobs_contact=ContactFactory(
            account=bobs, first_name="Marie", last_name="Curie", email="marie@acme.example"
        ),
        charlies_contact=ContactFactory(account=charlies, first_name="Hidden", last_name="Person"),
        bobs_center=m.BuyingCenter.objects.create(
            account=bobs, name="Paris plant", kind=BuyingCenterKind.SITE
        ),
        charlies_center=m.BuyingCenter.objects.create(account=charlies, name="HQ"),
        bobs_call=m.Activity.objects.create(
            account=bobs,
            kind=ActivityKind.CALL,
            subject="Intro call",
            date=dt.date(2024, 4, 2),
            owner=ae,
        ),
        charlies_meeting=m.Activity.objects.create(
            account=charlies,
            kind=ActivityKind.MEETING,
            subject="Secret meeting",
            date=dt.date(2024, 4, 3),
            owner=outsider,
        ),
        bob_on_team=bob_on_team,
        charlie_on_team=charlie_on_team,
    )


@pytest.fixture
def session_client() -> Callable[[User], Client]:
    """A test client signed in as ``user`` through the session."""

    def _make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _make


@pytest.fixture
def token_client() -> Callable[[User], Client]:
    """A test client that sends a fresh bearer token of ``user`` and no cookie."""

    def _make(user: User) -> Client:
        raw = create_token(user, "tests").raw
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return _make

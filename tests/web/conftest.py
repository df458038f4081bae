"""A small book for the page tests: alice (manager) sees all; bob (AE) owns one account and sits
on the team of another; charlie owns the rest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from accountplan.book import models as m
from accountplan.book.choices import OpportunityStatus, TeamFunction
from accountplan.core.models import User
from tests.factories import (
    AccountFactory,
    ContactFactory,
    OpportunityFactory,
    ProductFactory,
    PurchaseLineFactory,
    TeamMemberFactory,
)


@dataclass
class Book:
    """The accounts and products of the page tests."""

    bobs: m.Account
    teamed: m.Account
    charlies: m.Account
    subsidiary: m.Account
    laptop: m.Product
    server: m.Product


@pytest.fixture
def book(manager: User, ae: User, outsider: User) -> Book:
    today = timezone.localdate()
    laptop = ProductFactory(name="Laptop Pro", family="Hardware", external_id="P-LAP")
    server = ProductFactory(name="Server X", family="Datacenter", external_id="P-SRV")
    bobs = AccountFactory(
        name="Acme Corp",
        external_id="ACME-1",
        segment="Enterprise",
        industry="Retail",
        territory="East",
        owner=ae,
        annual_revenue=Decimal("25000000"),
        employees=1200,
    )
    teamed = AccountFactory(
        name="Globex",
        external_id="GLX-7",
        segment="SMB",
        industry="Software",
        territory="West",
        owner=outsider,
        employees=40,
    )
    charlies = AccountFactory(
        name="Initech",
        external_id="INI-3",
        segment="Mid-market",
        industry="Finance",
        territory="Central",
        owner=outsider,
        employees=300,
    )
    subsidiary = AccountFactory(
        name="Acme Europe",
        external_id="ACME-2",
        segment="Enterprise",
        industry="Retail",
        territory="East",
        owner=ae,
        parent=bobs,
        employees=200,
    )
    TeamMemberFactory(account=teamed, user=ae, function=TeamFunction.SALES_SUPPORT)
    # Acme: one open, two won (one recent, one 2 years ago), one lost.
    OpportunityFactory(
        account=bobs,
        product=laptop,
        name="Acme laptops refresh",
        status=OpportunityStatus.OPEN,
        stage="Engaging",
        amount=Decimal("5000"),
        close_date=today + dt.timedelta(days=30),
        owner=ae,
    )
    OpportunityFactory(
        account=bobs,
        product=server,
        name="Acme servers",
        status=OpportunityStatus.WON,
        stage="Won",
        amount=Decimal("12000"),
        close_date=today - dt.timedelta(days=40),
        owner=ae,
    )
    OpportunityFactory(
        account=bobs,
        product=server,
        name="Acme old deal",
        status=OpportunityStatus.WON,
        stage="Won",
        amount=Decimal("7000"),
        close_date=today - dt.timedelta(days=800),
        owner=ae,
    )
    OpportunityFactory(
        account=bobs,
        product=laptop,
        name="Acme lost deal",
        status=OpportunityStatus.LOST,
        stage="Lost",
        amount=Decimal("3000"),
        close_date=today - dt.timedelta(days=10),
        owner=ae,
    )
    OpportunityFactory(
        account=charlies,
        product=laptop,
        name="Initech deal",
        status=OpportunityStatus.WON,
        stage="Won",
        amount=Decimal("9000"),
        close_date=today - dt.timedelta(days=5),
        owner=outsider,
    )
    PurchaseLineFactory(
        account=bobs,
        product=laptop,
        amount=Decimal("800"),
        quantity=2,
        date=today - dt.timedelta(days=20),
    )
    PurchaseLineFactory(
        account=bobs,
        product=laptop,
        amount=Decimal("400"),
        quantity=1,
        date=today - dt.timedelta(days=200),
    )
    PurchaseLineFactory(
        account=teamed, product=server, amount=Decimal("1500"), date=today - dt.timedelta(days=3)
    )
    boss = ContactFactory(account=bobs, first_name="Wile", last_name="Coyote", title="CEO")
    ContactFactory(
        account=bobs,
        first_name="Road",
        last_name="Runner",
        title="CTO",
        reports_to=boss,
        phone="+1 555 0100",
    )
    return Book(
        bobs=bobs,
        teamed=teamed,
        charlies=charlies,
        subsidiary=subsidiary,
        laptop=laptop,
        server=server,
    )


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client

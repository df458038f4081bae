"""Typed factory_boy factories for the book of business, shared by every test module."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from accountplan.book import models as m
from accountplan.book.choices import OpportunityStatus, OpportunityType
from accountplan.core.models import Role, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    role = Role.ACCOUNT_EXECUTIVE
    password = factory.django.Password(PASSWORD)


class AccountFactory(factory.django.DjangoModelFactory[m.Account]):
    class Meta:
        model = m.Account

    external_id = factory.Sequence(lambda n: f"ACC-{n:05d}")
    name = factory.Sequence(lambda n: f"Account {n:05d}")
    industry = "Retail"
    segment = "Mid-market"
    territory = "East"
    country = "United States"
    employees = 500
    annual_revenue = Decimal("10000000")


class ProductFactory(factory.django.DjangoModelFactory[m.Product]):
    class Meta:
        model = m.Product

    external_id = factory.Sequence(lambda n: f"PRD-{n:03d}")
    name = factory.Sequence(lambda n: f"Product {n:03d}")
    family = "Core"
    list_price = Decimal("1000")


class OpportunityFactory(factory.django.DjangoModelFactory[m.Opportunity]):
    class Meta:
        model = m.Opportunity

    external_id = factory.Sequence(lambda n: f"OPP-{n:06d}")
    account = factory.SubFactory(AccountFactory)
    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"Deal {n}")
    type = OpportunityType.NEW
    stage = "Closed Won"
    status = OpportunityStatus.WON
    amount = Decimal("1000")
    created_date = dt.date(2024, 1, 1)
    close_date = dt.date(2024, 3, 1)


class PurchaseLineFactory(factory.django.DjangoModelFactory[m.PurchaseLine]):
    class Meta:
        model = m.PurchaseLine

    account = factory.SubFactory(AccountFactory)
    product = factory.SubFactory(ProductFactory)
    date = dt.date(2024, 2, 1)
    quantity = Decimal("1")
    amount = Decimal("500")


class ContactFactory(factory.django.DjangoModelFactory[m.Contact]):
    class Meta:
        model = m.Contact

    account = factory.SubFactory(AccountFactory)
    first_name = factory.Sequence(lambda n: f"Pat{n}")
    last_name = factory.Sequence(lambda n: f"Lee{n}")
    title = "Director"
    department = "Operations"
    email = factory.LazyAttribute(lambda o: f"{o.first_name.lower()}@customer.example")


class TeamMemberFactory(factory.django.DjangoModelFactory[m.AccountTeamMember]):
    class Meta:
        model = m.AccountTeamMember

    account = factory.SubFactory(AccountFactory)
    user = factory.SubFactory(UserFactory)

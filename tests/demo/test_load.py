"""The full-size demo book in the database: it meets the spec, and the scoping sees it right.

Written once for the module (a few seconds), read by every test, deleted at the end.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import F, Max, Min

from accountplan.book import models as m
from accountplan.book.choices import (
    ActivityKind,
    BuyingCenterKind,
    OpportunityStatus,
    OpportunityType,
    TeamFunction,
)
from accountplan.core.models import Role, User
from accountplan.demo.generator import DEMO_AE
from accountplan.demo.services import USER_PREFIX, DemoSummary, load_demo_book, wipe_book

AS_OF = dt.date(2025, 6, 30)
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def summary(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoSummary]:
    with django_db_blocker.unblock():
        written = load_demo_book(5, AS_OF)
        yield written
        wipe_book()


def test_it_writes_in_seconds_and_reports_what_it_wrote(summary: DemoSummary) -> None:
    assert summary.seconds < 60
    assert summary.counts["Accounts"] == m.Account.objects.count()
    assert summary.counts["Opportunities"] == m.Opportunity.objects.count()
    assert summary.counts["Activities"] == m.Activity.objects.count()


def test_hundreds_of_accounts_in_hierarchies_with_buying_centers() -> None:
    assert m.Account.objects.count() >= 200
    children = m.Account.objects.filter(parent__isnull=False)
    assert children.count() >= 20
    assert not children.filter(parent__parent__isnull=False).exists()
    kinds = set(m.BuyingCenter.objects.values_list("kind", flat=True))
    assert kinds == set(BuyingCenterKind.values)
    segments = set(m.Account.objects.values_list("segment", flat=True))
    assert segments == {"Enterprise", "Mid-market", "SMB"}
    assert m.Account.objects.filter(satisfaction__isnull=True, status="customer").exists()
    assert m.Account.objects.filter(cost_to_serve__gt=F("gross_margin")).exists()
    assert m.Account.objects.values("territory").distinct().count() >= 5
    assert m.Account.objects.values("industry").distinct().count() >= 8


def test_twenty_products_in_families_with_list_prices() -> None:
    assert m.Product.objects.count() >= 20
    assert m.Product.objects.values("family").distinct().count() >= 4
    assert not m.Product.objects.filter(list_price__isnull=True).exists()


def test_three_years_of_every_kind_of_deal() -> None:
    # Win-back deals come from re-engaging a lost one (followup), not from the generator.
    generated = set(OpportunityType.values) - {OpportunityType.WIN_BACK}
    assert set(m.Opportunity.objects.values_list("type", flat=True)) == generated
    statuses = set(m.Opportunity.objects.values_list("status", flat=True))
    assert statuses == set(OpportunityStatus.values)
    span = m.Opportunity.objects.aggregate(first=Min("close_date"), last=Max("close_date"))
    assert span["last"] - span["first"] >= dt.timedelta(days=3 * 365)
    assert not m.Opportunity.objects.filter(status="open", close_date__lte=AS_OF).exists()
    assert not m.Opportunity.objects.filter(status="lost", loss_reason="").exists()
    assert m.Opportunity.objects.filter(status="lost").exclude(competitor="").exists()
    assert m.OpportunityLineItem.objects.count() == m.Opportunity.objects.count()
    assert not m.OpportunityLineItem.objects.exclude(amount=F("opportunity__amount")).exists()
    assert m.OpportunityContactRole.objects.filter(is_primary=True).count() == (
        m.Opportunity.objects.count()
    )


def test_purchase_lines_end_near_the_as_of_date() -> None:
    assert m.PurchaseLine.objects.count() >= 1000
    last = m.PurchaseLine.objects.aggregate(last=Max("date"))["last"]
    assert AS_OF - dt.timedelta(days=14) <= last <= AS_OF


def test_each_sale_is_counted_once_and_recent_revenue_is_plausible() -> None:
    """Won deals and order lines are added up by the analytics: no sale may be in both."""
    key = ("account_id", "product_id", "close_date", "amount")
    won = list(m.Opportunity.objects.filter(status=OpportunityStatus.WON).values_list(*key))
    ordered = list(m.PurchaseLine.objects.values_list("account_id", "product_id", "date", "amount"))
    assert len(won) >= 1000 and len(ordered) >= 1000
    assert not set(won) & set(ordered)
    # Current revenue in the methodology's window: after 2024-06-30, up to the as-of date.
    revenue: dict[int, Decimal] = defaultdict(Decimal)
    for account, _, day, amount in won + ordered:
        if dt.date(2024, 6, 30) < day <= AS_OF:
            revenue[account] += amount
    annual = dict(m.Account.objects.values_list("id", "annual_revenue"))
    assert len(revenue) >= m.Account.objects.count() / 2
    for account, amount in revenue.items():
        assert amount < annual[account] / 20, account


def test_contacts_form_org_charts_inside_their_account() -> None:
    reporting = m.Contact.objects.filter(reports_to__isnull=False)
    assert reporting.count() >= m.Account.objects.count()
    assert not reporting.exclude(reports_to__account=F("account")).exists()
    assert m.Contact.objects.filter(reports_to__reports_to__isnull=False).exists()
    assert not m.Contact.objects.exclude(email__endswith=".example.com").exists()


def test_activities_of_several_kinds() -> None:
    assert m.Activity.objects.count() >= 1000
    kinds = set(m.Activity.objects.values_list("kind", flat=True))
    assert {ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.MEETING} <= kinds
    assert m.Activity.objects.aggregate(last=Max("date"))["last"] <= AS_OF


def test_every_role_and_every_team_function_is_there() -> None:
    demo_users = User.objects.filter(external_id__startswith=USER_PREFIX)
    assert set(demo_users.values_list("role", flat=True)) == set(Role.values)
    aes = demo_users.filter(role=Role.ACCOUNT_EXECUTIVE, title="Account Executive")
    assert aes.count() >= 3 and not aes.filter(territory="").exists()
    functions = set(m.AccountTeamMember.objects.values_list("function", flat=True))
    assert functions == set(TeamFunction.values)
    assert m.PotentialOverride.objects.count() >= 3


def test_the_demo_ae_sees_only_their_accounts() -> None:
    ae = User.objects.get(username=DEMO_AE)
    visible = m.Account.objects.for_user(ae)
    assert 0 < visible.count() < m.Account.objects.count()
    assert not visible.exclude(owner=ae).exclude(team__user=ae).exists()
    manager = User.objects.get(username="marcus.bell")
    assert m.Account.objects.for_user(manager).count() == m.Account.objects.count()

"""Reads of the book's detail pages beyond the account page's overview: an account's activity
timeline, one opportunity with its lines, contacts, history and plans, and one product's buyers.

Every read starts from ``for_user``; each runs a fixed number of queries per page.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, QuerySet, Sum

from accountplan.book.models import (
    Account,
    Activity,
    Opportunity,
    OpportunityContactRole,
    OpportunityLineItem,
    Product,
    PurchaseLine,
)

if TYPE_CHECKING:
    from accountplan.core.models import User
    from accountplan.plans.models import AccountPlan

#: Activities per page of the account's timeline; deal history rows on an opportunity page.
TIMELINE_PAGE_SIZE = 20
HISTORY_LIMIT = 100


def account_timeline(user: User, account: Account) -> QuerySet[Activity]:
    """The account's activities, newest first (what drives its "last contact"), with the
    contact, the deal and the owner each row names, in one query per page."""
    return (
        Activity.objects.for_user(user)
        .filter(account=account)
        .select_related("contact", "opportunity", "owner")
        .order_by("-date", "-pk")
    )


def visible_opportunity(user: User, pk: int) -> Opportunity | None:
    """The opportunity ``pk`` when ``user`` may see its account, with what its page names."""
    found: Opportunity | None = (
        Opportunity.objects.for_user(user)
        .select_related("account", "account__owner", "product", "buying_center", "owner")
        .filter(pk=pk)
        .first()
    )
    return found


@dataclass
class OpportunityDetail:
    """What the opportunity page shows besides the deal's own fields."""

    lines: list[OpportunityLineItem]
    lines_total: Decimal
    contacts: list[OpportunityContactRole]
    history: list[Activity]
    history_count: int
    plans: list[AccountPlan]


def opportunity_detail(user: User, opportunity: Opportunity) -> OpportunityDetail:
    """Product lines, contact roles (primary first), the deal's activities (newest first, the
    latest ``HISTORY_LIMIT``) and the plans of its account the user may see: five queries."""
    from accountplan.plans.models import AccountPlan

    lines = list(
        OpportunityLineItem.objects.filter(opportunity=opportunity)
        .select_related("product")
        .order_by("-amount", "pk")
    )
    history_qs = (
        Activity.objects.for_user(user)
        .filter(opportunity=opportunity)
        .select_related("contact", "owner")
        .order_by("-date", "-pk")
    )
    history = list(history_qs[:HISTORY_LIMIT])
    return OpportunityDetail(
        lines=lines,
        lines_total=sum((line.amount for line in lines), Decimal("0")),
        contacts=list(
            OpportunityContactRole.objects.filter(opportunity=opportunity)
            .select_related("contact")
            .order_by("-is_primary", "contact__last_name", "contact__first_name", "pk")
        ),
        history=history,
        history_count=len(history) if len(history) < HISTORY_LIMIT else history_qs.count(),
        plans=list(
            AccountPlan.objects.for_user(user)
            .filter(account_id=opportunity.account_id)
            .select_related("owner")
            .order_by("-period", "-pk")
        ),
    )


def product_buyers(user: User, product: Product) -> QuerySet[Any]:
    """The visible accounts that bought ``product`` (purchase lines), biggest spend first:
    account id and name, amount, lines and last purchase, grouped in the database."""
    return (
        PurchaseLine.objects.for_user(user)
        .filter(product=product)
        .order_by()
        .values("account_id", "account__name")
        .annotate(amount=Sum("amount"), lines=Count("pk"), last_date=Max("date"))
        .order_by("-amount", "account__name", "account_id")
    )


def product_buyer_count(user: User, product: Product) -> int:
    """How many visible accounts have a purchase line of ``product`` (the buyers list's total)."""
    return (
        PurchaseLine.objects.for_user(user)
        .filter(product=product)
        .order_by()
        .values("account_id")
        .distinct()
        .count()
    )


def product_open_pipeline(user: User, product: Product) -> dict[str, Any]:
    """Open deals on ``product`` in the visible book: how many and how much."""
    from accountplan.book.choices import OpportunityStatus

    return (
        Opportunity.objects.for_user(user)
        .filter(product=product, status=OpportunityStatus.OPEN)
        .aggregate(count=Count("pk"), amount=Sum("amount"))
    )

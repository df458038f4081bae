"""Reads of the account page's overview: the account's deals by status and stage with the win
rate and the won revenue of the last 12 months, its purchases by product and family, contacts,
team, child accounts and buying centers, and the deals for the page's table.

Every read starts from ``for_user`` and runs a fixed number of queries, whatever the number of
rows. The page's timeline and the other detail pages are read in ``detail_selectors``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, F, Max, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from accountplan.book.choices import OpportunityStatus
from accountplan.book.figures import ZERO, won_window
from accountplan.book.models import (
    Account,
    AccountTeamMember,
    BuyingCenter,
    Contact,
    Opportunity,
    PurchaseLine,
)

if TYPE_CHECKING:
    from accountplan.core.models import User


@dataclass
class StatusSummary:
    """Count and sum of an account's opportunities in one status (open, won or lost)."""

    status: str
    label: str
    count: int = 0
    amount: Decimal = Decimal("0")


@dataclass
class AccountOverview:
    """Figures and sections of the account page, each read with a fixed number of queries."""

    account: Account
    statuses: list[StatusSummary]
    stages: list[dict[str, Any]]
    won_12m: Decimal
    win_rate: float | None
    purchases: list[dict[str, Any]]
    purchase_families: list[dict[str, Any]]
    purchase_total: Decimal
    contacts: list[Contact]
    contact_count: int
    team: list[AccountTeamMember]
    children: list[Account]
    buying_centers: list[BuyingCenter]

    @property
    def open_pipeline(self) -> Decimal:
        return next(s.amount for s in self.statuses if s.status == OpportunityStatus.OPEN)

    @property
    def opportunity_count(self) -> int:
        return sum(s.count for s in self.statuses)


CONTACT_LIMIT = 200


def account_overview(user: User, account: Account, as_of: dt.date | None = None) -> AccountOverview:
    """Everything the account page shows besides the opportunity table, scoped to ``user``."""
    start, end = won_window(as_of)
    opps = Opportunity.objects.for_user(user).filter(account=account)

    # One grouped query gives the stage table, the status totals and the win rate.
    stage_rows = list(
        opps.order_by()
        .values("status", "stage")
        .annotate(count=Count("pk"), amount=Coalesce(Sum("amount"), ZERO))
    )
    # Open stages first (where the work is), then won, then lost; bigger amounts first.
    rank = {OpportunityStatus.OPEN: 0, OpportunityStatus.WON: 1, OpportunityStatus.LOST: 2}
    stage_rows.sort(key=lambda r: (rank.get(r["status"], 3), -r["amount"], r["stage"]))
    statuses = [StatusSummary(s.value, str(s.label)) for s in OpportunityStatus]
    by_status = {s.status: s for s in statuses}
    for row in stage_rows:
        summary = by_status.get(row["status"])
        if summary is not None:
            summary.count += row["count"]
            summary.amount += row["amount"]
    closed = by_status[OpportunityStatus.WON].count + by_status[OpportunityStatus.LOST].count
    win_rate = by_status[OpportunityStatus.WON].count / closed if closed else None

    won_12m = opps.filter(
        status=OpportunityStatus.WON, close_date__gt=start, close_date__lte=end
    ).aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]

    purchases = list(
        PurchaseLine.objects.for_user(user)
        .filter(account=account)
        .order_by()
        .values("product_id", "product__name", "product__family")
        .annotate(
            last_date=Max("date"),
            quantity=Sum("quantity"),
            amount=Sum("amount"),
            lines=Count("pk"),
        )
        .order_by("product__family", "product__name")
    )
    families: dict[str, dict[str, Any]] = {}
    for row in purchases:
        fam = families.setdefault(
            row["product__family"],
            {"family": row["product__family"], "amount": Decimal("0"), "products": 0},
        )
        fam["amount"] += row["amount"]
        fam["products"] += 1

    contacts_qs = Contact.objects.for_user(user).filter(account=account)
    return AccountOverview(
        account=account,
        statuses=statuses,
        stages=stage_rows,
        won_12m=won_12m,
        win_rate=win_rate,
        purchases=purchases,
        purchase_families=sorted(families.values(), key=lambda f: -f["amount"]),
        purchase_total=sum((r["amount"] for r in purchases), Decimal("0")),
        contacts=list(contacts_qs.select_related("reports_to")[:CONTACT_LIMIT]),
        contact_count=contacts_qs.count(),
        team=list(
            AccountTeamMember.objects.for_user(user)
            .filter(account=account)
            .select_related("user")
            .order_by("function", "user__last_name", "user__username")
        ),
        children=list(
            Account.objects.for_user(user).filter(parent=account).select_related("owner")
        ),
        buying_centers=list(
            BuyingCenter.objects.for_user(user)
            .filter(account=account)
            .annotate(contact_count=Count("contacts"))
            .order_by("name")
        ),
    )


def account_opportunities(user: User, account: Account) -> QuerySet[Opportunity]:
    """The account's opportunities for the page's table: open first, then latest closes."""
    return (
        Opportunity.objects.for_user(user)
        .filter(account=account)
        .select_related("product", "owner")
        .alias(
            status_rank=Case(
                When(status=OpportunityStatus.OPEN, then=Value(0)),
                When(status=OpportunityStatus.WON, then=Value(1)),
                default=Value(2),
            )
        )
        .order_by("status_rank", F("close_date").desc(nulls_last=True), "name", "pk")
    )

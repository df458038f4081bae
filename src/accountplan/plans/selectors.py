"""Reads for plans: the computed account overview, prospecting defaults, completeness in lists.

Every read of the book here is of one account the caller already may see (the plan was fetched
through ``AccountPlan.objects.for_user``); the figures come from the current analytics snapshot.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q

from accountplan.book.choices import OpportunityType
from accountplan.book.models import Account, Opportunity, OpportunityContactRole
from accountplan.plans.completeness import Completeness, completeness
from accountplan.plans.models import AccountPlan, PlanSection
from accountplan.plans.prospecting import period_bounds
from accountplan.portfolio.cells import account_cells
from accountplan.portfolio.models import AccountScore, Snapshot

#: Fewer closed deals than this at the account: the win rate comes from the whole book.
MIN_CLOSED_FOR_ACCOUNT_RATE = 5


def stored_section_data(
    plan: AccountPlan, rows: Iterable[PlanSection] | None = None
) -> dict[str, dict[str, Any]]:
    """Every stored section's data by key: read once per page (``core.request_memo``) by the
    plan page's cards (sharing, campaigns) and its sections; ``rows`` when the caller has them.
    Read-only: callers copy what they change."""
    from accountplan.core.request_memo import memo

    def read() -> dict[str, dict[str, Any]]:
        found = rows if rows is not None else PlanSection.objects.filter(plan=plan)
        return {r.key: r.data for r in found}

    return memo(("plan-section-data", plan.pk), read)


def current_score(account: Account) -> AccountScore | None:
    """The account's figures in the current snapshot (product level preferred), or None."""
    snapshot = Snapshot.objects.current(level="product") or Snapshot.objects.current()
    if snapshot is None:
        return None
    found: AccountScore | None = (
        AccountScore.objects.filter(snapshot=snapshot, account=account)
        .select_related("snapshot")
        .first()
    )
    return found


def _money(value: float | Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class History:
    """Won and lost deals counted at the account and across the book."""

    account_won: int
    account_lost: int
    account_avg_won: Decimal | None
    book_won: int
    book_lost: int
    book_avg_won: Decimal | None

    @property
    def deal_size(self) -> Decimal | None:
        """Average won amount at the account, else across the book."""
        return self.account_avg_won or self.book_avg_won

    @property
    def win_rate_pct(self) -> Decimal | None:
        """Won / (won + lost) in %, at the account when it has enough closed deals, else book."""
        won, lost = self.account_won, self.account_lost
        if won + lost < MIN_CLOSED_FOR_ACCOUNT_RATE:
            won, lost = self.book_won, self.book_lost
        if won + lost == 0 or won == 0:
            return None
        return (Decimal(100) * won / (won + lost)).quantize(Decimal("0.01"))


def _book_stats(compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The book's closed-deal figures: a pass over every opportunity, so computed once per
    finished analytics snapshot (imports rescore) and kept in the cache; each time without one."""
    from accountplan.portfolio.grid_data import cached
    from accountplan.portfolio.models import Snapshot

    snapshot = Snapshot.objects.current()
    return compute() if snapshot is None else cached(snapshot, "book-deal-history", compute)


def history(account: Account) -> History:
    """Counts and average won amount of closed deals at the account and in the book (2 queries)."""

    def stats(qs: Any) -> dict[str, Any]:
        result: dict[str, Any] = qs.aggregate(
            won=Count("pk", filter=Q(status="won")),
            lost=Count("pk", filter=Q(status="lost")),
            avg=Avg("amount", filter=Q(status="won", amount__gt=0)),
        )
        return result

    acc = stats(Opportunity.objects.filter(account=account))
    if acc["avg"] is not None and acc["won"] + acc["lost"] >= MIN_CLOSED_FOR_ACCOUNT_RATE:
        book: dict[str, Any] = {"won": 0, "lost": 0, "avg": None}  # the account's own suffice
    else:
        book = _book_stats(lambda: stats(Opportunity.objects.all()))
    return History(
        acc["won"], acc["lost"], _money(acc["avg"]), book["won"], book["lost"], _money(book["avg"])
    )


def prospecting_defaults(plan: AccountPlan) -> dict[str, Any]:
    """Values for the prospecting inputs left blank, drawn from the data.

    current_revenue from the current analytics snapshot; deal_size = average won amount at the
    account (else the book); win_rate_pct from closed deals (see ``History``); the period's
    dates from its name (FY2027 → the calendar year 2027).
    """
    score = current_score(plan.account)
    hist = history(plan.account)
    bounds = period_bounds(plan.period)
    return {
        "current_revenue": _money(score.current_revenue) if score else None,
        "deal_size": hist.deal_size,
        "win_rate_pct": hist.win_rate_pct,
        "period_start": bounds[0] if bounds else None,
        "period_end": bounds[1] if bounds else None,
    }


def completeness_of(
    plans: Iterable[AccountPlan], today: dt.date | None = None
) -> dict[int, Completeness]:
    """Completeness per plan id, for a list of plans, in one query."""
    today = today or dt.date.today()
    ids = [p.pk for p in plans]
    by_plan: dict[int, dict[str, tuple[Any, Any]]] = defaultdict(dict)
    rows = PlanSection.objects.filter(plan_id__in=ids).order_by()  # no join for an order
    for plan_id, key, data, updated_at in rows.values_list("plan_id", "key", "data", "updated_at"):
        by_plan[plan_id][key] = (data, updated_at)
    return {pk: completeness(by_plan.get(pk, {}), today) for pk in ids}


# --- the computed account overview ----------------------------------------------------------


@dataclass
class OverviewRow:
    """Deals of one product and type: how many were won, are open, were lost, and for how much."""

    product: str
    type: str
    won: int = 0
    won_amount: Decimal = Decimal(0)
    open: int = 0
    open_amount: Decimal = Decimal(0)
    lost: int = 0
    lost_amount: Decimal = Decimal(0)


@dataclass
class AccountOverview:
    """Section 1 of the plan, computed: history of deals, our contacts, losses, figures."""

    rows: list[OverviewRow] = field(default_factory=list)
    won_contacts: list[dict[str, Any]] = field(default_factory=list)
    losses: list[dict[str, Any]] = field(default_factory=list)
    current_revenue: Decimal | None = None
    whitespace_value: Decimal | None = None
    play: str = ""
    tier: int | None = None
    whitespace: list[dict[str, Any]] = field(default_factory=list)
    as_of: dt.date | None = None


TYPE_LABELS: dict[str, str] = {
    "": "Unknown type",
    **{v: str(lbl) for v, lbl in OpportunityType.choices},
}


def build_overview(
    deals: Iterable[dict[str, Any]],
    won_roles: Iterable[dict[str, Any]],
    score: dict[str, Any] | None,
    cells: Iterable[dict[str, Any]],
) -> AccountOverview:
    """The overview from plain rows (pure; ``account_overview`` reads them).

    ``deals``: {product, type, status, amount, name, close_date, loss_reason, competitor};
    ``won_roles``: {contact_id, contact, title, role, deal, product, close_date};
    ``score``: {current_revenue, whitespace_value, play, tier, as_of} or None;
    ``cells``: {item, item_name, state, current_revenue, potential, whitespace_value,
    propensity} of the white space, best first.
    """
    rows: dict[tuple[str, str], OverviewRow] = {}
    losses = []
    for d in deals:
        product = d["product"] or "No product"
        label = TYPE_LABELS.get(d["type"] or "", d["type"])
        row = rows.setdefault((product, label), OverviewRow(product, label))
        amount = Decimal(d["amount"] or 0)
        if d["status"] == "won":
            row.won += 1
            row.won_amount += amount
        elif d["status"] == "lost":
            row.lost += 1
            row.lost_amount += amount
            losses.append(
                {
                    "deal": d["name"],
                    "product": product,
                    "type": label,
                    "amount": amount,
                    "close_date": d["close_date"],
                    "reason": d["loss_reason"] or "No reason recorded",
                    "competitor": d["competitor"],
                }
            )
        else:
            row.open += 1
            row.open_amount += amount
    losses.sort(key=lambda x: x["close_date"] or dt.date.min, reverse=True)
    seen: set[tuple[int, str]] = set()
    contacts = []
    for r in won_roles:
        if (r["contact_id"], r["deal"]) not in seen:
            seen.add((r["contact_id"], r["deal"]))
            contacts.append(r)
    return AccountOverview(
        rows=sorted(rows.values(), key=lambda r: (-r.won_amount, r.product, r.type)),
        won_contacts=contacts,
        losses=losses,
        current_revenue=_money(score["current_revenue"]) if score else None,
        whitespace_value=_money(score["whitespace_value"]) if score else None,
        play=score["play"] if score else "",
        tier=score["tier"] if score else None,
        whitespace=list(cells),
        as_of=score["as_of"] if score else None,
    )


def account_overview(plan: AccountPlan, whitespace_rows: int = 10) -> AccountOverview:
    """The computed account overview of ``plan``'s account (5 queries)."""
    account = plan.account
    deals = [
        {k.replace("product__name", "product"): v for k, v in d.items()}
        for d in Opportunity.objects.filter(account=account).values(
            "name",
            "type",
            "status",
            "amount",
            "close_date",
            "loss_reason",
            "competitor",
            "product__name",
        )
    ]
    roles = [
        {
            "contact_id": r.contact_id,
            "contact": r.contact.full_name,
            "title": r.contact.title,
            "role": r.role or ("Primary" if r.is_primary else ""),
            "deal": str(r.opportunity),
            "product": r.opportunity.product.name if r.opportunity.product else "",
            "close_date": r.opportunity.close_date,
        }
        for r in OpportunityContactRole.objects.filter(
            opportunity__account=account, opportunity__status="won"
        )
        .select_related("contact", "opportunity", "opportunity__product")
        .order_by("-opportunity__close_date", "contact__last_name")
    ]
    score = current_score(account)
    score_row = None
    cells: list[dict[str, Any]] = []
    if score is not None:
        snapshot = score.snapshot
        score_row = {
            "current_revenue": score.current_revenue,
            "whitespace_value": score.whitespace_value,
            "play": score.play,
            "tier": score.tier,
            "as_of": snapshot.as_of
            or (snapshot.finished_at.date() if snapshot.finished_at else None),
        }
        derived = [c for c in account_cells(snapshot, score) if (c.whitespace_value or 0) > 0]
        derived.sort(key=lambda c: (-(c.whitespace_value or 0), c.item))
        cells = [
            {
                "item": c.item,
                "item_name": c.item_name,
                "product_id": c.product_id,
                "state": c.state,
                "current_revenue": c.current_revenue,
                "potential": c.potential,
                "whitespace_value": c.whitespace_value,
                "propensity": c.propensity,
            }
            for c in derived[:whitespace_rows]
        ]
    return build_overview(deals, roles, score_row, cells)

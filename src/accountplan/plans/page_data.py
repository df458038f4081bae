"""Reads for the plan page: the account's contacts, products, users and white space loaded once,
and each section's read view turned into display rows (names for ids, totals, the org chart).

Every query starts from ``for_user``; the page loads these lookups once so its query count does
not grow with the number of sections, stakeholders or components.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db.models import Max, Sum

from accountplan.book.models import (
    Account,
    AccountTeamMember,
    Activity,
    BuyingCenter,
    Contact,
    Opportunity,
    Product,
)
from accountplan.core import fmt
from accountplan.plans import relationships as rel
from accountplan.plans import sections as s

if TYPE_CHECKING:
    from accountplan.core.models import User
    from accountplan.plans.models import AccountPlan

#: How many white-space suggestions the goal build offers.
WHITE_SPACE_LIMIT = 8


def dec(value: Any) -> Decimal | None:
    """A stored amount (string) as a Decimal; junk or blank → None."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@dataclass
class Lookups:
    """Names for the ids a plan's sections refer to, and the account's people."""

    contacts: list[Contact]
    last_contact: dict[int, dt.date]
    products: dict[int, str]
    users: dict[int, str]
    buying_centers: dict[int, str]
    team: list[AccountTeamMember]
    white_cells: list[Any] = field(default_factory=list)
    deals: list[tuple[str, str]] = field(default_factory=list)

    def contact_name(self, cid: Any) -> str:
        """A contact's name, or a note that it is gone."""
        for c in self.contacts:
            if c.pk == cid:
                return c.full_name
        return f"(contact {cid} not found)"

    def choices(self, sections: dict[str, dict[str, Any]]) -> dict[str, list[tuple[str, str]]]:
        """The dynamic choice sets of the section forms."""
        goals = sections.get(s.SectionKey.GOALS, {})
        components = [
            (str(c.get("id")), component_label(c, self)) for c in goals.get("components", [])
        ]
        contacts = [
            (str(c.pk), f"{c.full_name}" + (f" — {c.title}" if c.title else ""))
            for c in self.contacts
        ]
        return {
            "contacts": [("", "—"), *contacts],
            "products": [("", "—"), *[(str(k), v) for k, v in self.products.items()]],
            "users": [("", "—"), *[(str(k), v) for k, v in self.users.items()]],
            "buying_centers": [
                ("", "—"),
                *[(str(k), v) for k, v in self.buying_centers.items()],
            ],
            "components": [("", "—"), *components],
            "deals": self.deals,
            "campaigns": [("", "—"), *campaign_choices()],
        }


def campaign_choices() -> list[tuple[str, str]]:
    """The campaigns a plan action can link to (newest first, one query)."""
    from accountplan.campaigns.models import Campaign

    return [
        (str(pk), f"{name} ({play})")
        for pk, name, play in Campaign.objects.order_by("-start_date", "-pk").values_list(
            "pk", "name", "play"
        )[:200]
    ]


def account_contacts(user: User, account: Account) -> list[Contact]:
    """The account's contacts by name, read once per page (the sections and the sharing card)."""
    from accountplan.core.request_memo import memo

    return memo(
        ("account-contacts", user.pk, account.pk),
        lambda: list(
            Contact.objects.for_user(user)
            .filter(account=account)
            .order_by("last_name", "first_name", "pk")
        ),
    )


def load_lookups(user: User, plan: AccountPlan) -> Lookups:
    """The account's contacts (with their last activity), the catalogue, users, buying centers."""
    from accountplan.core.models import User as UserModel

    account = plan.account
    contacts = account_contacts(user, account)
    last = dict(
        Activity.objects.for_user(user)
        .filter(account=account, contact__isnull=False)
        .values("contact_id")
        .annotate(last=Max("date"))
        .values_list("contact_id", "last")
    )
    products = dict(Product.objects.order_by("name").values_list("pk", "name"))
    users = {
        u.pk: str(u)
        for u in UserModel.objects.filter(is_active=True).order_by("first_name", "last_name")
    }
    centers = dict(
        BuyingCenter.objects.for_user(user)
        .filter(account=account)
        .order_by("name")
        .values_list("pk", "name")
    )
    team = list(
        AccountTeamMember.objects.for_user(user).filter(account=account).select_related("user")
    )
    deals = [
        (str(o.pk), deal_label(o, products))
        for o in Opportunity.objects.for_user(user)
        .filter(account=account, status__in=("won", "open"))
        .order_by("-close_date", "-pk")
        .only("pk", "name", "type", "status", "product_id", "amount", "close_date")
    ]
    return Lookups(contacts, last, products, users, centers, team, deals=deals)


def deal_label(o: Opportunity, products: dict[int, str]) -> str:
    """``Renewal · Widget Pro · $12,000 · won 2026-03-02`` (what a user picks a deal by)."""
    parts = [
        o.name or f"Deal {o.pk}",
        o.get_type_display() if o.type else "no type",
        products.get(o.product_id or 0, ""),
        f"${o.amount:,.0f}" if o.amount is not None else "",
        f"{o.status} {fmt.date(o.close_date)}" if o.close_date else o.status,
    ]
    return " · ".join(p for p in parts if p)


def visible_score(user: User, snapshot: Any, account: Account) -> Any:
    """The account's score in ``snapshot`` as ``user`` may see it (None when hidden), asked
    once per request: the plan page's overview and white-space cells both show it."""
    from accountplan.core.request_memo import memo
    from accountplan.portfolio.models import AccountScore

    return memo(
        ("plans.visible-score", user.pk, snapshot.pk, account.pk),
        lambda: (
            AccountScore.objects.for_user(user)
            .filter(snapshot=snapshot, account=account)
            .select_related("snapshot")
            .first()
        ),
    )


def white_cells(user: User, plan: AccountPlan) -> list[Any]:
    """The account's white cells of the current snapshot, by expected value (propensity × W)."""
    from accountplan.portfolio.cells import account_cells
    from accountplan.portfolio.selectors import current_snapshot

    snapshot = current_snapshot("product")
    if snapshot is None:
        return []
    score = visible_score(user, snapshot, plan.account)
    if score is None:
        return []
    cells = [c for c in account_cells(snapshot, score) if (c.whitespace_value or 0) > 0]
    cells.sort(key=lambda c: (-(c.expected_value or -1.0), -(c.whitespace_value or 0), c.item))
    return cells[:WHITE_SPACE_LIMIT]


def _cents(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"))


def cross_sell_from(cell: Any) -> dict[str, Any]:
    """A cross-sell component for a white cell: amount = the expected value (propensity × W),
    the white-space value W itself when the propensity is unknown; the notes keep W."""
    full = _cents(cell.whitespace_value) or Decimal(0)
    expected = _cents(cell.expected_value)
    amount = expected if expected is not None else full
    how = "expected value" if expected is not None else "white space (no propensity yet)"
    return {
        "kind": s.ComponentKind.CROSS_SELL.value,
        "product_id": cell.product_id,
        "amount": str(amount),
        "notes": f"From white space: {cell.item_name} — {how} ${amount:,.0f} "
        f"of a full white space of ${full:,.0f}",
        "source_cell": cell.item,
    }


def component_label(c: dict[str, Any], lk: Lookups) -> str:
    """``Cross-sell · Widget Pro · $50,000``."""
    parts = [dict(s.ComponentKind.choices).get(c.get("kind", ""), str(c.get("kind", "")))]
    if c.get("product_id"):
        parts.append(lk.products.get(c["product_id"], f"product {c['product_id']}"))
    if c.get("buying_center_id"):
        parts.append(lk.buying_centers.get(c["buying_center_id"], ""))
    amount = dec(c.get("amount"))
    if amount is not None:
        parts.append(fmt.money(amount))
    return " · ".join(p for p in parts if p)


# --- relationship map ----------------------------------------------------------------------------


@dataclass
class RelationshipView:
    """What the relationship map section shows."""

    chart: rel.OrgChart
    gaps: list[rel.Gap]
    separation: rel.Separation | None
    rows: list[dict[str, Any]]


def relationship_view(data: dict[str, Any], lk: Lookups, today: dt.date) -> RelationshipView:
    """The org chart from reports-to, coverage gaps, separation and the stakeholder rows."""
    people = [
        rel.Person(
            id=c.pk,
            name=c.full_name,
            title=c.title,
            department=c.department,
            reports_to_id=c.reports_to_id,
            last_contact=lk.last_contact.get(c.pk),
        )
        for c in lk.contacts
    ]
    roles: dict[int, rel.Role] = {}
    rows: list[dict[str, Any]] = []
    for st in data.get("stakeholders", []):
        cid = st.get("contact_id")
        owner = lk.users.get(st.get("our_owner_id") or 0, "")
        roles[cid] = rel.Role(
            contact_id=cid,
            buying_role=st.get("buying_role") or None,
            influence=st.get("influence") or None,
            attitude=st.get("attitude") or None,
            mobilizer=st.get("mobilizer") or None,
            strength=int(st["strength"]) if st.get("strength") else None,
            owner=owner,
        )
        contact = next((c for c in lk.contacts if c.pk == cid), None)
        rows.append(
            {
                **st,
                "name": lk.contact_name(cid),
                "title": contact.title if contact else "",
                "department": contact.department if contact else "",
                "owner": owner,
                "last_contact": lk.last_contact.get(cid),
                "buying_role_label": dict(s.BuyingRole.choices).get(st.get("buying_role"), "—"),
                "influence_label": dict(s.Influence.choices).get(st.get("influence"), "—"),
                "attitude_label": dict(s.Attitude.choices).get(st.get("attitude"), "—"),
                "mobilizer_label": dict(s.Mobilizer.choices).get(st.get("mobilizer"), "—"),
            }
        )
    return RelationshipView(
        chart=rel.layout(people, roles),
        gaps=rel.coverage_gaps(people, roles, today),
        separation=rel.separation(people, roles),
        rows=rows,
    )


# --- goal build ----------------------------------------------------------------------------------


@dataclass
class GoalBuild:
    """The goal build checked against the objective."""

    objective: Decimal | None
    total: Decimal
    gap: Decimal | None  # objective - total (negative: the build exceeds the objective)
    rows: list[dict[str, Any]]
    suggestions: list[Any]

    @property
    def covered_pct(self) -> float | None:
        """Share of the objective the build covers, for the bar."""
        if not self.objective:
            return None
        return float(min(self.total / self.objective, Decimal(1)) * 100)


def goal_build(data: dict[str, Any], lk: Lookups) -> GoalBuild:
    """Components with labels, their total, the gap to the objective, white-space suggestions."""
    rows = []
    total = Decimal(0)
    used_products = set()
    for c in data.get("components", []):
        amount = dec(c.get("amount"))
        total += amount or 0
        if c.get("product_id"):
            used_products.add(c["product_id"])
        rows.append(
            {
                **c,
                "kind_label": dict(s.ComponentKind.choices).get(c.get("kind"), c.get("kind")),
                "product": lk.products.get(c.get("product_id") or 0, ""),
                "buying_center": lk.buying_centers.get(c.get("buying_center_id") or 0, ""),
                "amount_value": amount,
            }
        )
    objective = dec(data.get("objective_amount"))
    suggestions = [
        cell for cell in lk.white_cells if cell.product_id and cell.product_id not in used_products
    ]
    return GoalBuild(
        objective=objective,
        total=total,
        gap=(objective - total) if objective is not None else None,
        rows=rows,
        suggestions=suggestions,
    )


# --- dashboard -----------------------------------------------------------------------------------


def won_by_component(
    user: User,
    plan: AccountPlan,
    components: list[dict[str, Any]],
    since: dt.date,
    until: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Won revenue in ``since``..``until`` per component against its amount: each deal counted
    once, against the component it is linked to or matched by (``plans.attribution``)."""
    from accountplan.plans import performance as perf

    end = until or dt.date(since.year, 12, 31)
    result = perf.performance(user, plan, components, [], (since, end), end)
    return perf.component_rows(components, result)


# --- account overview (computed) -----------------------------------------------------------------


@dataclass
class AccountOverview:
    """What was won, attempted and lost; contacts on won deals; loss reasons; analytics."""

    by_product: list[dict[str, Any]]
    won_contacts: list[Any]
    loss_reasons: list[dict[str, Any]]
    score: Any
    white_space: list[Any]


def account_overview(user: User, plan: AccountPlan) -> AccountOverview:
    """The computed account overview, from the book and the current analytics snapshot."""
    from django.db.models import Count

    from accountplan.book.models import OpportunityContactRole
    from accountplan.portfolio.selectors import current_snapshot

    account = plan.account
    grouped = (
        Opportunity.objects.for_user(user)
        .filter(account=account)
        .values("product__name", "type", "status")
        .annotate(n=Count("pk"), total=Sum("amount"))
        .order_by("product__name", "type")
    )
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    type_labels = {
        "new": "New business",
        "upsell": "Upsell",
        "cross_sell": "Cross-sell",
        "renewal": "Renewal",
        "": "—",
    }
    for g in grouped:
        k = (g["product__name"] or "(no product)", g["type"] or "")
        row = rows.setdefault(
            k,
            {
                "product": k[0],
                "type": type_labels.get(k[1], k[1]),
                "won": 0,
                "won_amount": 0,
                "attempted": 0,
                "open": 0,
                "lost": 0,
                "lost_amount": 0,
            },
        )
        row["attempted"] += g["n"]
        if g["status"] == "won":
            row["won"] += g["n"]
            row["won_amount"] += g["total"] or 0
        elif g["status"] == "lost":
            row["lost"] += g["n"]
            row["lost_amount"] += g["total"] or 0
        else:
            row["open"] += g["n"]
    # Contact roles have no scoping of their own: the account is the visible plan's account.
    won_contacts = list(
        OpportunityContactRole.objects.filter(
            opportunity__account=account, opportunity__status="won"
        )
        .values("contact_id", "contact__first_name", "contact__last_name", "contact__title")
        .annotate(deals=Count("opportunity", distinct=True))
        .order_by("-deals", "contact__last_name")[:12]
    )
    reasons = list(
        Opportunity.objects.for_user(user)
        .filter(account=account, status="lost")
        .exclude(loss_reason="")
        .values("loss_reason")
        .annotate(n=Count("pk"), total=Sum("amount"))
        .order_by("-n", "loss_reason")[:10]
    )
    snapshot = current_snapshot("product")
    score = visible_score(user, snapshot, account) if snapshot else None
    return AccountOverview(
        by_product=sorted(rows.values(), key=lambda r: (-r["won_amount"], r["product"])),
        won_contacts=won_contacts,
        loss_reasons=reasons,
        score=score,
        white_space=[],
    )


# --- prospecting (in ``prospecting_page``; re-exported for the page, the API and exports) -------

from accountplan.plans.prospecting_page import (  # noqa: E402
    ProspectingView,
    pace_chart_spec,
    prospecting_view,
)

__all__ = ["ProspectingView", "pace_chart_spec", "prospecting_view"]

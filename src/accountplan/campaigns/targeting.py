"""Reads that draw a campaign's target list from a snapshot, all computed in the database.

White space is dense (every account × every product has a potential), so the snapshot stores only
the cells that hold something and derives the others on read (``portfolio.cells``): a cell that is
not stored has R = 0 and P = its peer group's rate × the account's size, so W = P. Here the same
rule runs as SQL over a handful of target items: an account's white space in the target items is

    Σ stored W over its stored target cells
    + size × Σ rate over the target items of its peer group that have no stored cell,

an unknown P (no rate, no size) counting as 0, as in every sum of the methodology. Nothing of the
book is loaded into Python: the preview is one aggregate query, the list a page of rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from accountplan.book.models import Product
from accountplan.portfolio import selectors
from accountplan.portfolio.models import AccountScore, CellScore, PeerRate, Snapshot, SnapshotItem

if TYPE_CHECKING:
    from accountplan.campaigns.models import Campaign
    from accountplan.core.models import User

MONEY = DecimalField(max_digits=20, decimal_places=2)
RATE = DecimalField(max_digits=38, decimal_places=10)
ZERO = Value(Decimal(0), output_field=MONEY)


@dataclass
class Criteria:
    """What draws a target list: a quadrant, target products or families, and filters."""

    quadrant: str
    product_ids: list[int] = field(default_factory=list)
    families: list[str] = field(default_factory=list)
    territory: str = ""
    industry: str = ""
    tier: int | None = None
    min_whitespace: Decimal | None = None
    propensity: bool = False

    @classmethod
    def of(cls, campaign: Campaign) -> Criteria:
        """The criteria a saved campaign stands for."""
        return cls(
            quadrant=campaign.quadrant,
            product_ids=list(campaign.products.values_list("pk", flat=True)) if campaign.pk else [],
            families=list(campaign.families or []),
            territory=campaign.territory,
            industry=campaign.industry,
            tier=campaign.tier,
            min_whitespace=campaign.min_whitespace,
            propensity=campaign.propensity,
        )


def snapshot_for_targets() -> Snapshot | None:
    """The snapshot campaigns draw from: the newest product-level one, else the newest."""
    return selectors.current_snapshot("product") or selectors.current_snapshot()


def target_items(snapshot: Snapshot, criteria: Criteria) -> list[str]:
    """The snapshot's items (its white space map columns) the campaign aims at: the chosen
    products, and every product of the chosen families (at family level: the families)."""
    families = set(criteria.families)
    if snapshot.level == "family":
        families |= set(
            Product.objects.filter(pk__in=criteria.product_ids).values_list("family", flat=True)
        )
        flt = Q(item__in=sorted(families))
    else:
        flt = Q(product_id__in=criteria.product_ids) | Q(family__in=sorted(families))
    if not criteria.product_ids and not families:
        return []
    return list(
        SnapshotItem.objects.filter(snapshot=snapshot).filter(flt).order_by("item")
        .values_list("item", flat=True)
    )  # fmt: skip


def whitespace_expression(snapshot: Snapshot, items: list[str]) -> Any:
    """The white space of an AccountScore row in ``items`` (see the module's docstring)."""
    if not items:
        return ZERO
    stored = (
        CellScore.objects.filter(snapshot=snapshot, account_id=OuterRef("account_id"))
        .filter(item__in=items)
        .order_by()
        .values("account_id")
        .annotate(total=Sum("whitespace_value"))
        .values("total")
    )
    is_stored = CellScore.objects.filter(
        snapshot=snapshot, account_id=OuterRef(OuterRef("account_id")), item=OuterRef("item")
    )
    rates = (
        PeerRate.objects.filter(snapshot=snapshot, peer_key=OuterRef("peer_key"))
        .filter(item__in=items, rate__gt="")
        .exclude(Exists(is_stored))
        .order_by()
        .values("snapshot_id")
        .annotate(total=Sum(Cast("rate", RATE)))
        .values("total")
    )
    derived = Coalesce(Subquery(rates, output_field=RATE), Value(Decimal(0), output_field=RATE))
    return ExpressionWrapper(
        Coalesce(Subquery(stored, output_field=MONEY), ZERO)
        + derived * Coalesce(F("size"), Value(Decimal(0), output_field=MONEY)),
        output_field=MONEY,
    )


def eligible(
    user: User | None, snapshot: Snapshot, criteria: Criteria, items: list[str] | None = None
) -> QuerySet[AccountScore]:
    """The snapshot's scores matching ``criteria`` (visible to ``user``; every account when
    None), annotated with ``target_ws``: the white space in the target items."""
    items = target_items(snapshot, criteria) if items is None else items
    qs: QuerySet[AccountScore] = AccountScore.objects.filter(snapshot=snapshot)
    if user is not None:
        qs = AccountScore.objects.for_user(user).filter(snapshot=snapshot)
    qs = qs.filter(play=criteria.quadrant)
    if criteria.territory:
        qs = qs.filter(account__territory=criteria.territory)
    if criteria.industry:
        qs = qs.filter(account__industry=criteria.industry)
    if criteria.tier is not None:
        qs = qs.filter(tier=criteria.tier)
    if criteria.propensity:
        # next_best is a JSON list of items: match the quoted item in its text (both databases).
        hit = Q(pk__in=[])
        for item in items:
            for quoted in {json.dumps(item), json.dumps(item, ensure_ascii=False)}:
                hit |= Q(next_best__icontains=quoted)
        qs = qs.filter(hit)
    qs = qs.annotate(target_ws=whitespace_expression(snapshot, items))
    if criteria.min_whitespace is not None:
        qs = qs.filter(target_ws__gte=criteria.min_whitespace)
    return qs


@dataclass
class Preview:
    """What a target list would hold: counts, the white space it addresses, the top accounts."""

    snapshot: Snapshot | None
    items: list[str]
    item_names: list[str]
    accounts: int = 0
    whitespace: Decimal = Decimal(0)
    current_revenue: Decimal = Decimal(0)
    by_tier: dict[str, int] = field(default_factory=dict)
    top: list[dict[str, Any]] = field(default_factory=list)
    control_estimate: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (money as strings)."""
        return {
            "snapshot_id": self.snapshot.pk if self.snapshot else None,
            "as_of": self.snapshot.as_of.isoformat()
            if self.snapshot and self.snapshot.as_of
            else None,
            "items": self.items,
            "item_names": self.item_names,
            "accounts": self.accounts,
            "whitespace": str(self.whitespace),
            "current_revenue": str(self.current_revenue),
            "by_tier": self.by_tier,
            "control_estimate": self.control_estimate,
            "top": [{**row, "whitespace": str(row["whitespace"])} for row in self.top],
        }


def cents(value: Any) -> Decimal:
    """A database sum as exact cents (SQLite sums decimals as floats)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def preview(
    user: User | None, criteria: Criteria, control_share: Decimal = Decimal(0), top: int = 10
) -> Preview:
    """The target list ``criteria`` draw from the current snapshot, counted in the database."""
    snapshot = snapshot_for_targets()
    if snapshot is None:
        return Preview(None, [], [])
    items = target_items(snapshot, criteria)
    names = dict(
        SnapshotItem.objects.filter(snapshot=snapshot, item__in=items).values_list(
            "item", "item_name"
        )
    )
    qs = eligible(user, snapshot, criteria, items)
    totals = qs.aggregate(n=Count("pk"), ws=Sum("target_ws"), cr=Sum("current_revenue"))
    tiers = {
        str(t or "—"): n
        for t, n in qs.order_by().values_list("tier").annotate(n=Count("pk")).order_by("tier")
    }
    rows = [
        {"account_id": a, "name": name, "tier": tier, "whitespace": cents(ws)}
        for a, name, tier, ws in qs.order_by(F("target_ws").desc(), "account__name").values_list(
            "account_id",
            "account__name",
            "tier",
            "target_ws",  # type: ignore[misc]
        )[:top]
    ]
    n = int(totals["n"] or 0)
    return Preview(
        snapshot=snapshot,
        items=items,
        item_names=[names.get(i, i) for i in items],
        accounts=n,
        whitespace=cents(totals["ws"]),
        current_revenue=cents(totals["cr"]),
        by_tier=tiers,
        top=rows,
        control_estimate=int((Decimal(n) * control_share).quantize(Decimal(1))),
    )

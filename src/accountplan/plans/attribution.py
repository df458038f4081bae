"""Which deals count against which goal-build component: pure functions (no Django).

A deal counts against **at most one** component, so the dashboard's actuals add up to the won
revenue they explain and no deal is counted twice:

1. **Linked.** A deal listed in a component's ``opportunity_ids`` counts there (the goals schema
   refuses a deal linked to two components).
2. **Matched.** Otherwise, a component matches a deal when
   - its kind fits the deal's type (``KIND_TYPES``: a renewal component takes renewals only, an
     upsell upsells only, a cross-sell cross-sells, a new buying center new business, cross-sells
     and upsells, a win-back new business), and
   - each of the product and the buying center the component names is the deal's own (a blank
     one matches any).
   Among the matching components the most specific wins (the one naming more of product and
   buying center), then the one whose kind is the deal type's own (a cross-sell deal goes to a
   cross-sell component before a new-buying-center one), then the first in the goal build.
3. A deal with no type, or that no component takes, is **not in the goal build**: it is listed
   apart, never spread over the components.

Won revenue: deals won with a close date inside the plan's period. Open pipeline: open deals
whose expected close date is blank or not after the period's end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

#: The deal types (``Opportunity.type``) each component kind can take, its own type first.
KIND_TYPES: dict[str, tuple[str, ...]] = {
    "renewal": ("renewal",),
    "upsell": ("upsell",),
    "cross_sell": ("cross_sell",),
    "new_buying_center": ("new", "cross_sell", "upsell"),
    "win_back": ("new",),
}

How = Literal["linked", "matched"]


@dataclass(frozen=True)
class Deal:
    """What the rule needs of an opportunity."""

    id: int
    name: str
    type: str
    status: str
    product_id: int | None
    buying_center_id: int | None
    amount: Decimal
    close_date: dt.date | None


@dataclass(frozen=True)
class Credit:
    """One deal counted against one component, and why."""

    deal: Deal
    how: How


@dataclass
class ComponentActual:
    """A component's target and the deals that count against it."""

    component_id: str
    target: Decimal
    credits: list[Credit] = field(default_factory=list)

    @property
    def actual(self) -> Decimal:
        """The sum of the credited deals' amounts."""
        return sum((c.deal.amount for c in self.credits), Decimal(0))

    @property
    def pct(self) -> Decimal | None:
        """Actual as a percent of the target (None when there is no target)."""
        if not self.target:
            return None
        return (self.actual * 100 / self.target).quantize(Decimal("0.1"))


@dataclass
class Attribution:
    """Every deal of a kind (won in the period, or open) credited once, or left unattributed."""

    components: list[ComponentActual]
    unattributed: list[Deal]

    def by_id(self) -> dict[str, ComponentActual]:
        """Component id → its actual."""
        return {c.component_id: c for c in self.components}

    @property
    def total(self) -> Decimal:
        """All credited amounts (each deal once)."""
        return sum((c.actual for c in self.components), Decimal(0))

    def component_of(self, deal_id: int) -> str | None:
        """The id of the component a deal counts against, if any."""
        for c in self.components:
            if any(cr.deal.id == deal_id for cr in c.credits):
                return c.component_id
        return None


def money(value: Any) -> Decimal | None:
    """A stored amount as a Decimal; blank or junk → None."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _fits(component: Mapping[str, Any], deal: Deal) -> bool:
    if deal.type not in KIND_TYPES.get(str(component.get("kind") or ""), ()):
        return False
    product = component.get("product_id")
    center = component.get("buying_center_id")
    if product and product != deal.product_id:
        return False
    return not (center and center != deal.buying_center_id)


def _preference(index: int, component: Mapping[str, Any], deal: Deal) -> tuple[int, int, int]:
    named = int(bool(component.get("product_id"))) + int(bool(component.get("buying_center_id")))
    own_type = KIND_TYPES.get(str(component.get("kind")), ("",))[0] == deal.type
    return (-named, 0 if own_type else 1, index)


def match(components: Sequence[Mapping[str, Any]], deal: Deal) -> int | None:
    """The index of the component that takes ``deal`` by the matching rule, or None."""
    candidates = [(_preference(i, c, deal), i) for i, c in enumerate(components) if _fits(c, deal)]
    return min(candidates)[1] if candidates else None


def attribute(components: Sequence[Mapping[str, Any]], deals: Iterable[Deal]) -> Attribution:
    """Credit each deal to one component: linked first, else matched (see the module's rules)."""
    actuals = [
        ComponentActual(str(c.get("id") or i), money(c.get("amount")) or Decimal(0))
        for i, c in enumerate(components)
    ]
    linked: dict[int, int] = {}
    for i, c in enumerate(components):
        for opp in c.get("opportunity_ids") or []:
            linked.setdefault(int(opp), i)
    unattributed: list[Deal] = []
    for deal in sorted(deals, key=lambda d: (d.close_date or dt.date.max, d.id)):
        if deal.id in linked:
            actuals[linked[deal.id]].credits.append(Credit(deal, "linked"))
            continue
        index = match(components, deal)
        if index is None:
            unattributed.append(deal)
        else:
            actuals[index].credits.append(Credit(deal, "matched"))
    return Attribution(actuals, unattributed)


def won_in(deals: Iterable[Deal], start: dt.date, end: dt.date) -> list[Deal]:
    """Deals won with a close date within ``start``..``end`` (inclusive)."""
    return [
        d
        for d in deals
        if d.status == "won" and d.close_date is not None and start <= d.close_date <= end
    ]


def open_by(deals: Iterable[Deal], end: dt.date) -> list[Deal]:
    """Open deals expected to close by ``end`` (or with no close date yet)."""
    return [
        d for d in deals if d.status == "open" and (d.close_date is None or d.close_date <= end)
    ]


@dataclass(frozen=True)
class MilestoneActual:
    """A measured milestone's actual from the data, and the status it implies."""

    actual: Decimal
    status: str | None


def milestone_actual(
    milestone: Mapping[str, Any],
    won: Attribution,
    pipeline: Attribution,
    today: dt.date,
) -> MilestoneActual | None:
    """The actual of a milestone that measures won revenue or open pipeline (None otherwise).

    Won revenue counts the deals credited to the milestone's component (every won deal of the
    period when it names none) closed by the milestone's date; pipeline counts the open deals
    credited the same way. Status: **done** once the actual reaches the target amount; **late**
    when the date has passed without it; otherwise the status the user gave (or none).
    """
    measure = milestone.get("measure")
    if measure not in ("won_revenue", "pipeline"):
        return None
    source = won if measure == "won_revenue" else pipeline
    cid = milestone.get("component_id")
    deals: list[Deal]
    if cid:
        comp = source.by_id().get(str(cid))
        deals = [cr.deal for cr in comp.credits] if comp else []
    else:
        deals = [cr.deal for c in source.components for cr in c.credits] + source.unattributed
    by = _date(milestone.get("date"))
    if measure == "won_revenue" and by is not None:
        deals = [d for d in deals if d.close_date is not None and d.close_date <= by]
    actual = sum((d.amount for d in deals), Decimal(0))
    target = money(milestone.get("target_amount"))
    status = milestone.get("status") or None
    if target is not None and actual >= target:
        status = "done"
    elif by is not None and by < today and target is not None:
        status = "late"
    return MilestoneActual(actual, status)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None

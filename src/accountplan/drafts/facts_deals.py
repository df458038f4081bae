"""Facts of an account's deals: won, lost and open, by product, type, competitor and reason.

Figures are aggregated in the database over the account's deals (its own rows only); the ids of
the deals behind each figure come from one bounded read of the account's deals in the window.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min, Q, Sum

from accountplan.book.choices import OpportunityStatus, OpportunityType
from accountplan.book.models import Account, Opportunity, PurchaseLine
from accountplan.core import fmt
from accountplan.drafts.facts_base import WINDOW_DAYS, make_fact
from accountplan.drafts.types import Fact

DEAL = "book.Opportunity"
WON, LOST, OPEN = OpportunityStatus.WON, OpportunityStatus.LOST, OpportunityStatus.OPEN


def _deals(n: int) -> str:
    return f"{n} deal{'s' if n != 1 else ''}"


def _money(value: Any) -> str:
    return fmt.money(value)


def _zero(value: Decimal | None) -> Decimal:
    return value if value is not None else Decimal("0.00")


def deal_facts(account: Account, as_of: dt.date) -> list[Fact]:
    """Won, lost and open deals of ``account`` (see the module docstring)."""
    start = as_of - dt.timedelta(days=WINDOW_DAYS)
    closed = Q(status__in=[WON, LOST], close_date__gt=start, close_date__lte=as_of)
    in_scope = Opportunity.objects.filter(account=account).filter(closed | Q(status=OPEN))
    rows = list(
        in_scope.order_by("pk").values_list(
            "pk", "status", "product_id", "type", "competitor", "loss_reason"
        )
    )
    ids: dict[tuple[str, str, object], list[int]] = defaultdict(list)
    for pk, status, product_id, kind, competitor, reason in rows:
        ids[(status, "product", product_id)].append(pk)
        ids[(status, "type", kind)].append(pk)
        ids[(status, "competitor", competitor.strip().casefold())].append(pk)
        ids[(status, "reason", reason.strip().casefold())].append(pk)
        ids[(status, "all", "")].append(pk)
    facts: list[Fact] = []
    facts += _summary(account, in_scope, ids, as_of)
    facts += _by_product(in_scope, ids, as_of)
    facts += _by_type(in_scope, ids, as_of)
    facts += _lost_by(in_scope, "competitor", ids, as_of)
    facts += _lost_by(in_scope, "loss_reason", ids, as_of)
    facts += _history(account, as_of)
    facts += _record(account, as_of)
    return facts


#: The longer window of the record (win rate, average deal) when the last 12 months are thin.
RECORD_DAYS = 3 * 365


def _record(account: Account, as_of: dt.date) -> list[Fact]:
    """Won and lost deals over three years: the win rate and average won deal the prospecting
    plan uses when the last twelve months hold none."""
    start = as_of - dt.timedelta(days=RECORD_DAYS)
    qs = Opportunity.objects.filter(
        account=account, status__in=[WON, LOST], close_date__gt=start, close_date__lte=as_of
    )
    agg = qs.aggregate(
        won=Count("pk", filter=Q(status=WON)),
        lost=Count("pk", filter=Q(status=LOST)),
        won_amount=Sum("amount", filter=Q(status=WON, amount__isnull=False)),
        priced=Count("pk", filter=Q(status=WON, amount__isnull=False)),
    )
    won, lost = agg["won"], agg["lost"]
    if not won:
        return []
    rate = (Decimal(100 * won) / Decimal(won + lost)).quantize(Decimal("0.1"))
    avg = (agg["won_amount"] / agg["priced"]).quantize(Decimal("0.01")) if agg["priced"] else None
    label = f"In the last 3 years: {_deals(won)} won, {_deals(lost)} lost (win rate {rate}%)"
    if avg is not None:
        label += f", average won deal {_money(avg)}"
    ids = list(qs.order_by("-close_date", "-pk").values_list("pk", flat=True)[:50])
    return [
        make_fact(
            "deals.record",
            "",
            label,
            {"won": won, "lost": lost, "win_rate_pct": rate, "average_won": avg},
            DEAL,
            ids,
            as_of,
        )
    ]


def _summary(
    account: Account, qs: Any, ids: dict[tuple[str, str, object], list[int]], as_of: dt.date
) -> list[Fact]:
    agg = qs.aggregate(
        won=Count("pk", filter=Q(status=WON)),
        won_amount=Sum("amount", filter=Q(status=WON)),
        lost=Count("pk", filter=Q(status=LOST)),
        lost_amount=Sum("amount", filter=Q(status=LOST)),
        open=Count("pk", filter=Q(status=OPEN)),
        open_amount=Sum("amount", filter=Q(status=OPEN)),
        avg_won=Sum("amount", filter=Q(status=WON, amount__isnull=False)),
        won_with_amount=Count("pk", filter=Q(status=WON, amount__isnull=False)),
    )
    won, lost, open_ = agg["won"], agg["lost"], agg["open"]
    facts = []
    if won or lost:
        rate = None if not (won + lost) else Decimal(100 * won) / Decimal(won + lost)
        avg = (
            (agg["avg_won"] / agg["won_with_amount"]).quantize(Decimal("0.01"))
            if agg["won_with_amount"]
            else None
        )
        label = (
            f"In the last 12 months: {_deals(won)} won ({_money(_zero(agg['won_amount']))}), "
            f"{_deals(lost)} lost ({_money(_zero(agg['lost_amount']))})"
        )
        facts.append(
            make_fact(
                "deals.closed",
                "",
                label,
                {
                    "won": won,
                    "won_amount": _zero(agg["won_amount"]),
                    "lost": lost,
                    "lost_amount": _zero(agg["lost_amount"]),
                    "win_rate_pct": None if rate is None else rate.quantize(Decimal("0.1")),
                    "average_won": avg,
                },
                DEAL,
                ids[(WON, "all", "")] + ids[(LOST, "all", "")],
                as_of,
            )
        )
    if open_:
        facts.append(
            make_fact(
                "deals.open",
                "",
                f"{_deals(open_)} open, worth {_money(_zero(agg['open_amount']))}",
                {"count": open_, "amount": _zero(agg["open_amount"])},
                DEAL,
                ids[(OPEN, "all", "")],
                as_of,
            )
        )
    return facts


def _by_product(
    qs: Any, ids: dict[tuple[str, str, object], list[int]], as_of: dt.date
) -> list[Fact]:
    facts = []
    groups = (
        qs.exclude(product__isnull=True)
        .values("status", "product_id", "product__name")
        .annotate(n=Count("pk"), amount=Sum("amount"), due=Min("close_date"))
        .order_by("status", "product__name", "product_id")
    )
    verbs = {WON: "won", LOST: "lost", OPEN: "open"}
    for g in groups:
        status, name, n = g["status"], g["product__name"], g["n"]
        amount = _zero(g["amount"])
        if status == OPEN:
            label = f"{name}: {_deals(n)} open, worth {_money(amount)}"
            if g["due"]:
                label += f", closing from {fmt.date(g['due'])}"
        else:
            label = f"{name}: {_deals(n)} {verbs[status]} in the last 12 months ({_money(amount)})"
        facts.append(
            make_fact(
                f"deals.{verbs[status]}.product",
                g["product_id"],
                label,
                {
                    "product_id": g["product_id"],
                    "product": name,
                    "count": n,
                    "amount": amount,
                    "first_close": g["due"],
                },
                DEAL,
                ids[(status, "product", g["product_id"])],
                as_of,
            )
        )
    return facts


def _by_type(qs: Any, ids: dict[tuple[str, str, object], list[int]], as_of: dt.date) -> list[Fact]:
    facts = []
    groups = (
        qs.exclude(type="")
        .values("status", "type")
        .annotate(n=Count("pk"), amount=Sum("amount"))
        .order_by("status", "type")
    )
    verbs = {WON: "won in the last 12 months", LOST: "lost in the last 12 months", OPEN: "open"}
    for g in groups:
        kind = (
            OpportunityType(g["type"]).label if g["type"] in OpportunityType.values else g["type"]
        )
        amount = _zero(g["amount"])
        facts.append(
            make_fact(
                f"deals.{g['status']}.type",
                g["type"],
                f"{kind}: {_deals(g['n'])} {verbs[g['status']]} ({_money(amount)})",
                {"type": g["type"], "type_label": kind, "count": g["n"], "amount": amount},
                DEAL,
                ids[(g["status"], "type", g["type"])],
                as_of,
            )
        )
    return facts


def _lost_by(
    qs: Any, field: str, ids: dict[tuple[str, str, object], list[int]], as_of: dt.date
) -> list[Fact]:
    facts = []
    groups = (
        qs.filter(status=LOST)
        .exclude(**{field: ""})
        .values(field)
        .annotate(n=Count("pk"), amount=Sum("amount"), last=Max("close_date"))
        .order_by(field)
    )
    # The same competitor typed "Acme" and "acme " is one competitor.
    merged: dict[str, dict[str, Any]] = {}
    for g in groups:
        key = g[field].strip().casefold()
        slot = merged.setdefault(
            key, {"name": g[field].strip(), "n": 0, "amount": Decimal("0.00"), "last": None}
        )
        slot["n"] += g["n"]
        slot["amount"] += _zero(g["amount"])
        slot["last"] = max(d for d in (slot["last"], g["last"]) if d) if g["last"] else slot["last"]
    short = "competitor" if field == "competitor" else "reason"
    for key, g in sorted(merged.items()):
        name = g["name"]
        label = (
            f"Lost {_deals(g['n'])} to {name} in the last 12 months ({_money(g['amount'])})"
            if short == "competitor"
            else f"Lost {_deals(g['n'])} for “{name}” in the last 12 months ({_money(g['amount'])})"
        )
        facts.append(
            make_fact(
                f"deals.lost.{short}",
                key,
                label,
                {short: name, "count": g["n"], "amount": g["amount"], "last_lost": g["last"]},
                DEAL,
                ids[(LOST, short, key)],
                as_of,
            )
        )
    return facts


def _history(account: Account, as_of: dt.date) -> list[Fact]:
    """When the account first bought, and how many products it has bought, from its purchases."""
    lines = PurchaseLine.objects.filter(account=account, date__lte=as_of)
    agg = lines.aggregate(
        first=Min("date"),
        last=Max("date"),
        products=Count("product_id", distinct=True),
        lines=Count("pk"),
    )
    if not agg["lines"]:
        return []
    label = (
        f"Buying since {fmt.date(agg['first'])}: {agg['products']} "
        f"product{'s' if agg['products'] != 1 else ''}, last purchase {fmt.date(agg['last'])}"
    )
    return [
        make_fact(
            "purchases.history",
            "",
            label,
            {
                "first_purchase": agg["first"],
                "last_purchase": agg["last"],
                "products": agg["products"],
                "lines": agg["lines"],
            },
            "book.PurchaseLine",
            [
                lines.order_by("date", "pk").values_list("pk", flat=True).first(),
                lines.order_by("-date", "-pk").values_list("pk", flat=True).first(),
            ],
            as_of,
        )
    ]

"""What a launched campaign achieved, measured from the opportunities that followed.

Deals counted: opportunities at the campaign's frozen launch members (late joins are reported
apart) whose product, or one of whose line items' products, is a target product.

- opened / pipeline: deals created in the window (count / Σ amount);
- won / revenue: deals won with a close date in the window (count / Σ amount).

Windows: reached = launch → end date; influenced = launch → end date + N days. Each is compared
with the control group over the same window, and with the same target accounts over the period of
the same length just before the launch. Rates are per account, so groups of different sizes
compare. Every figure is one aggregate query per group: the book never leaves the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from accountplan.book.choices import OpportunityStatus
from accountplan.book.models import Opportunity, OpportunityLineItem, Product
from accountplan.campaigns.models import Campaign, CampaignMember, MemberGroup

CENT = Decimal("0.01")


def product_ids(campaign: Campaign) -> QuerySet[Any]:
    """The target products: those chosen and every product of the chosen families."""
    return Product.objects.filter(
        Q(pk__in=campaign.products.values("pk")) | Q(family__in=list(campaign.families or []))
    ).values("pk")


def target_deals(campaign: Campaign, group: str, late: bool = False) -> QuerySet[Opportunity]:
    """Opportunities in the target products at the campaign's members of ``group``."""
    pids = product_ids(campaign)
    members = CampaignMember.objects.filter(campaign=campaign, group=group, late_join=late)
    lines = OpportunityLineItem.objects.filter(opportunity=OuterRef("pk"), product_id__in=pids)
    return Opportunity.objects.filter(account_id__in=members.values("account_id")).filter(
        Q(product_id__in=pids) | Q(Exists(lines))
    )


@dataclass(frozen=True)
class Window:
    """A span of days, both ends included."""

    key: str
    label: str
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """Its length in days."""
        return (self.end - self.start).days + 1

    def before(self) -> Window:
        """The span of the same length just before this one."""
        end = self.start - dt.timedelta(days=1)
        return Window(f"{self.key}_previous", "Previous period", end - dt.timedelta(self.days - 1),
                      end)  # fmt: skip


def windows(campaign: Campaign) -> list[Window]:
    """The reached and influenced windows of a launched campaign."""
    start = campaign.launch_date or campaign.start_date
    influenced = campaign.end_date + dt.timedelta(days=campaign.influence_days)
    return [
        Window("reached", "Reached (launch → end)", start, max(start, campaign.end_date)),
        Window(
            "influenced",
            f"Influenced (launch → end + {campaign.influence_days} days)",
            start,
            max(start, influenced),
        ),
    ]


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def _figures(qs: QuerySet[Opportunity], spans: list[Window]) -> dict[str, dict[str, Any]]:
    """opened, pipeline, won, revenue per window: one query for all the windows."""
    won = Q(status=OpportunityStatus.WON)
    aggs: dict[str, Any] = {}
    for w in spans:
        created = Q(created_date__gte=w.start, created_date__lte=w.end)
        closed = won & Q(close_date__gte=w.start, close_date__lte=w.end)
        aggs[f"{w.key}__opened"] = Count("pk", filter=created)
        aggs[f"{w.key}__pipeline"] = Sum("amount", filter=created)
        aggs[f"{w.key}__won"] = Count("pk", filter=closed)
        aggs[f"{w.key}__revenue"] = Sum("amount", filter=closed)
    raw = qs.aggregate(**aggs) if aggs else {}
    out: dict[str, dict[str, Any]] = {w.key: {} for w in spans}
    for key, value in raw.items():
        span, metric = key.split("__")
        out[span][metric] = _money(value) if metric in ("pipeline", "revenue") else int(value or 0)
    return out


def _per_account(fig: dict[str, Any], accounts: int) -> dict[str, Any]:
    if not accounts:
        return dict.fromkeys(("opened", "won", "pipeline", "revenue"))
    return {
        "opened": round(fig["opened"] / accounts, 4),
        "won": round(fig["won"] / accounts, 4),
        "pipeline": (fig["pipeline"] / accounts).quantize(CENT),
        "revenue": (fig["revenue"] / accounts).quantize(CENT),
    }


def lift(
    ours: dict[str, Any], n_ours: int, theirs: dict[str, Any], n_theirs: int
) -> dict[str, Any]:
    """Per metric: (our per-account rate) ÷ (theirs) − 1, from the exact totals and counts (the
    shown per-account rates are rounded: a lift from them did not multiply out, 15 vs 5 deals
    over 43 accounts each gave 1.9991 instead of 2); None when a base is unknown or 0. Rounded
    to 4 decimals at the end only."""
    out: dict[str, Any] = {}
    for k in ("opened", "won", "pipeline", "revenue"):
        a, b = Decimal(str(ours[k] or 0)), Decimal(str(theirs[k] or 0))
        if not n_ours or not n_theirs or not b:
            out[k] = None
        else:
            out[k] = round(float((a * n_theirs) / (b * n_ours) - 1), 4)
    return out


def visible_accounts(user: Any) -> QuerySet[Any] | None:
    """The ids of the accounts ``user`` may see, or None when that is the whole book (or no
    user: the command line without ``--user``)."""
    if user is None or getattr(user, "sees_whole_book", False):
        return None
    from accountplan.book.models import Account

    return Account.objects.for_user(user).values("pk")


def campaign_results(campaign: Campaign, user: Any = None) -> dict[str, Any]:
    """Per window: the target group, the control group and the target group's previous period,
    with totals, per-account rates and lifts, counted over the members ``user`` may see (every
    member for the whole book). Empty for a draft."""
    if not campaign.is_launched:
        return {"launched": False, "windows": [], "scoped": False}
    visible = visible_accounts(user)

    def deals(group: str, late: bool = False) -> QuerySet[Opportunity]:
        qs = target_deals(campaign, group, late)
        return qs if visible is None else qs.filter(account_id__in=visible)

    def count(group: str, late: bool = False) -> int:
        qs = CampaignMember.objects.filter(campaign=campaign, group=group, late_join=late)
        return (qs if visible is None else qs.filter(account_id__in=visible)).count()

    spans = windows(campaign)
    previous = [w.before() for w in spans]
    target = _figures(deals(MemberGroup.TARGET), spans + previous)
    control = _figures(deals(MemberGroup.CONTROL), spans)
    late = _figures(deals(MemberGroup.TARGET, late=True), spans)
    if visible is None:
        n_target, n_control, n_late = (
            campaign.target_count,
            campaign.control_count,
            campaign.late_count,
        )
    else:
        n_target, n_control = count(MemberGroup.TARGET), count(MemberGroup.CONTROL)
        n_late = count(MemberGroup.TARGET, late=True)
    out = []
    for w, p in zip(spans, previous, strict=True):
        t_rate = _per_account(target[w.key], n_target)
        c_rate = _per_account(control[w.key], n_control)
        p_rate = _per_account(target[p.key], n_target)
        out.append(
            {
                "key": w.key,
                "label": w.label,
                "start": w.start,
                "end": w.end,
                "previous_start": p.start,
                "previous_end": p.end,
                "target": {"accounts": n_target, **target[w.key], "per_account": t_rate},
                "control": {"accounts": n_control, **control[w.key], "per_account": c_rate},
                "previous": {"accounts": n_target, **target[p.key], "per_account": p_rate},
                "late_joins": {"accounts": n_late, **late[w.key]},
                "lift_vs_control": lift(target[w.key], n_target, control[w.key], n_control),
                "lift_vs_previous": lift(target[w.key], n_target, target[p.key], n_target),
            }
        )
    return {"launched": True, "windows": out, "scoped": visible is not None}


def chart_spec(results: dict[str, Any]) -> dict[str, Any]:
    """A grouped bar chart (Vega-Lite): revenue and pipeline per account, target against control
    and the previous period, in each window."""
    rows = []
    for w in results.get("windows", []):
        for group, label in (("target", "Target"), ("control", "Control"),
                             ("previous", "Before launch")):  # fmt: skip
            rates = w[group]["per_account"]
            for metric, name in (("revenue", "Won revenue per account"),
                                 ("pipeline", "Pipeline per account")):  # fmt: skip
                value = rates.get(metric)
                rows.append(
                    {
                        "window": "Reached" if w["key"] == "reached" else "Influenced",
                        "group": label,
                        "metric": name,
                        "value": float(value) if value is not None else 0.0,
                    }
                )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "description": "Per-account pipeline and won revenue: target, control, previous period",
        "data": {"values": rows},
        "facet": {"row": {"field": "metric", "type": "nominal", "title": None}},
        "spec": {
            "width": 220,
            "height": 160,
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "x": {
                    "field": "window",
                    "type": "nominal",
                    "title": None,
                    "sort": ["Reached", "Influenced"],
                    "axis": {"labelAngle": 0},
                },
                "xOffset": {"field": "group"},
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": None,
                    "axis": {"format": "~s"},
                },
                "color": {
                    "field": "group",
                    "type": "nominal",
                    "title": None,
                    "scale": {
                        "domain": ["Target", "Control", "Before launch"],
                        "range": ["#e8730c", "#7c7f87", "#b9c2d0"],
                    },
                    "legend": {"orient": "bottom"},
                },
            },
        },
        "resolve": {"scale": {"y": "independent"}},
    }

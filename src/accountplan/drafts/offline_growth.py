"""Offline rules of the growth sections: the goal build (renewals, upsell headroom, the top
expected-value white space, win-backs), the prospecting plan drawn from it, actions for every
coverage gap and finding, team commitments from the play, and the dashboard's milestones."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from accountplan.drafts.offline_base import CENT, Drafter, a_an, join_names, money, plural, vals
from accountplan.drafts.types import Fact

#: White-space products and upsell products a goal build takes at most.
TOP = 3


@dataclass
class Part:
    """One component of the proposed goal build, with the fact it comes from."""

    kind: str
    fact: Fact
    amount: Decimal
    text: str
    item: dict[str, object]


def goal_parts(d: Drafter) -> list[Part]:
    """The proposed goal build, deterministic: renewals, then upsell, cross-sell, win-back."""
    parts: list[Part] = []
    renewal = next((f for f in d.kind("deals.open.type") if vals(f)["type"] == "renewal"), None)
    if renewal is not None and vals(renewal)["amount"]:
        ids = list(renewal.source.row_ids)
        linked = ids if len(ids) == vals(renewal)["count"] else []
        amount = Decimal(vals(renewal)["amount"]).quantize(CENT)
        parts.append(
            Part(
                "renewal",
                renewal,
                amount,
                f"Renew the {plural(len(ids), 'open renewal')} worth {money(amount)}.",
                {"opportunity_ids": linked},
            )
        )
    headroom = sorted(
        (f for f in d.kind("revenue.product") if vals(f)["headroom"]),
        key=lambda f: (-vals(f)["headroom"], f.id),
    )
    for f in headroom[:TOP]:
        amount = Decimal(vals(f)["headroom"]).quantize(CENT)
        parts.append(
            Part(
                "upsell",
                f,
                amount,
                f"Upsell {vals(f)['product']}: {money(amount)} of headroom to its potential.",
                {"product_id": vals(f)["product_id"], "source_cell": str(vals(f)["item"])},
            )
        )
    for f in d.kind("whitespace.product")[:TOP]:
        ev = vals(f)["expected_value"]
        if not ev:
            continue
        amount = Decimal(ev).quantize(CENT)
        parts.append(
            Part(
                "cross_sell",
                f,
                amount,
                f"Cross-sell {vals(f)['product']}: expected value {money(amount)} of a "
                f"{money(vals(f)['white_space'])} white space.",
                {"product_id": vals(f)["product_id"], "source_cell": str(vals(f)["item"])},
            )
        )
    for f in d.kind("followup.reengage")[:TOP]:
        if not vals(f)["amount"]:
            continue
        amount = Decimal(vals(f)["amount"]).quantize(CENT)
        parts.append(
            Part(
                "win_back",
                f,
                amount,
                f"Win back the lost {vals(f)['product'] or 'deal'} ({money(amount)}).",
                {},
            )
        )
    return parts


def draft_goals(d: Drafter) -> None:
    parts = goal_parts(d)
    for p in parts:
        d.add(
            "components",
            p.text,
            [p.fact],
            {"kind": p.kind, "amount": str(p.amount), "notes": p.text, **p.item},
        )
    if parts:
        total = sum((p.amount for p in parts), start=Decimal("0.00"))
        by_kind: dict[str, Decimal] = {}
        for p in parts:
            by_kind[p.kind] = by_kind.get(p.kind, Decimal(0)) + p.amount
        kind_names = {
            "renewal": "renewals",
            "upsell": "upsell",
            "cross_sell": "cross-sell",
            "win_back": "win-back",
        }
        split = join_names([f"{kind_names[k]} {money(v)}" for k, v in by_kind.items()])
        cited = [p.fact for p in parts]
        d.add(
            "objective_amount", f"Growth objective: {money(total)}.", cited, {"value": str(total)}
        )
        d.add("objective_text", f"Grow to {money(total)} this period: {split}.", cited)
    play = d.one("portfolio.play")
    if play is not None:
        v = vals(play)
        text = f"Play {v['play']} ({v['reason']}): {str(v['campaign']).rstrip('.')}."
        if v.get("cadence"):
            text += f" Tier {v['tier']} cadence: {v['cadence']}."
        d.add("strategy", text, [play])
    best = d.kind("whitespace.next_best")
    if best:
        names = join_names([str(vals(f)["product"]) for f in best])
        d.add("strategy", f"Lead with the next best products: {names}.", best)


def draft_prospecting(d: Drafter) -> None:
    trend = d.one("revenue.trend")
    closed = d.one("deals.closed")
    if closed is None or not vals(closed)["average_won"]:
        closed = d.one("deals.record") or closed
    parts = [p for p in goal_parts(d) if p.kind != "renewal"]
    inputs: dict[str, object] = {}
    cited: list[Fact] = []
    current = vals(trend)["current"] if trend else None
    if trend is not None and current:
        inputs["current_revenue"] = str(Decimal(current).quantize(CENT))
        cited.append(trend)
        if parts:
            new = sum((p.amount for p in parts), start=Decimal(0))
            growth = min(new / Decimal(current) * 100, Decimal(1000))
            inputs["growth_pct"] = str(growth.quantize(CENT))
            cited += [p.fact for p in parts]
    if closed is not None:
        v = vals(closed)
        if v["average_won"]:
            inputs["deal_size"] = str(v["average_won"])
        if v["win_rate_pct"]:
            inputs["win_rate_pct"] = str(v["win_rate_pct"])
        if "deal_size" in inputs or "win_rate_pct" in inputs:
            cited.append(closed)
    if not inputs:
        if parts:
            new = sum((p.amount for p in parts), start=Decimal(0))
            d.add(
                "notes",
                f"The goal build asks for {money(new)} of new business; no deal won in the last "
                "3 years gives a deal size or a win rate: fill them in to size the prospecting.",
                [p.fact for p in parts],
            )
        return
    said = []
    if "current_revenue" in inputs:
        said.append(f"current revenue {money(inputs['current_revenue'])}")
    if "growth_pct" in inputs:
        said.append(
            f"growth {Decimal(str(inputs['growth_pct'])).normalize():f}% from the goal build"
        )
    if "deal_size" in inputs:
        said.append(f"average won deal {money(inputs['deal_size'])}")
    if "win_rate_pct" in inputs:
        said.append(f"win rate {inputs['win_rate_pct']}%")
    d.add("inputs", "Inputs from the data: " + ", ".join(said) + ".", cited, inputs)
    if (
        parts
        and closed is not None
        and vals(closed)["average_won"]
        and vals(closed)["win_rate_pct"]
    ):
        new = sum((p.amount for p in parts), start=Decimal(0))
        deals = math.ceil(new / Decimal(vals(closed)["average_won"]))
        rate = Decimal(vals(closed)["win_rate_pct"])
        opportunities = math.ceil(Decimal(deals) * 100 / rate)
        d.add(
            "notes",
            f"To add {money(new)} at an average won deal of {money(vals(closed)['average_won'])}"
            f" we need {plural(deals, 'won deal')}; at a {rate}% win rate that is "
            f"{plural(opportunities, 'opportunity', 'opportunities')} to open.",
            [closed, *[p.fact for p in parts]],
        )


def _due(d: Drafter, days: int) -> str:
    return (d.facts.as_of + dt.timedelta(days=days)).isoformat()


def _action(d: Drafter, title: str, cited: list[Fact], days: int, function: str = "sales") -> None:
    d.add(
        "actions",
        title[:300],
        cited,
        {"title": title[:300], "due_date": _due(d, days), "status": "todo", "function": function},
    )


def draft_actions(d: Drafter) -> None:
    none = d.one("stakeholders.no_decision_maker")
    if none is not None:
        _action(d, "Identify the decision maker and get a meeting", [none], 14)
    deciders = d.one("stakeholders.decision_makers")
    if deciders is not None and not vals(deciders).get("strong"):
        _action(d, f"Strengthen our tie to {vals(deciders)['names']}", [deciders], 30)
    talkers, mobilizers = d.one("stakeholders.talkers"), d.one("stakeholders.mobilizers")
    if talkers is not None and mobilizers is None:
        _action(d, "Find a mobilizer: those we know talk but do not act", [talkers], 30)
    stale = d.one("stakeholders.stale")
    if stale is not None:
        _action(
            d,
            f"Reconnect with {vals(stale)['names']}: no touch in {vals(stale)['days']} days",
            [stale],
            14,
        )
    for f in d.kind("stakeholders.uncovered_department"):
        _action(d, f"Build a relationship in {vals(f)['department']}", [f], 45)
    for f in d.kind("actions.overdue"):
        _action(
            d,
            f"Reschedule “{vals(f)['title']}” (overdue since {_fmt_day(vals(f)['due'])})",
            [f],
            7,
        )
    profile = d.one("account.profile")
    name = str(vals(profile)["name"]) if profile else ""
    for f in d.kind("findings.open"):
        days = 7 if vals(f)["severity"] == "red" else 21
        summary = str(vals(f)["summary"])
        if name and summary.startswith(name) and ": " in summary:
            summary = summary.split(": ", 1)[1]  # "Acme FY2027: 3 overdue actions" → the finding
        _action(d, f"Resolve: {summary}", [f], days)
    for f in d.kind("followup.reengage"):
        when = vals(f)["reengage_on"]
        days = max(7, (when - d.facts.as_of).days) if isinstance(when, dt.date) else 14
        _action(d, f"Re-engage on the lost {vals(f)['product'] or 'deal'}", [f], days)
    for f in d.kind("customer.scorecard_low"):
        v = vals(f)
        title = f"Agree with the customer how to lift “{v['metric']}”"
        title += f" ({v['score']} of 5, {v['period']})"
        _action(d, title, [f], 21)
    for f in d.kind("deals.fit"):
        v = vals(f)
        if not v["top_band"]:
            _action(d, f"{v['band']}: {v['deal']} (fit {v['score']}). {v['guidance']}", [f], 14)
    for f in d.kind("whitespace.product")[:1]:
        _action(
            d,
            f"Propose {vals(f)['product']} (expected value {money(vals(f)['expected_value'])})",
            [f],
            30,
        )


def _fmt_day(value: object) -> str:
    from accountplan.core import fmt

    return fmt.date(value)


def draft_team_support(d: Drafter) -> None:
    play = d.one("portfolio.play")
    if play is not None and vals(play)["play"] != "Manage":
        d.add(
            "commitments",
            f"Marketing: {vals(play)['campaign']}",
            [play],
            {"function": "marketing", "commitment": f"Marketing: {vals(play)['campaign']}"[:300]},
        )
    best = d.kind("whitespace.next_best")[:1]
    for f in best:
        looks = (
            f" with the look-alikes' references ({vals(f)['lookalikes']})"
            if vals(f)["lookalikes"]
            else ""
        )
        product = str(vals(f)["product"])
        text = f"Sales support: prepare {a_an(product)} {product} proposal{looks}"[:300]
        d.add("commitments", text, [f], {"function": "sales_support", "commitment": text})
    reengage = d.kind("followup.reengage")
    if reengage:
        text = f"Service: debrief the {plural(len(reengage), 'lost deal')} before re-engaging"
        d.add("commitments", text, reengage, {"function": "service", "commitment": text})


def draft_dashboard(d: Drafter) -> None:
    parts = goal_parts(d)
    if parts:
        total = sum((p.amount for p in parts), start=Decimal("0.00"))
        title = f"Won revenue reaches the {money(total)} objective"
        d.add(
            "milestones",
            title,
            [p.fact for p in parts],
            {"title": title, "measure": "won_revenue", "target_amount": str(total)},
        )
        growth = [p for p in parts if p.kind in ("upsell", "cross_sell")]
        if growth:
            pipe = sum((p.amount for p in growth), start=Decimal("0.00"))
            title = f"Open pipeline covers the {money(pipe)} of upsell and cross-sell"
            d.add(
                "milestones",
                title,
                [p.fact for p in growth],
                {"title": title, "measure": "pipeline", "target_amount": str(pipe)},
            )
    opened = d.one("deals.open")
    if opened is not None:
        title = (
            f"Close the {plural(int(vals(opened)['count'] or 0), 'open deal')} worth "
            f"{money(vals(opened)['amount'])}"
        )
        d.add(
            "milestones",
            title,
            [opened],
            {"title": title, "target": money(vals(opened)["amount"])},
        )

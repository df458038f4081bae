"""The offline drafter (the default: no model, no network): rules per plan section turn an
account's facts into plain sentences and list items, each citing the facts it says.

``draft_offline(facts, sections)`` is pure: the same ``FactSet`` gives the same text, the same
item ids, in the same order. The data of accepted entries is what the sections' schemas take
(``plans.sections``); see ``apply.py`` for how it is written and docs/drafts.md for the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from accountplan.drafts.offline_base import Drafter, a_an, join_names, money, plural, vals
from accountplan.drafts.offline_growth import (
    draft_actions,
    draft_dashboard,
    draft_goals,
    draft_prospecting,
    draft_team_support,
)
from accountplan.drafts.types import FactSet, PlanDraft, SectionDraft
from accountplan.plans.sections import SectionKey

#: Most list items one rule proposes for a field (a draft is a start, not a dump).
TOP = 3


def draft_company_overview(d: Drafter) -> None:
    profile = d.one("account.profile")
    if profile is not None:
        v = vals(profile)
        what = " ".join(str(p) for p in (v["segment"], v["industry"]) if p) or "company"
        place = ", ".join(str(p) for p in (v["city"], v["country"]) if p)
        text = f"{v['name']} is {a_an(what)} {what} company"
        text += f" based in {place}" if place else ""
        text += f" with {v['employees']:,} employees" if v["employees"] else ""
        text += f", founded in {v['founded_year']}" if v["founded_year"] else ""
        text += f", part of {v['parent']}" if v["parent"] else ""
        d.add("description", text + ".", [profile])
    trend, wallet = d.one("revenue.trend"), d.one("revenue.wallet")
    if trend is not None:
        v = vals(trend)
        text = f"It bought {money(v['current'])} from us in the current window"
        if v["previous"] is not None and v["growth_pct"] is not None:
            way = "up" if v["growth_pct"] >= 0 else "down"
            text += f", {way} {abs(v['growth_pct'])}% on the {money(v['previous'])} before"
        cited = [trend]
        if wallet is not None:
            text += f", a {vals(wallet)['share_pct']}% share of its estimated wallet"
            cited.append(wallet)
        d.add("description", text + ".", cited)
    closed = d.one("deals.closed")
    if closed is not None:
        v = vals(closed)
        won, lost = int(v["won"] or 0), int(v["lost"] or 0)
        won_text = (
            f"won {plural(won, 'deal')} worth {money(v['won_amount'])}" if won else "won none"
        )
        lost_text = (
            f"lost {plural(lost, 'deal')} worth {money(v['lost_amount'])}" if lost else "lost none"
        )
        text = f"In the last 12 months we {won_text} and {lost_text}."
        d.add("description", text, [closed])
    play = d.one("portfolio.play")
    if play is not None:
        v = vals(play)
        tier = f" and in tier {v['tier']}" if v.get("tier") else ""
        play_name = str(v["play"])
        d.add(
            "description",
            f"It is {a_an(play_name)} {play_name} account ({v['reason']}){tier}.",
            [play],
        )
    history = d.one("purchases.history")
    if history is not None:
        v = vals(history)
        d.add(
            "history",
            f"A customer since {_day(v['first_purchase'])}: it has bought "
            f"{plural(int(v['products'] or 0), 'product')} from us, most recently on "
            f"{_day(v['last_purchase'])}.",
            [history],
        )


def _day(value: object) -> str:
    from accountplan.core import fmt

    return fmt.date(value)


def draft_profile_position(d: Drafter) -> None:
    for f in d.kind("deals.lost.competitor")[:5]:
        v = vals(f)
        d.add(
            "competitors",
            f"Won {plural(int(v['count'] or 0), 'deal')} worth {money(v['amount'])} "
            "against us in the last 12 months.",
            [f],
            {"name": str(v["competitor"])[:300]},
        )
    full = [f for f in d.kind("revenue.product") if vals(f)["state"] == "full"]
    if full:
        names = join_names([str(vals(f)["product"]) for f in full[:TOP]])
        more = f" and {len(full) - TOP} more" if len(full) > TOP else ""
        d.add(
            "swot.strengths",
            f"{plural(len(full), 'product')} fully adopted: {names}{more}",
            full,
        )
    trend = d.one("revenue.trend")
    growth = vals(trend)["growth_pct"] if trend else None
    if trend is not None and growth is not None:
        if growth > 0:
            d.add("swot.strengths", f"Revenue up {growth}% on the previous window", [trend])
        elif growth < 0:
            d.add("swot.weaknesses", f"Revenue down {abs(growth)}% on the previous window", [trend])
    closed = d.one("deals.closed")
    if closed is not None and vals(closed)["win_rate_pct"] is not None:
        rate = vals(closed)["win_rate_pct"]
        line = f"Win rate {rate}% in the last 12 months"
        d.add("swot.strengths" if rate >= 50 else "swot.weaknesses", line, [closed])
    mobilizers = d.one("stakeholders.mobilizers")
    if mobilizers is not None:
        d.add(
            "swot.strengths", f"Mobilizers on our side: {vals(mobilizers)['names']}", [mobilizers]
        )
    wallet = d.one("revenue.wallet")
    if wallet is not None and vals(wallet)["share_pct"] < 30:
        d.add(
            "swot.weaknesses",
            f"Only {vals(wallet)['share_pct']}% share of an estimated "
            f"{money(vals(wallet)['wallet'])} wallet",
            [wallet],
        )
    weak_fit = [f for f in d.kind("deals.fit") if not vals(f)["top_band"]]
    if weak_fit:
        names = join_names([str(vals(f)["deal"]) for f in weak_fit[:TOP]])
        d.add("swot.weaknesses", f"Open deals short of a strong fit: {names}"[:300], weak_fit[:TOP])
    card = d.one("customer.scorecard")
    if card is not None and vals(card)["weighted"] is not None:
        v = vals(card)
        text = f"The customer scores us {v['weighted']:.2f} out of 5 ({v['period']})"
        change = v["change"]
        if change is not None and change < 0:
            d.add("swot.weaknesses", f"{text}, down {abs(change):.2f}", [card])
        elif v["weighted"] >= 4:
            d.add("swot.strengths", text, [card])
        elif v["weighted"] < 3:
            d.add("swot.weaknesses", text, [card])
    none = d.one("stakeholders.no_decision_maker")
    if none is not None:
        d.add("swot.weaknesses", "No decision maker on the relationship map", [none])
    stale = d.one("stakeholders.stale")
    if stale is not None:
        d.add(
            "swot.weaknesses",
            f"{plural(int(vals(stale)['count'] or 0), 'stakeholder')} not touched in "
            f"{vals(stale)['days']} days",
            [stale],
        )
    depts = d.kind("stakeholders.uncovered_department")
    if depts:
        names = join_names([str(vals(f)["department"]) for f in depts[:TOP]])
        d.add("swot.weaknesses", f"No relationship in {names}", depts[:TOP])
    for f in d.kind("whitespace.product")[:TOP]:
        v = vals(f)
        text = f"{v['product']}: white space of {money(v['white_space'])}"
        if v["expected_value"] is not None:
            text += f" (expected value {money(v['expected_value'])})"
        if v["lookalikes"]:
            text += f", bought by look-alikes {v['lookalikes']}"
        d.add("swot.opportunities", text[:300], [f])
    for f in _headroom(d)[:TOP]:
        v = vals(f)
        d.add(
            "swot.opportunities",
            f"{v['product']}: {money(v['headroom'])} more to reach its potential of "
            f"{money(v['potential'])}",
            [f],
        )
    for f in d.kind("followup.reengage")[:TOP]:
        v = vals(f)
        d.add(
            "swot.opportunities",
            f"Lost {v['product'] or 'deal'} due for re-engagement on {_day(v['reengage_on'])}",
            [f],
        )
    for f in sorted(d.kind("deals.lost.competitor"), key=lambda f: -int(vals(f)["count"] or 0))[
        :TOP
    ]:
        v = vals(f)
        d.add(
            "swot.threats",
            f"Lost {plural(int(v['count'] or 0), 'deal')} to {v['competitor']} in the last 12 "
            f"months ({money(v['amount'])})",
            [f],
        )
    for f in sorted(d.kind("deals.lost.reason"), key=lambda f: -int(vals(f)["count"] or 0))[:2]:
        v = vals(f)
        d.add(
            "swot.threats",
            f"Lost {plural(int(v['count'] or 0), 'deal')} for “{v['reason']}” in the last 12 "
            "months",
            [f],
        )


def _headroom(d: Drafter) -> list:
    found = [f for f in d.kind("revenue.product") if vals(f)["headroom"]]
    return sorted(found, key=lambda f: (-vals(f)["headroom"], f.id))


def _open_products(d: Drafter) -> list:
    return sorted(d.kind("deals.open.product"), key=lambda f: (-vals(f)["amount"], f.id))


def draft_customer_goals(d: Drafter) -> None:
    for f in _open_products(d)[:TOP]:
        v = vals(f)
        d.add(
            "priorities_12m",
            f"Deciding on {v['product']}: {plural(int(v['count'] or 0), 'open deal')} worth "
            f"{money(v['amount'])}",
            [f],
        )
    won = sorted(d.kind("deals.won.product"), key=lambda f: (-vals(f)["amount"], f.id))
    if won:
        names = join_names([str(vals(f)["product"]) for f in won[:TOP]])
        total = sum((vals(f)["amount"] for f in won), start=0)
        d.add(
            "efforts_made",
            f"In the last 12 months they invested {money(total)} with us, in {names}"
            + (f" and {len(won) - TOP} more products" if len(won) > TOP else "")
            + ".",
            won,
        )
    news = d.kind("news.plan")[:TOP]
    if news:
        titles = join_names([f"“{vals(f)['title']}”" for f in news])
        d.add("how_they_achieve", f"Recent news to build on: {titles}.", news)


def draft_needs(d: Drafter) -> None:
    candidates: list[tuple[str, list, dict]] = []
    for f in _open_products(d):
        v = vals(f)
        candidates.append(
            (
                f"{v['product']}: evaluating it now ({plural(int(v['count'] or 0), 'open deal')}, "
                f"{money(v['amount'])})",
                [f],
                {"product_ids": [v["product_id"]]},
            )
        )
    for f in _headroom(d):
        v = vals(f)
        candidates.append(
            (
                f"More {v['product']}: buys {money(v['revenue'])} of a potential "
                f"{money(v['potential'])}",
                [f],
                {"product_ids": [v["product_id"]]},
            )
        )
    for f in d.kind("whitespace.next_best"):
        v = vals(f)
        looks = f", as look-alikes {v['lookalikes']} do" if v["lookalikes"] else ""
        candidates.append((f"{v['product']}{looks}", [f], {"product_ids": [v["product_id"]]}))
    seen: set[object] = set()
    for text, cited, item in candidates:
        product = item["product_ids"][0]
        if product in seen:
            continue
        seen.add(product)
        d.add("needs", text[:300], cited, {"need": text[:300], **item})
        if len(d.entries) >= 5:
            break


def draft_relationships(d: Drafter) -> None:
    for f in d.kind("contacts.on_deals")[:5]:
        v = vals(f)
        d.add(
            "stakeholders",
            f"Add {v['name']} to the map: {v['roles']} on {plural(int(v['deals'] or 0), 'deal')}.",
            [f],
            {"contact_id": v["contact_id"], "notes": f"{v['roles']} on our deals."},
        )
    taken = {e.item.get("contact_id") for e in d.entries}
    for f in d.kind("stakeholders.uncovered_department")[:TOP]:
        first = f.source.row_ids[0] if f.source.row_ids else None
        if first is None or first in taken:
            continue
        dept = vals(f)["department"]
        d.add(
            "stakeholders",
            f"Add someone from {dept}: no one from {dept} is on the map yet.",
            [f],
            {"contact_id": first, "notes": f"Our first contact in {dept}."},
        )


SECTION_RULES: dict[str, Callable[[Drafter], None]] = {
    SectionKey.COMPANY_OVERVIEW: draft_company_overview,
    SectionKey.PROFILE_POSITION: draft_profile_position,
    SectionKey.CUSTOMER_GOALS: draft_customer_goals,
    SectionKey.NEEDS: draft_needs,
    SectionKey.RELATIONSHIPS: draft_relationships,
    SectionKey.GOALS: draft_goals,
    SectionKey.PROSPECTING: draft_prospecting,
    SectionKey.ACTIONS: draft_actions,
    SectionKey.TEAM_SUPPORT: draft_team_support,
    SectionKey.DASHBOARD: draft_dashboard,
}


def draft_offline(facts: FactSet, sections: Iterable[str] | None = None) -> PlanDraft:
    """The offline draft of ``sections`` (all, in the plan's order, when None)."""
    wanted = list(SectionKey.values) if sections is None else [str(k) for k in sections]
    drafted = []
    for key in SectionKey.values:
        if key not in wanted:
            continue
        d = Drafter(facts, key)
        SECTION_RULES[key](d)
        drafted.append(SectionDraft(key=key, entries=d.entries))
    return PlanDraft(
        account_id=facts.account_id,
        period=facts.period,
        as_of=facts.as_of,
        facts_version=facts.version,
        sections=drafted,
    )

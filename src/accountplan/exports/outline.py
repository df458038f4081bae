"""The plan as an ordered outline of sections made of a few block kinds.

Every renderer walks the same outline, so the four exports say the same thing in the same order:
fields (label: text), tables (typed columns), bullet lists, callouts (gaps, warnings) and
figures (a Vega-Lite spec or the org chart). Pure: a PlanDocument in, sections out.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from accountplan.core import fmt as fmt_
from accountplan.exports import outline_customer, outline_growth
from accountplan.exports.blocks import (
    Block,
    Bullets,
    Callout,
    Column,
    Empty,
    Fields,
    Figure,
    Section,
    Table,
    Value,
    filled_fields,
    fmt,
    make_table,
    money,
    or_empty,
)
from accountplan.exports.document import PlanDocument

__all__ = [
    "Block",
    "Bullets",
    "Callout",
    "Column",
    "Empty",
    "Fields",
    "Figure",
    "Section",
    "Table",
    "Value",
    "fmt",
    "outline",
    "summary_rows",
]


#: Rows of a condensed overview table; the rest are summed into one "N more" row.
OVERVIEW_ROWS = 8


def _history_rows(doc: PlanDocument) -> list[tuple[Value, ...]]:
    """Won, open and lost per product (deal types joined), biggest first, the tail summed."""
    by_product: dict[str, list[Any]] = {}
    for h in doc.overview.history:
        row = by_product.setdefault(h.product, [[], 0, Decimal(0), 0, Decimal(0), 0, Decimal(0)])
        if h.deal_type and h.deal_type not in row[0]:
            row[0].append(h.deal_type)
        for i, v in enumerate(
            (h.won, h.won_amount, h.open, h.open_amount, h.lost, h.lost_amount), start=1
        ):
            row[i] += v
    ranked = sorted(by_product.items(), key=lambda kv: (-(kv[1][2] + kv[1][4]), kv[0]))
    rows: list[tuple[Value, ...]] = [
        (name, ", ".join(r[0]), *r[1:]) for name, r in ranked[:OVERVIEW_ROWS]
    ]
    rest = [r for _, r in ranked[OVERVIEW_ROWS:]]
    if rest:
        sums = [sum(r[i] for r in rest) for i in range(1, 7)]
        rows.append((f"{len(rest)} more products", "", *sums))
    safe = doc.customer_safe
    return [row[:6] if safe else row for row in rows]


def _contact_rows(doc: PlanDocument) -> list[tuple[Value, ...]]:
    """One row per contact on won deals: their roles and the products they bought."""
    people: dict[tuple[str, str], tuple[list[str], list[str], list[str]]] = {}
    for w in doc.overview.won_contacts:
        roles, deals, products = people.setdefault((w.name, w.title), ([], [], []))
        for items, value in ((roles, w.role), (deals, w.deal), (products, w.product)):
            if value and value not in items:
                items.append(value)
    ranked = sorted(people.items(), key=lambda kv: (-len(kv[1][1]), kv[0][0]))
    return [
        (name, title, ", ".join(roles), len(deals), ", ".join(products))
        for (name, title), (roles, deals, products) in ranked[:OVERVIEW_ROWS]
    ]


def _overview(doc: PlanDocument) -> Section:
    o, c = doc.overview, doc.currency
    figures = [("Current revenue (12 months)", money(o.current_revenue, c))]
    if not doc.customer_safe:
        figures += [
            ("White-space value", money(o.white_space_value, c)),
            ("Play", o.play or "—"),
            ("Tier", str(o.tier) if o.tier else "—"),
            ("Potential score", f"{o.score:.0f}" if o.score is not None else "—"),
        ]
    blocks: list[Block] = [Fields(tuple(figures), compact=True)]
    if o.history:
        columns = [
            Column("Product"),
            Column("Deal types"),
            Column("Won", "int"),
            Column("Won amount", "money"),
            Column("Open", "int"),
            Column("Open amount", "money"),
        ]
        if not doc.customer_safe:
            columns += [Column("Lost", "int"), Column("Lost amount", "money")]
        title = "Won and open by product" if doc.customer_safe else "Won, open and lost by product"
        blocks.append(make_table(title, columns, _history_rows(doc), sheet="History"))
    else:
        blocks.append(Callout("warn", "No deals recorded at this account yet."))
    if o.won_contacts:
        blocks.append(
            make_table(
                "Our contacts on won deals",
                [
                    Column("Contact"),
                    Column("Title"),
                    Column("Roles"),
                    Column("Won deals", "int"),
                    Column("Products"),
                ],
                _contact_rows(doc),
            )
        )
    if o.loss_reasons:
        blocks.append(
            make_table(
                "Why deals were lost",
                [Column("Reason"), Column("Deals", "int"), Column("Amount", "money")],
                [(r.reason, r.count, r.amount) for r in o.loss_reasons[:5]],
                sheet="Loss reasons",
            )
        )
    return Section(
        "account_overview", "Account overview", "What have we won, tried and lost?", tuple(blocks)
    )


def _company(doc: PlanDocument) -> Section:
    co = doc.company
    blocks = filled_fields(
        [("Description", co.description), ("History", co.history), ("Mission", co.mission)]
    )
    if co.news:
        blocks.append(
            make_table(
                "News and signals",
                [
                    Column("Date", "date"),
                    Column("Signal"),
                    Column("Headline"),
                    Column("Source"),
                    Column("Notes"),
                ],
                [(n.date, n.kind, n.title, n.source_url, n.notes) for n in co.news],
                sheet="News",
            )
        )
    return Section("company_overview", "Company overview", "Who is the customer?", or_empty(blocks))


def _profile(doc: PlanDocument) -> Section:
    p = doc.profile
    health = p.financial_health
    if p.financial_rating:
        health = f"{p.financial_rating}. {health}".strip().rstrip(".") + "."
    blocks = filled_fields([("Financial health", health)])
    if p.competitors:
        blocks.append(
            make_table(
                "Competitors and our position",
                [
                    Column("Competitor"),
                    Column("What they supply"),
                    Column("Our position"),
                    Column("Notes"),
                ],
                [(x.name, x.supplies, x.our_position, x.notes) for x in p.competitors],
                sheet="Competitors",
            )
        )
    swot = [
        ("Strengths", p.strengths),
        ("Weaknesses", p.weaknesses),
        ("Opportunities", p.opportunities),
        ("Threats", p.threats),
    ]
    if any(items for _, items in swot):
        depth = max(len(items) for _, items in swot)
        blocks.append(
            make_table(
                "SWOT",
                [Column(title) for title, _ in swot],
                [
                    tuple(items[i] if i < len(items) else "" for _, items in swot)
                    for i in range(depth)
                ],
                sheet="SWOT",
            )
        )
    return Section(
        "profile_position", "Profile and position", "Where are we now?", or_empty(blocks)
    )


def _goals(doc: PlanDocument) -> Section:
    g = doc.goals
    blocks = filled_fields([("North-star metric", g.north_star_metric)])
    if g.priorities:
        blocks.append(Bullets("Top priorities for the next 12 months", g.priorities))
    blocks += filled_fields(
        [
            ("Efforts already made", g.efforts_made),
            ("Biggest challenge", g.biggest_challenge),
            ("How they will measure success", g.success_measures),
            ("How they will achieve it", g.how_they_achieve),
        ]
    )
    return Section(
        "customer_goals",
        "Customer goals and KPIs",
        "Where is the customer heading?",
        or_empty(blocks),
    )


def _needs(doc: PlanDocument) -> Section:
    if not doc.needs:
        return Section("needs", "Needs mapping", "What do they need, and who needs it?", (Empty(),))
    ranked = sorted(doc.needs, key=lambda n: (n.rank is None, n.rank or 0))
    table = make_table(
        "Top needs, ranked",
        [
            Column("Rank", "int"),
            Column("Need"),
            Column("Stakeholders"),
            Column("Our products"),
            Column("Notes"),
        ],
        [
            (n.rank, n.need, ", ".join(n.stakeholders), ", ".join(n.products), n.notes)
            for n in ranked
        ],
        sheet="Needs",
    )
    return Section("needs", "Needs mapping", "What do they need, and who needs it?", (table,))


def _relationships(doc: PlanDocument) -> Section:
    r = doc.relationships
    blocks: list[Block] = []
    if r.org:
        caption = "Org chart (from reports-to" + (
            ")" if doc.customer_safe else "; colour = attitude)"
        )
        blocks.append(Figure(caption, org=r.org))
    if r.stakeholders:
        safe = doc.customer_safe
        columns = [Column("Name"), Column("Title"), Column("Buying role")]
        if not safe:
            columns += [
                Column("Influence"),
                Column("Attitude"),
                Column("Mobilizer"),
                Column("Strength", "int"),
            ]
        columns += [Column("Our owner"), Column("Last contact", "date")]
        rows: list[tuple[Value, ...]] = []
        for s in r.stakeholders:
            assessed = () if safe else (s.influence, s.attitude, s.mobilizer, s.strength)
            rows.append((s.name, s.title, s.buying_role, *assessed, s.our_owner, s.last_contact))
        blocks.append(make_table("Stakeholders", columns, rows, sheet="Stakeholders"))
    if r.separation:
        sep = r.separation
        if sep.degrees is None:
            text = f"No reporting line links {sep.best_contact} to {sep.decision_maker}."
        else:
            steps = "step" if sep.degrees == 1 else "steps"
            path = " → ".join(sep.path)
            text = (
                f"Degree of separation from our best contact, {sep.best_contact}, to the decision "
                f"maker, {sep.decision_maker}: {sep.degrees} {steps}"
                + (f" ({path})." if path else ".")
            )
        blocks.append(
            Callout("ok" if sep.degrees is not None and sep.degrees <= 1 else "warn", text)
        )
    if r.coverage_gaps:
        blocks.append(Bullets("Coverage gaps", r.coverage_gaps))
    elif r.stakeholders and not doc.customer_safe:
        blocks.append(Callout("ok", "No coverage gaps found."))
    return Section(
        "relationships",
        "Relationship map",
        "Who decides, and how well do we know them?",
        or_empty(blocks),
    )


def outline(doc: PlanDocument) -> tuple[Section, ...]:
    """Every section of the plan, in the order of the seeds (001 then 003)."""
    return (
        _overview(doc),
        _company(doc),
        _profile(doc),
        _goals(doc),
        _needs(doc),
        _relationships(doc),
        outline_growth.goal_build_section(doc),
        outline_growth.prospecting_section(doc),
        outline_growth.actions_section(doc),
        outline_growth.team_support_section(doc),
        outline_growth.dashboard_section(doc),
        # Only once the customer has scored us (most plans are never scored: no empty page).
        *((outline_customer.scorecard_section(doc),) if doc.scorecard else ()),
    )


def summary_rows(doc: PlanDocument) -> tuple[tuple[str, str], ...]:
    """The cover's facts: account, period, owner, status, completeness, objective, gap."""
    h, gb, c = doc.header, doc.goal_build, doc.currency
    rows = [
        ("Account", h.account_name),
        ("Period", h.period),
        ("Owner", h.owner or "—"),
        ("Status", h.status or "—"),
        ("Industry", h.industry or "—"),
        ("Territory", h.territory or "—"),
        ("Location", h.location or "—"),
        ("Objective", money(gb.objective_amount, c)),
        ("Goal build", money(gb.total, c) if gb.components else "—"),
        ("Gap", money(gb.gap, c) if gb.gap is not None and gb.components else "—"),
        ("Current revenue", money(doc.overview.current_revenue, c)),
    ]
    if not doc.customer_safe:
        rows.insert(7, ("Completeness", f"{h.completeness_pct} %"))
    if h.cloned_from:
        rows.append(("Cloned from", h.cloned_from))
    rows.append(("Generated", fmt_.datetime(doc.generated_at)))
    return tuple(rows)

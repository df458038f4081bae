"""The plan as an ordered outline of sections made of a few block kinds.

Every renderer walks the same outline, so the four exports say the same thing in the same order:
fields (label: text), tables (typed columns), bullet lists, callouts (gaps, warnings) and
figures (a Vega-Lite spec or the org chart). Pure: a PlanDocument in, sections out.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from accountplan.exports import charts
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
    date,
    fmt,
    money,
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


def _fields(pairs: Sequence[tuple[str, str]]) -> list[Block]:
    filled = tuple((label, text.strip()) for label, text in pairs if text and text.strip())
    return [Fields(filled)] if filled else []


def _table(
    title: str,
    columns: Sequence[Column],
    rows: Sequence[tuple[Value, ...]],
    sheet: str = "",
    total: tuple[Value, ...] | None = None,
) -> Table:
    return Table(title, tuple(columns), tuple(rows), sheet, total)


def _or_empty(blocks: list[Block]) -> tuple[Block, ...]:
    return tuple(blocks) if blocks else (Empty(),)


def _overview(doc: PlanDocument) -> Section:
    o, c = doc.overview, doc.currency
    figures = [
        ("Current revenue (12 months)", money(o.current_revenue, c)),
        ("White-space value", money(o.white_space_value, c)),
        ("Play", o.play or "—"),
        ("Tier", str(o.tier) if o.tier else "—"),
        ("Potential score", f"{o.score:.0f}" if o.score is not None else "—"),
    ]
    blocks: list[Block] = [Fields(tuple(figures))]
    if o.history:
        blocks.append(
            _table(
                "Won, open and lost by product and type",
                [
                    Column("Product"),
                    Column("Type"),
                    Column("Won", "int"),
                    Column("Won amount", "money"),
                    Column("Open", "int"),
                    Column("Open amount", "money"),
                    Column("Lost", "int"),
                    Column("Lost amount", "money"),
                ],
                [
                    (
                        h.product,
                        h.deal_type,
                        h.won,
                        h.won_amount,
                        h.open,
                        h.open_amount,
                        h.lost,
                        h.lost_amount,
                    )
                    for h in o.history
                ],
                sheet="History",
            )
        )
    else:
        blocks.append(Callout("warn", "No deals recorded at this account yet."))
    if o.won_contacts:
        blocks.append(
            _table(
                "Our contacts on won deals",
                [
                    Column("Contact"),
                    Column("Title"),
                    Column("Role"),
                    Column("Deal"),
                    Column("Product"),
                ],
                [(w.name, w.title, w.role, w.deal, w.product) for w in o.won_contacts],
            )
        )
    if o.loss_reasons:
        blocks.append(
            _table(
                "Why deals were lost",
                [Column("Reason"), Column("Deals", "int"), Column("Amount", "money")],
                [(r.reason, r.count, r.amount) for r in o.loss_reasons],
            )
        )
    return Section(
        "account_overview", "Account overview", "What have we won, tried and lost?", tuple(blocks)
    )


def _company(doc: PlanDocument) -> Section:
    co = doc.company
    blocks = _fields(
        [("Description", co.description), ("History", co.history), ("Mission", co.mission)]
    )
    if co.news:
        blocks.append(
            _table(
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
    return Section(
        "company_overview", "Company overview", "Who is the customer?", _or_empty(blocks)
    )


def _profile(doc: PlanDocument) -> Section:
    p = doc.profile
    health = p.financial_health
    if p.financial_rating:
        health = f"{p.financial_rating}. {health}".strip().rstrip(".") + "."
    blocks = _fields([("Financial health", health)])
    if p.competitors:
        blocks.append(
            _table(
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
            _table(
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
        "profile_position", "Profile and position", "Where are we now?", _or_empty(blocks)
    )


def _goals(doc: PlanDocument) -> Section:
    g = doc.goals
    blocks = _fields([("North-star metric", g.north_star_metric)])
    if g.priorities:
        blocks.append(Bullets("Top priorities for the next 12 months", g.priorities))
    blocks += _fields(
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
        _or_empty(blocks),
    )


def _needs(doc: PlanDocument) -> Section:
    if not doc.needs:
        return Section("needs", "Needs mapping", "What do they need, and who needs it?", (Empty(),))
    ranked = sorted(doc.needs, key=lambda n: (n.rank is None, n.rank or 0))
    table = _table(
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
        blocks.append(Figure("Org chart (from reports-to; colour = attitude)", org=r.org))
    if r.stakeholders:
        blocks.append(
            _table(
                "Stakeholders",
                [
                    Column("Name"),
                    Column("Title"),
                    Column("Buying role"),
                    Column("Influence"),
                    Column("Attitude"),
                    Column("Mobilizer"),
                    Column("Strength", "int"),
                    Column("Our owner"),
                    Column("Last contact", "date"),
                ],
                [
                    (
                        s.name,
                        s.title,
                        s.buying_role,
                        s.influence,
                        s.attitude,
                        s.mobilizer,
                        s.strength,
                        s.our_owner,
                        s.last_contact,
                    )
                    for s in r.stakeholders
                ],
                sheet="Stakeholders",
            )
        )
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
    elif r.stakeholders:
        blocks.append(Callout("ok", "No coverage gaps found."))
    return Section(
        "relationships",
        "Relationship map",
        "Who decides, and how well do we know them?",
        _or_empty(blocks),
    )


def _goal_build(doc: PlanDocument) -> Section:
    gb, c = doc.goal_build, doc.currency
    blocks = _fields(
        [
            ("Objective", money(gb.objective_amount, c) if gb.objective_amount is not None else ""),
            ("Objective in words", gb.objective_text),
            ("Strategy", gb.strategy),
        ]
    )
    if gb.components:
        blocks.append(
            _table(
                "Goal build",
                [
                    Column("Component"),
                    Column("Product"),
                    Column("Buying center"),
                    Column("Amount", "money"),
                    Column("Notes"),
                ],
                [
                    (
                        x.kind + (" (carried over)" if x.carried_over else ""),
                        x.product,
                        x.buying_center,
                        x.amount,
                        x.notes,
                    )
                    for x in gb.components
                ],
                sheet="Goal build",
                total=("Total", "", "", gb.total, ""),
            )
        )
        blocks.append(
            Figure(
                "Goal build against the objective",
                spec=charts.goal_build_spec(gb.components, gb.objective_amount, c),
            )
        )
    gap = gb.gap
    if gap is not None and gb.components:
        if gap > 0:
            blocks.append(
                Callout("bad", f"The goal build falls short of the objective by {money(gap, c)}.")
            )
        elif gap < 0:
            blocks.append(
                Callout("ok", f"The goal build exceeds the objective by {money(-gap, c)}.")
            )
        else:
            blocks.append(Callout("ok", "The goal build meets the objective exactly."))
    return Section(
        "goals",
        "Goals and strategy",
        "What are our objectives, and how will we reach them?",
        _or_empty(blocks),
    )


def _prospecting(doc: PlanDocument) -> Section:
    p, c = doc.prospecting, doc.currency
    if not p.computed and p.current_revenue is None:
        return Section(
            "prospecting", "Prospecting plan", "How many people must we reach?", (Empty(),)
        )
    inputs = _table(
        "Inputs",
        [Column("Input"), Column("Value")],
        [
            ("Current revenue", money(p.current_revenue, c)),
            ("Growth", fmt(p.growth_pct, "pct")),
            ("Expected upgrades", money(p.expected_upgrades, c)),
            ("Average deal size", money(p.deal_size, c)),
            ("Win rate", fmt(p.win_rate_pct, "pct")),
            ("Prospects per opportunity", fmt(p.prospects_per_opportunity, "num")),
            ("Sales cycle (months)", fmt(p.cycle_months, "int")),
            ("Period", f"{date(p.period_start)} – {date(p.period_end)}"),
        ],
        sheet="Prospecting",
    )
    blocks: list[Block] = [inputs]
    if p.computed:
        blocks.append(
            _table(
                "The plan",
                [Column("Result"), Column("Value")],
                [
                    ("Growth target", money(p.growth_target, c)),
                    ("Gap to find in new business", money(p.gap, c)),
                    ("Deals to win", fmt(p.deals, "int")),
                    ("Opportunities to open", fmt(p.opportunities, "int")),
                    ("Prospects to engage", fmt(p.prospects, "int")),
                    ("Pipeline building starts", date(p.pipeline_start)),
                ],
            )
        )
    else:
        blocks.append(
            Callout("warn", "Fill in growth, deal size and win rate to compute the plan.")
        )
    blocks.extend(Callout("warn", note) for note in p.notes)
    if p.attainment:
        blocks.append(
            _table(
                "Attainment",
                [
                    Column("Measure"),
                    Column("Plan", "int"),
                    Column("Expected by now", "int"),
                    Column("Actual", "int"),
                    Column("Status"),
                ],
                [
                    (a.measure, a.planned, a.expected_by_now, a.actual, a.status)
                    for a in p.attainment
                ],
            )
        )
    if p.pace:
        blocks.append(
            Callout(
                "ok" if "ahead" in p.pace.lower() or "on " in p.pace.lower() else "warn", p.pace
            )
        )
    return Section(
        "prospecting", "Prospecting plan", "How many people must we reach?", tuple(blocks)
    )


def _actions(doc: PlanDocument) -> Section:
    if not doc.actions:
        return Section(
            "actions", "Action plan", "What will we do to win each component?", (Empty(),)
        )
    overdue = sum(1 for a in doc.actions if a.overdue)
    blocks: list[Block] = [
        _table(
            "Actions",
            [
                Column("Action"),
                Column("Component"),
                Column("Owner"),
                Column("Function"),
                Column("Due", "date"),
                Column("Status"),
            ],
            [
                (
                    a.title,
                    a.component,
                    a.owner,
                    a.function,
                    a.due_date,
                    a.status + (" (overdue)" if a.overdue else ""),
                )
                for a in doc.actions
            ],
            sheet="Actions",
        )
    ]
    if overdue:
        blocks.append(
            Callout("bad", f"{overdue} action{'s are' if overdue > 1 else ' is'} overdue.")
        )
    return Section(
        "actions", "Action plan", "What will we do to win each component?", tuple(blocks)
    )


def _team_support(doc: PlanDocument) -> Section:
    ts = doc.team_support
    blocks: list[Block] = []
    if doc.header.team:
        blocks.append(
            _table(
                "Account team",
                [Column("Name"), Column("Function"), Column("Responsibility")],
                [(m.name, m.function, m.responsibility) for m in doc.header.team],
            )
        )
    if ts.commitments:
        blocks.append(
            _table(
                "Internal commitments",
                [Column("Function"), Column("Commitment"), Column("Owner")],
                [(x.function, x.commitment, x.owner) for x in ts.commitments],
                sheet="Commitments",
            )
        )
    if ts.dependencies:
        blocks.append(
            _table(
                "Dependencies",
                [
                    Column("Kind"),
                    Column("Dependency"),
                    Column("Owner"),
                    Column("Due", "date"),
                    Column("Status"),
                ],
                [
                    (
                        "Internal" if d.internal else "External",
                        d.description,
                        d.owner,
                        d.due_date,
                        d.status,
                    )
                    for d in ts.dependencies
                ],
                sheet="Dependencies",
            )
        )
    if not ts.commitments and not ts.dependencies:
        blocks.append(Empty())
    return Section(
        "team_support", "Team support", "What internal commitments do we need?", tuple(blocks)
    )


def _dashboard(doc: PlanDocument) -> Section:
    d, gb, c = doc.dashboard, doc.goal_build, doc.currency
    blocks: list[Block] = []
    if d.milestones:
        blocks.append(
            _table(
                "Milestones",
                [
                    Column("Milestone"),
                    Column("Target"),
                    Column("Date", "date"),
                    Column("Actual"),
                    Column("Status"),
                ],
                [(m.title, m.target, m.date, m.actual, m.status) for m in d.milestones],
                sheet="Milestones",
            )
        )
    if gb.components:
        won = sum((x.won for x in gb.components), Decimal(0))
        blocks.append(
            _table(
                "Won per goal-build component",
                [
                    Column("Component"),
                    Column("Target", "money"),
                    Column("Won", "money"),
                    Column("Achieved", "pct"),
                ],
                [
                    (
                        charts.component_label(x, i),
                        x.amount,
                        x.won,
                        (x.won / x.amount * 100) if x.amount else None,
                    )
                    for i, x in enumerate(gb.components, start=1)
                ],
                total=("Total", gb.total, won, (won / gb.total * 100) if gb.total else None),
            )
        )
        blocks.append(
            Figure(
                "Won per component against its target",
                spec=charts.won_vs_target_spec(gb.components, c),
            )
        )
    if doc.prospecting.attainment:
        blocks.append(
            Figure(
                "Pipeline against the prospecting plan",
                spec=charts.pipeline_vs_plan_spec(doc.prospecting.attainment),
            )
        )
        if doc.prospecting.pace:
            blocks.append(
                Callout(
                    "warn" if "behind" in doc.prospecting.pace.lower() else "ok",
                    doc.prospecting.pace,
                )
            )
    if d.adjustments:
        blocks.append(
            _table(
                "Adjustments",
                [Column("Date", "date"), Column("Adjustment")],
                [(a.date, a.note) for a in d.adjustments],
                sheet="Adjustments",
            )
        )
    return Section(
        "dashboard",
        "Performance dashboard",
        "How have we performed, and how should we adjust?",
        _or_empty(blocks),
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
        _goal_build(doc),
        _prospecting(doc),
        _actions(doc),
        _team_support(doc),
        _dashboard(doc),
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
        ("Completeness", f"{h.completeness_pct} %"),
        ("Objective", money(gb.objective_amount, c)),
        ("Goal build", money(gb.total, c) if gb.components else "—"),
        ("Gap", money(gb.gap, c) if gb.gap is not None and gb.components else "—"),
        ("Current revenue", money(doc.overview.current_revenue, c)),
    ]
    if h.cloned_from:
        rows.append(("Cloned from", h.cloned_from))
    rows.append(("Generated", doc.generated_at.strftime("%d %b %Y %H:%M UTC")))
    return tuple(rows)

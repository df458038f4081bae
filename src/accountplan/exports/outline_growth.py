"""The forward-looking sections of the outline: goal build, prospecting, actions, team support
and the performance dashboard (split from outline.py to keep modules small)."""

from __future__ import annotations

from decimal import Decimal

from accountplan.exports import charts
from accountplan.exports.blocks import (
    Block,
    Callout,
    Column,
    Empty,
    Figure,
    Section,
    date,
    filled_fields,
    fmt,
    make_table,
    money,
    or_empty,
)
from accountplan.exports.document import PlanDocument


def goal_build_section(doc: PlanDocument) -> Section:
    gb, c = doc.goal_build, doc.currency
    blocks = filled_fields(
        [
            ("Objective", money(gb.objective_amount, c) if gb.objective_amount is not None else ""),
            ("Objective in words", gb.objective_text),
            ("Strategy", gb.strategy),
        ]
    )
    if gb.components:
        blocks.append(
            make_table(
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
                chart=charts.goal_build_chart(gb.components, gb.objective_amount, c),
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
        or_empty(blocks),
    )


def prospecting_section(doc: PlanDocument) -> Section:
    p, c = doc.prospecting, doc.currency
    if not p.computed and p.current_revenue is None:
        return Section(
            "prospecting", "Prospecting plan", "How many people must we reach?", (Empty(),)
        )
    inputs = make_table(
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
            make_table(
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
            make_table(
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


def actions_section(doc: PlanDocument) -> Section:
    if not doc.actions:
        return Section(
            "actions", "Action plan", "What will we do to win each component?", (Empty(),)
        )
    overdue = sum(1 for a in doc.actions if a.overdue)
    blocks: list[Block] = [
        make_table(
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


def team_support_section(doc: PlanDocument) -> Section:
    ts = doc.team_support
    blocks: list[Block] = []
    if doc.header.team:
        blocks.append(
            make_table(
                "Account team",
                [Column("Name"), Column("Function"), Column("Responsibility")],
                [(m.name, m.function, m.responsibility) for m in doc.header.team],
            )
        )
    if ts.commitments:
        blocks.append(
            make_table(
                "Internal commitments",
                [Column("Function"), Column("Commitment"), Column("Owner")],
                [(x.function, x.commitment, x.owner) for x in ts.commitments],
                sheet="Commitments",
            )
        )
    if ts.dependencies:
        blocks.append(
            make_table(
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


def dashboard_section(doc: PlanDocument) -> Section:
    d, gb, c = doc.dashboard, doc.goal_build, doc.currency
    blocks: list[Block] = []
    if d.milestones:
        blocks.append(
            make_table(
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
            make_table(
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
                chart=charts.won_vs_target_chart(gb.components, c),
            )
        )
    if doc.prospecting.attainment:
        blocks.append(
            Figure(
                "Pipeline against the prospecting plan",
                chart=charts.pipeline_vs_plan_chart(doc.prospecting.attainment),
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
            make_table(
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
        or_empty(blocks),
    )

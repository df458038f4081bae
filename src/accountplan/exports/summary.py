"""The executive summary every document export opens with: one page (or slide) that says what
the plan aims at, how far the build falls short, the three biggest growth moves, the people who
decide, the risks and the next milestones. Pure: a PlanDocument in, plain data out."""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass

from accountplan.exports.blocks import date, money
from accountplan.exports.document import PlanDocument, Stakeholder

#: Who matters most in a buying decision, first to last (the labels of plans.sections.BuyingRole).
ROLE_ORDER = ("Decision maker", "Economic buyer", "Champion", "Influencer", "User", "Blocker")
INFLUENCE_ORDER = ("High", "Medium", "Low")
MOVES = 3
PEOPLE = 4
RISKS = 5
MILESTONES = 3
#: Characters per line of the summary: long user text is shortened so the summary stays a page.
LINE = 140


@dataclass(frozen=True)
class ExecutiveSummary:
    """The first page: short, finished sentences (every renderer lays them out its own way)."""

    objective: str
    gap: str
    moves: tuple[str, ...]
    people: tuple[str, ...]
    risks: tuple[str, ...]
    milestones: tuple[str, ...]
    facts: tuple[tuple[str, str], ...]

    @property
    def lists(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The four lists under their headings, in reading order."""
        return (
            ("Top growth moves", self.moves),
            ("Key people", self.people),
            ("Risks", self.risks),
            ("Next milestones", self.milestones),
        )


def _objective(doc: PlanDocument) -> str:
    gb, c = doc.goal_build, doc.currency
    amount = money(gb.objective_amount, c) if gb.objective_amount is not None else ""
    text = gb.objective_text.strip()
    if amount and text:
        return f"{amount} — {text}"
    return amount or text or "No objective set yet."


def _gap(doc: PlanDocument) -> str:
    gb, c = doc.goal_build, doc.currency
    gap = gb.gap
    if gap is None or not gb.components:
        p = doc.prospecting
        if p.gap is not None:
            return f"{money(p.gap, c)} to find in new business (prospecting plan)."
        return "Unknown: set an objective and build it from components."
    if gap > 0:
        return f"{money(gap, c)} short: the goal build ({money(gb.total, c)}) falls below it."
    if gap < 0:
        return f"None: the goal build ({money(gb.total, c)}) exceeds it by {money(-gap, c)}."
    return f"None: the goal build ({money(gb.total, c)}) meets it exactly."


def _moves(doc: PlanDocument) -> tuple[str, ...]:
    c = doc.currency
    ranked = sorted(doc.goal_build.components, key=lambda x: -x.amount)[:MOVES]
    out = []
    for x in ranked:
        where = " in ".join(part for part in (x.product, x.buying_center) if part)
        out.append(f"{x.kind}{' — ' + where if where else ''}: {money(x.amount, c)}")
    return tuple(out)


def _person_key(s: Stakeholder) -> tuple[int, int, int]:
    role = ROLE_ORDER.index(s.buying_role) if s.buying_role in ROLE_ORDER else len(ROLE_ORDER)
    weight = (
        INFLUENCE_ORDER.index(s.influence)
        if s.influence in INFLUENCE_ORDER
        else len(INFLUENCE_ORDER)
    )
    return (role, weight, -(s.strength or 0))


def _people(doc: PlanDocument) -> tuple[str, ...]:
    out = []
    for s in sorted(doc.relationships.stakeholders, key=_person_key)[:PEOPLE]:
        who = s.name + (f", {s.title}" if s.title else "")
        detail = ", ".join(x for x in (s.buying_role, s.attitude.lower()) if x)
        out.append(f"{who}{' — ' + detail if detail else ''}")
    return tuple(out)


def _risks(doc: PlanDocument, today: dt.date) -> tuple[str, ...]:
    gb, c = doc.goal_build, doc.currency
    out: list[str] = []
    if gb.gap is not None and gb.components and gb.gap > 0:
        out.append(f"The goal build is {money(gb.gap, c)} short of the objective.")
    for m in doc.dashboard.milestones:
        if m.status in ("At risk", "Late"):
            when = f" (due {date(m.date)})" if m.date else ""
            out.append(f"Milestone {m.status.lower()}: {m.title}{when}.")
    overdue = [a.title for a in doc.actions if a.overdue]
    if overdue:
        out.append(f"{len(overdue)} overdue action{'s' if len(overdue) > 1 else ''}: {overdue[0]}.")
    for d in doc.team_support.dependencies:
        if d.status == "At risk":
            out.append(f"Dependency at risk: {d.description}.")
    if "behind" in doc.prospecting.pace.lower():
        out.append(doc.prospecting.pace)
    out += [f"Coverage: {g}" for g in doc.relationships.coverage_gaps[:2]]
    out += [f"Threat: {t}" for t in doc.profile.threats[:1]]
    return tuple(out[:RISKS])


def _milestones(doc: PlanDocument, today: dt.date) -> tuple[str, ...]:
    open_ = [m for m in doc.dashboard.milestones if m.status != "Done"]
    ahead = sorted(
        (m for m in open_ if m.date is None or m.date >= today),
        key=lambda m: (m.date is None, m.date or today),
    )
    chosen = (ahead or sorted(open_, key=lambda m: m.date or today))[:MILESTONES]
    out = []
    for m in chosen:
        target = f" — {m.target}" if m.target else ""
        status = f" · {m.status}" if m.status else ""
        late = " · overdue" if m.date and m.date < today else ""
        out.append(f"{date(m.date)}: {m.title}{target}{status}{late}")
    return tuple(out)


def executive_summary(doc: PlanDocument) -> ExecutiveSummary:
    """The plan in one page. ``doc`` may be the customer-safe variant: nothing is added back."""
    h, c = doc.header, doc.currency
    today = doc.generated_at.date()
    facts = [
        ("Owner", h.owner or "—"),
        ("Status", h.status or "—"),
        ("Current revenue", money(doc.overview.current_revenue, c)),
        ("Goal build", money(doc.goal_build.total, c) if doc.goal_build.components else "—"),
    ]
    if not doc.customer_safe:
        facts.append(("Completeness", f"{h.completeness_pct} %"))
    return ExecutiveSummary(
        objective=_short(_objective(doc), 2 * LINE),
        gap=_gap(doc),
        moves=tuple(_short(x) for x in _moves(doc)),
        people=tuple(_short(x) for x in _people(doc)),
        risks=tuple(_short(x) for x in _risks(doc, today)),
        milestones=tuple(_short(x) for x in _milestones(doc, today)),
        facts=tuple(facts),
    )


def _short(text: str, width: int = LINE) -> str:
    return textwrap.shorten(text, width, placeholder=" …")

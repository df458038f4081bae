"""What each section's form holds: its inputs (``F``) and lists of items (``L``), in display order.

``SPECS`` is declarative: an input's name is its path in the section data (``inputs.deal_size``,
``news.0.title``), its kind says how it is drawn and read back, and its choices are a static list
(from the section's ``TextChoices``) or the name of a set of rows the view passes in. ``forms``
turns posts into data and data into fields with these specs; history and the merge page take the
labels from them, so a change is named in the form's own words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accountplan.book.choices import TeamFunction
from accountplan.plans import sections as s

Choices = list[tuple[str, str]]


@dataclass(frozen=True)
class F:
    """One input. ``choices`` is a static list or the name of a dynamic set the view provides."""

    name: str
    label: str
    kind: str = "text"  # text, textarea, url, date, number, percent, money, select, select_id,
    # multi, checkbox, lines, hidden
    choices: Choices | str = ()  # type: ignore[assignment]
    help: str = ""
    wide: bool = False


@dataclass(frozen=True)
class L:
    """A list of items, each a row of ``fields`` with a hidden stable ``id``."""

    name: str
    label: str
    fields: tuple[F, ...]
    singular: str = "row"
    help: str = ""


#: The first option of every choice: nothing picked yet (saved as no value, shown as "—").
UNSET: tuple[str, str] = ("", "—")


def _opts(choices: type[Any]) -> Choices:
    return [UNSET, *[(str(v), str(label)) for v, label in choices.choices]]


RANKS: Choices = [UNSET, *[(str(n), str(n)) for n in range(1, s.MAX_NEEDS + 1)]]
STRENGTHS: Choices = [
    UNSET,
    *[
        (str(n), f"{n} – {w}")
        for n, w in enumerate(["none", "weak", "working", "good", "strong"], start=1)
    ],
]

#: Each stored section's form, in display order.
SPECS: dict[str, tuple[F | L, ...]] = {
    s.SectionKey.COMPANY_OVERVIEW: (
        F("description", "Description", "textarea", wide=True),
        F("history", "History", "textarea"),
        F("mission", "Mission", "textarea"),
        L(
            "news",
            "News signals",
            (
                F("kind", "Kind", "select", _opts(s.NewsKind)),
                F("date", "Date", "date"),
                F("title", "Headline", "text"),
                F("source_url", "Source link", "url", help="http:// or https:// only"),
                F("notes", "Notes", "text"),
            ),
            singular="news signal",
        ),
    ),
    s.SectionKey.PROFILE_POSITION: (
        F("financial_health.rating", "Financial health", "select", _opts(s.HealthRating)),
        F("financial_health.text", "Why", "textarea", wide=True),
        L(
            "competitors",
            "Competitors at the account",
            (
                F("name", "Competitor", "text"),
                F("supplies", "What they supply", "text"),
                F("our_position", "Our position", "select", _opts(s.CompetitivePosition)),
                F("notes", "Notes", "text"),
            ),
            singular="competitor",
        ),
        F("swot.strengths", "Strengths", "lines", help="One per line."),
        F("swot.weaknesses", "Weaknesses", "lines", help="One per line."),
        F("swot.opportunities", "Opportunities", "lines", help="One per line."),
        F("swot.threats", "Threats", "lines", help="One per line."),
    ),
    s.SectionKey.CUSTOMER_GOALS: (
        F("north_star_metric", "North-star metric", "text", wide=True),
        L(
            "priorities_12m",
            "Top priorities for the next 12 months",
            (F("text", "Priority", "text"),),
            singular="priority",
        ),
        F("efforts_made", "Efforts already made", "textarea"),
        F("biggest_challenge", "Biggest challenge", "textarea"),
        F("success_measures", "How they measure success", "textarea"),
        F("how_they_achieve", "How they will achieve it", "textarea"),
    ),
    s.SectionKey.NEEDS: (
        L(
            "needs",
            "Needs (top 3–5, ranked)",
            (
                F("rank", "Rank", "select", RANKS),
                F("need", "Need", "text"),
                F("stakeholder_contact_ids", "Stakeholders", "multi", "contacts"),
                F("product_ids", "Our products", "multi", "products"),
                F("notes", "Notes", "text"),
            ),
            singular="need",
            help="Keep to the top five. Tick as many stakeholders and products as apply.",
        ),
    ),
    s.SectionKey.RELATIONSHIPS: (
        L(
            "stakeholders",
            "Stakeholders",
            (
                F("contact_id", "Contact", "select_id", "contacts"),
                F("buying_role", "Buying role", "select", _opts(s.BuyingRole)),
                F("influence", "Influence", "select", _opts(s.Influence)),
                F("attitude", "Attitude", "select", _opts(s.Attitude)),
                F("mobilizer", "Mobilizer or talker", "select", _opts(s.Mobilizer)),
                F("strength", "Strength", "select", STRENGTHS),
                F("our_owner_id", "Our owner", "select_id", "users"),
                F("notes", "Notes", "text"),
            ),
            singular="stakeholder",
        ),
    ),
    s.SectionKey.GOALS: (
        F("objective_amount", "Growth objective ($)", "money"),
        F("objective_text", "Objective", "textarea"),
        F("strategy", "Strategy", "textarea", wide=True),
        L(
            "components",
            "Goal build",
            (
                F("kind", "Kind", "select", _opts(s.ComponentKind)),
                F("product_id", "Product", "select_id", "products"),
                F("buying_center_id", "Buying center", "select_id", "buying_centers"),
                F("amount", "Amount ($)", "money"),
                F(
                    "opportunity_ids",
                    "Linked deals",
                    "multi",
                    "deals",
                    help="Deals that count here and nowhere else; others are matched by type, "
                    "product and buying center.",
                ),
                F("notes", "Notes", "text"),
                F("source_cell", "", "hidden"),
                F("carried_over", "", "hidden"),
            ),
            singular="component",
        ),
    ),
    s.SectionKey.PROSPECTING: (
        F("inputs.current_revenue", "Current revenue ($)", "money"),
        F("inputs.growth_pct", "Growth (%)", "percent"),
        F("inputs.expected_upgrades", "Expected upgrades ($)", "money"),
        F("inputs.deal_size", "Average deal size ($)", "money"),
        F("inputs.win_rate_pct", "Win rate (%)", "percent"),
        F("inputs.prospects_per_opportunity", "Prospects per opportunity", "number"),
        F("inputs.cycle_months", "Sales cycle (months)", "number"),
        F("inputs.period_start", "Period start", "date"),
        F("inputs.period_end", "Period end", "date"),
        F("notes", "Notes", "textarea", wide=True),
    ),
    s.SectionKey.ACTIONS: (
        L(
            "actions",
            "Actions",
            (
                F("title", "Action", "text"),
                F("component_id", "Goal-build component", "select_id", "components"),
                F("owner_id", "Owner", "select_id", "users"),
                F("function", "Function", "select", _opts(TeamFunction)),
                F("due_date", "Due", "date"),
                F("status", "Status", "select", _opts(s.ActionStatus)),
                F("campaign_id", "Campaign", "select_id", "campaigns"),
                F("notes", "Notes", "text"),
                F("carried_over", "", "hidden"),
            ),
            singular="action",
        ),
    ),
    s.SectionKey.TEAM_SUPPORT: (
        L(
            "commitments",
            "Internal commitments",
            (
                F("function", "Function", "select", _opts(TeamFunction)),
                F("commitment", "Commitment", "text"),
                F("owner_id", "Owner", "select_id", "users"),
            ),
            singular="commitment",
        ),
        L(
            "dependencies",
            "Dependencies",
            (
                F("internal", "Internal", "checkbox"),
                F("description", "Dependency", "text"),
                F("owner", "Owner", "text"),
                F("due_date", "Due", "date"),
                F("status", "Status", "select", _opts(s.DependencyStatus)),
            ),
            singular="dependency",
        ),
    ),
    s.SectionKey.DASHBOARD: (
        L(
            "milestones",
            "Milestones",
            (
                F("title", "Milestone", "text"),
                F("target", "Target", "text"),
                F("measure", "Measured from the data", "select", _opts(s.MilestoneMeasure)),
                F("component_id", "Goal-build component", "select_id", "components"),
                F("target_amount", "Target amount ($)", "money"),
                F("date", "Date", "date"),
                F("actual", "Actual", "text", help="Measured milestones take it from the data."),
                F("status", "Status", "select", _opts(s.MilestoneStatus)),
            ),
            singular="milestone",
        ),
        L(
            "adjustments",
            "Adjustments",
            (F("date", "Date", "date"), F("note", "Note", "text")),
            singular="adjustment",
        ),
    ),
}

"""What the offline rules share: a builder of entries over one ``FactSet``, stable item ids,
the kinds of the sections' fields (how an accepted entry is written into the section)."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from accountplan.core import fmt
from accountplan.drafts.types import DraftEntry, Fact, FactSet

#: How an entry is written into its field: ``text`` joins sentences into a text field,
#: ``strings`` appends to a list of lines (SWOT), ``items`` appends an item (its ``main`` key
#: holds the text a person may edit), ``value`` sets a blank scalar, ``object`` fills the
#: blank keys of a sub-object.
FIELDS: dict[str, dict[str, tuple[str, str]]] = {
    "company_overview": {"description": ("text", ""), "history": ("text", "")},
    "profile_position": {
        "competitors": ("items", "notes"),
        "swot.strengths": ("strings", ""),
        "swot.weaknesses": ("strings", ""),
        "swot.opportunities": ("strings", ""),
        "swot.threats": ("strings", ""),
    },
    "customer_goals": {
        "priorities_12m": ("items", "text"),
        "efforts_made": ("text", ""),
        "how_they_achieve": ("text", ""),
    },
    "needs": {"needs": ("items", "need")},
    "relationships": {"stakeholders": ("items", "notes")},
    "goals": {
        "objective_amount": ("value", ""),
        "objective_text": ("text", ""),
        "strategy": ("text", ""),
        "components": ("items", "notes"),
    },
    "prospecting": {"inputs": ("object", ""), "notes": ("text", "")},
    "actions": {"actions": ("items", "title")},
    "team_support": {"commitments": ("items", "commitment")},
    "dashboard": {"milestones": ("items", "title")},
}

#: The human name of each field, as the plan's forms call it.
FIELD_LABELS: dict[str, str] = {
    "description": "Description",
    "history": "History",
    "competitors": "Competitors",
    "swot.strengths": "Strengths",
    "swot.weaknesses": "Weaknesses",
    "swot.opportunities": "Opportunities",
    "swot.threats": "Threats",
    "priorities_12m": "Priorities for the next 12 months",
    "efforts_made": "Efforts made",
    "how_they_achieve": "How they achieve it",
    "needs": "Needs",
    "stakeholders": "Stakeholders",
    "objective_amount": "Growth objective",
    "objective_text": "Objective",
    "strategy": "Strategy",
    "components": "Goal build",
    "inputs": "Prospecting inputs",
    "notes": "Notes",
    "actions": "Actions",
    "commitments": "Commitments",
    "milestones": "Milestones",
}

CENT = Decimal("0.01")


def money(value: Any) -> str:
    """Money as the app writes it (``core.fmt``: whole dollars, thousands separators)."""
    return fmt.money(value)


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def join_names(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def vals(fact: Fact) -> dict[str, Any]:
    """A fact's values, read by the rules that know each kind's keys."""
    return fact.values


def a_an(word: str) -> str:
    """ "a" or "an" before ``word`` (by its first letter)."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def item_id(key: str, field: str, fact_ids: tuple[str, ...], salt: str = "") -> str:
    """A stable item id for a drafted item: the same facts give the same id, so accepting the
    same draft twice adds nothing the second time."""
    text = "|".join((key, field, salt, *fact_ids))
    return "dr" + hashlib.sha1(text.encode()).hexdigest()[:20]  # noqa: S324 (an id)


class Drafter:
    """Entries of one section, drafted from ``facts``."""

    def __init__(self, facts: FactSet, key: str) -> None:
        self.facts = facts
        self.key = key
        self.entries: list[DraftEntry] = []

    def kind(self, kind: str) -> list[Fact]:
        return self.facts.of_kind(kind)

    def one(self, kind: str) -> Fact | None:
        found = self.facts.of_kind(kind)
        return found[0] if found else None

    def add(
        self,
        field: str,
        text: str,
        cited: list[Fact],
        item: dict[str, Any] | None = None,
        salt: str = "",
    ) -> None:
        """An entry citing ``cited`` (never empty: an entry without a fact is not drafted)."""
        ids = tuple(dict.fromkeys(f.id for f in cited))
        if not ids or not text.strip():
            return
        data = dict(item or {})
        if FIELDS[self.key][field][0] == "items":
            data.setdefault("id", item_id(self.key, field, ids, salt or text))
        self.entries.append(DraftEntry(field=field, text=text.strip(), fact_ids=ids, item=data))

"""The shapes a draft is made of: facts with their sources, and draft entries citing them.

Pure data (no Django): the fact builder (``facts.py``) turns rows into a ``FactSet``, the offline
drafter turns a ``FactSet`` into a ``PlanDraft``, and the optional model pass (``model.py``)
rewrites a ``PlanDraft`` from the same ``FactSet`` and is checked against it. Every entry cites
at least one fact id of the set it was drafted from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as _field
from decimal import Decimal
from typing import Literal

#: Bumped whenever what a fact kind holds changes: stored drafts record the version they used.
FACTS_VERSION = 1

#: A fact's value: exact money as Decimal, counts as int, dates, or plain text.
FactValue = str | int | Decimal | dt.date | None

#: Where an entry's wording comes from: the offline rules, a model's rewrite that passed the
#: checks, or the offline wording kept because the model's rewrite failed them (marked).
Origin = Literal["data", "model", "fallback"]


@dataclass(frozen=True)
class FactSource:
    """The rows a fact was read from: a table (its model label, e.g. ``book.Deal``), their
    primary keys, and the date the data was read as of."""

    table: str
    row_ids: tuple[int | str, ...]
    as_of: dt.date


@dataclass(frozen=True)
class Fact:
    """One typed statement about the account, e.g. kind ``deals.lost_to_competitor`` with
    values ``{"competitor": "Acme", "count": 2, "amount": Decimal("12000.00")}``.

    ``id`` is stable for the same inputs (kind plus a key), so the same data gives the same
    citations; ``label`` is a short human reading of the fact shown as evidence on hover.
    """

    id: str
    kind: str
    label: str
    values: dict[str, FactValue]
    source: FactSource


@dataclass
class FactSet:
    """Every fact held about one account for one plan period, as of one date."""

    account_id: int
    period: str
    as_of: dt.date
    facts: list[Fact]
    version: int = FACTS_VERSION

    def by_id(self) -> dict[str, Fact]:
        return {fact.id: fact for fact in self.facts}

    def of_kind(self, kind: str) -> list[Fact]:
        return [fact for fact in self.facts if fact.kind == kind]


@dataclass
class DraftEntry:
    """One sentence or list item proposed for a section.

    ``field`` is the name of the section's field it would fill (a text field such as
    ``summary``, or a list field such as ``strengths``); ``text`` is the sentence; ``item`` is,
    for a list field, the item's data as the section schema takes it (empty for a text field);
    ``fact_ids`` are the facts it cites (never empty).
    """

    field: str
    text: str
    fact_ids: tuple[str, ...]
    item: dict[str, object] = _field(default_factory=dict)
    origin: Origin = "data"
    #: Why a model's rewrite of this entry was refused (set when ``origin`` is ``fallback``).
    fallback_reason: str = ""


@dataclass
class SectionDraft:
    """The draft of one plan section (a ``SectionKey`` value)."""

    key: str
    entries: list[DraftEntry]


@dataclass
class PlanDraft:
    """A draft of some or all sections of one account's plan for one period.

    ``rewrite`` is empty for an offline draft; after a model pass it records what is stored
    with the draft: the endpoint kind, model name, settings and the prompt sent.
    """

    account_id: int
    period: str
    as_of: dt.date
    facts_version: int
    sections: list[SectionDraft]
    rewrite: dict[str, object] = _field(default_factory=dict)

    @property
    def badge(self) -> str:
        """The badge the plan shows: "from data" or "rewritten by <model>"."""
        model = self.rewrite.get("model") if self.rewrite else None
        return f"rewritten by {model}" if model else "from data"

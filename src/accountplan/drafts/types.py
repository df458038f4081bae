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


# --- JSON form (stored drafts, the API) -------------------------------------------------------


def value_to_json(value: FactValue) -> object:
    """A fact value as JSON: money and dates tagged so they come back as they were."""
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    return value


def value_from_json(value: object) -> FactValue:
    """The inverse of ``value_to_json``."""
    if isinstance(value, dict):
        if "decimal" in value:
            return Decimal(str(value["decimal"]))
        if "date" in value:
            return dt.date.fromisoformat(str(value["date"]))
    if value is None or isinstance(value, str | int):
        return value
    return str(value)


def fact_to_json(fact: Fact) -> dict[str, object]:
    return {
        "id": fact.id,
        "kind": fact.kind,
        "label": fact.label,
        "values": {k: value_to_json(v) for k, v in fact.values.items()},
        "source": {
            "table": fact.source.table,
            "row_ids": list(fact.source.row_ids),
            "as_of": fact.source.as_of.isoformat(),
        },
    }


def fact_from_json(data: dict[str, object]) -> Fact:
    source = data["source"]
    assert isinstance(source, dict)
    values = data.get("values") or {}
    assert isinstance(values, dict)
    return Fact(
        id=str(data["id"]),
        kind=str(data["kind"]),
        label=str(data["label"]),
        values={str(k): value_from_json(v) for k, v in values.items()},
        source=FactSource(
            table=str(source["table"]),
            row_ids=tuple(source.get("row_ids") or ()),
            as_of=dt.date.fromisoformat(str(source["as_of"])),
        ),
    )


def factset_to_json(facts: FactSet) -> dict[str, object]:
    return {
        "account_id": facts.account_id,
        "period": facts.period,
        "as_of": facts.as_of.isoformat(),
        "version": facts.version,
        "facts": [fact_to_json(f) for f in facts.facts],
    }


def factset_from_json(data: dict[str, object]) -> FactSet:
    raw = data.get("facts") or []
    assert isinstance(raw, list)
    return FactSet(
        account_id=int(str(data["account_id"])),
        period=str(data["period"]),
        as_of=dt.date.fromisoformat(str(data["as_of"])),
        facts=[fact_from_json(f) for f in raw],
        version=int(str(data.get("version", FACTS_VERSION))),
    )


def _jsonable(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def draft_to_json(draft: PlanDraft) -> dict[str, object]:
    """The draft as plain JSON (item data as the section schema's JSON takes it)."""
    return {
        "account_id": draft.account_id,
        "period": draft.period,
        "as_of": draft.as_of.isoformat(),
        "facts_version": draft.facts_version,
        "badge": draft.badge,
        "rewrite": _jsonable(draft.rewrite),
        "sections": [
            {
                "key": s.key,
                "entries": [
                    {
                        "field": e.field,
                        "text": e.text,
                        "fact_ids": list(e.fact_ids),
                        "item": _jsonable(e.item),
                        "origin": e.origin,
                        "fallback_reason": e.fallback_reason,
                    }
                    for e in s.entries
                ],
            }
            for s in draft.sections
        ],
    }


def draft_from_json(data: dict[str, object]) -> PlanDraft:
    sections = data.get("sections") or []
    rewrite = data.get("rewrite") or {}
    assert isinstance(sections, list) and isinstance(rewrite, dict)
    return PlanDraft(
        account_id=int(str(data["account_id"])),
        period=str(data["period"]),
        as_of=dt.date.fromisoformat(str(data["as_of"])),
        facts_version=int(str(data.get("facts_version", FACTS_VERSION))),
        sections=[
            SectionDraft(
                key=str(s["key"]),
                entries=[
                    DraftEntry(
                        field=str(e["field"]),
                        text=str(e["text"]),
                        fact_ids=tuple(str(i) for i in e.get("fact_ids") or ()),
                        item=dict(e.get("item") or {}),
                        origin=e.get("origin", "data"),
                        fallback_reason=str(e.get("fallback_reason") or ""),
                    )
                    for e in s.get("entries") or []
                ],
            )
            for s in sections
        ],
        rewrite=dict(rewrite),
    )

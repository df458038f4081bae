"""The prompt the model is sent and the reading of its answer (pure, no Django).

The model is given the facts the draft cites (ids, labels, values) and the offline draft's
sentences, each with an id (``e1``, ``e2``…), and answers JSON::

    {"sections": [{"key": "overview",
                   "entries": [{"replaces": ["e1", "e2"], "text": "…", "fact_ids": ["…"]}]}]}

A sentence may replace several sentences of one text field (grouping them) or exactly one list
item. A list item is offered to the model only when its data holds its sentence verbatim (the
wording is then replaced in the item too); other items keep the offline wording untouched.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal

from accountplan.drafts.types import DraftEntry, FactSet, FactValue, PlanDraft

SYSTEM_PROMPT = """\
You edit the first draft of a B2B account plan so that it reads well. You are given facts about \
one customer account (each with an id, a label and values) and the draft's sentences, each with \
an id, its section, its field and the ids of the facts it cites.

Rules:
- Rewrite every draft sentence in plain, concise business English. You may merge sentences of \
the same section and field into one when the field is "text"; a "list item" is rewritten alone.
- Use only the facts given. Never add a number, amount, percentage, date, name, product, \
company or claim that the facts do not state. Copy numbers, dates and names exactly as the \
facts write them; do not round or abbreviate.
- Each sentence cites, in "fact_ids", the ids of the facts it states (at least one), chosen \
among the ids of the sentences it replaces.
- Answer with JSON only, no prose, of this shape:
{"sections": [{"key": "<section key>", "entries": [{"replaces": ["<sentence id>"], \
"text": "<the sentence>", "fact_ids": ["<fact id>"]}]}]}"""

#: The connection test's prompt: no customer data at all.
TEST_MESSAGES = [
    {"role": "system", "content": "Answer with JSON only."},
    {"role": "user", "content": 'Reply with exactly this JSON object: {"ok": true}'},
]


@dataclass(frozen=True)
class Offered:
    """A draft entry offered to the model, with where it sits in the draft."""

    id: str
    section: str
    index: int
    entry: DraftEntry

    @property
    def is_item(self) -> bool:
        return bool(self.entry.item)


@dataclass(frozen=True)
class Request:
    """What is sent: the chat messages, the entries offered and the fact ids given."""

    messages: list[dict[str, str]]
    offered: dict[str, Offered]
    given: frozenset[str]


@dataclass(frozen=True)
class Proposal:
    """One sentence of the model's answer, as read (``problem`` when it is malformed)."""

    section: str
    text: str
    fact_ids: tuple[str, ...]
    replaces: tuple[str, ...]
    problem: str = ""


class AnswerError(Exception):
    """The answer is not the JSON asked for: the whole draft falls back."""


def offerable(entry: DraftEntry) -> bool:
    """A text-field sentence, or a list item whose data holds the sentence verbatim."""
    return not entry.item or any(value == entry.text for value in entry.item.values())


def _plain(value: FactValue) -> str | int | None:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def build_request(draft: PlanDraft, facts: FactSet) -> Request:
    """The messages for a draft: only the facts its offered sentences cite are sent."""
    offered: dict[str, Offered] = {}
    for section in draft.sections:
        for index, entry in enumerate(section.entries):
            if offerable(entry):
                entry_id = f"e{len(offered) + 1}"
                offered[entry_id] = Offered(entry_id, section.key, index, entry)
    cited = {fact_id for o in offered.values() for fact_id in o.entry.fact_ids}
    given = [fact for fact in facts.facts if fact.id in cited]
    payload = {
        "period": facts.period,
        "as_of": facts.as_of.isoformat(),
        "facts": [
            {"id": f.id, "label": f.label, "values": {k: _plain(v) for k, v in f.values.items()}}
            for f in given
        ],
        "sections": [
            {
                "key": section.key,
                "sentences": [
                    {
                        "id": o.id,
                        "field": o.entry.field,
                        "kind": "list item" if o.is_item else "text",
                        "text": o.entry.text,
                        "fact_ids": list(o.entry.fact_ids),
                    }
                    for o in offered.values()
                    if o.section == section.key
                ],
            }
            for section in draft.sections
            if any(o.section == section.key for o in offered.values())
        ],
    }
    messages = [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": json.dumps(payload, ensure_ascii=False, indent=1)},
    ]
    return Request(messages=messages, offered=offered, given=frozenset(f.id for f in given))


_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


def parse_answer(text: str) -> list[Proposal]:
    """The sentences of the model's answer; ``AnswerError`` when it is not the JSON asked for
    (a surrounding Markdown code fence is tolerated)."""
    fenced = _FENCE.match(text)
    try:
        data = json.loads(fenced[1] if fenced else text)
    except ValueError as exc:
        raise AnswerError(f"the model's answer is not JSON ({exc})") from exc
    sections = data.get("sections") if isinstance(data, dict) else None
    if not isinstance(sections, list):
        raise AnswerError('the model\'s answer has no "sections" list')
    proposals: list[Proposal] = []
    for section in sections:
        if not isinstance(section, dict) or not isinstance(section.get("entries"), list):
            raise AnswerError('a section of the model\'s answer has no "entries" list')
        key = str(section.get("key", ""))
        proposals += [_proposal(key, entry) for entry in section["entries"]]
    return proposals


def _ids(value: object) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def _proposal(key: str, entry: object) -> Proposal:
    if not isinstance(entry, dict):
        return Proposal(key, "", (), (), "it is not a sentence with its fact ids")
    replaces = _ids(entry.get("replaces")) or ()
    text = entry.get("text")
    fact_ids = _ids(entry.get("fact_ids", []))
    if not isinstance(text, str) or not text.strip():
        return Proposal(key, "", (), replaces, "it has no text")
    if fact_ids is None:
        return Proposal(key, text, (), replaces, "its fact ids are not a list of ids")
    return Proposal(key, " ".join(text.split()), fact_ids, replaces)

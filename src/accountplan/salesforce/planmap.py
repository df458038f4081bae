"""Our plan's sections ↔ the text fields of Salesforce's AccountPlan (the mapping table of
docs/salesforce.md, in code).

``render(field, sections)`` writes one field from the plan's section data; ``parse(field, text)``
reads it back as ``{(section, field): value}``. Lists of items come back without ids:
``keep_ids`` gives each the id of the item of the same title already in the plan (so a re-import
changes only what changed) and keeps the item's fields the text does not carry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from accountplan.plans import sections as s
from accountplan.plans.sections import SectionKey as K
from accountplan.salesforce import textformat as tf

Sections = Mapping[str, Mapping[str, Any]]
Updates = dict[tuple[str, str], Any]

COMPETITOR_FIELDS = [
    tf.Field("Supplies", "supplies"),
    tf.Field("Our position", "our_position", dict(s.CompetitivePosition.choices)),
    tf.Field("Notes", "notes"),
]
NEED_FIELDS = [tf.Field("Rank", "rank", integer=True), tf.Field("Notes", "notes")]

#: The item lists the text fields carry: (section, list field) → the item's title field.
ITEM_LISTS: dict[tuple[str, str], str] = {
    (K.CUSTOMER_GOALS, "priorities_12m"): "text",
    (K.NEEDS, "needs"): "need",
    (K.PROFILE_POSITION, "competitors"): "name",
}


def _text(section: str, name: str, label: str) -> tf.Block:
    return tf.Block(
        label,
        lambda d: tf.plain(d.get(section, {}).get(name) or ""),
        lambda t: {(section, name): t},
    )


def _priorities(d: Sections) -> str:
    return tf.render_bullets(
        [p.get("text", "") for p in d.get(K.CUSTOMER_GOALS, {}).get("priorities_12m", [])]
    )


def _needs(d: Sections) -> str:
    return tf.render_items(d.get(K.NEEDS, {}).get("needs", []), "need", NEED_FIELDS)


def _parse_needs(text: str) -> Updates:
    return {(K.NEEDS, "needs"): tf.parse_items(text, "need", NEED_FIELDS)}


VISION = [
    _text(K.COMPANY_OVERVIEW, "mission", "Mission"),
    _text(K.COMPANY_OVERVIEW, "description", "Description"),
    _text(K.COMPANY_OVERVIEW, "history", "History"),
]
PRIORITIES = [
    tf.Block(
        "Priorities for the next 12 months",
        _priorities,
        lambda t: {
            (K.CUSTOMER_GOALS, "priorities_12m"): [{"text": x} for x in tf.parse_bullets(t)]
        },
    ),
    tf.Block("Needs", _needs, _parse_needs),
]
CHALLENGES = [
    _text(K.CUSTOMER_GOALS, "biggest_challenge", "Biggest challenge"),
    _text(K.CUSTOMER_GOALS, "efforts_made", "Efforts made"),
]
INDICATORS = [
    _text(K.CUSTOMER_GOALS, "success_measures", "Success measures"),
    _text(K.CUSTOMER_GOALS, "north_star_metric", "North-star metric"),
    _text(K.CUSTOMER_GOALS, "how_they_achieve", "How they achieve it"),
]


def _swot(part: str) -> tuple[Callable[[Sections], str], Callable[[str], Updates]]:
    def render(d: Sections) -> str:
        return tf.render_bullets(list(d.get(K.PROFILE_POSITION, {}).get("swot", {}).get(part, [])))

    def parse(text: str) -> Updates:
        return {(K.PROFILE_POSITION, f"swot.{part}"): tf.parse_bullets(text)}

    return render, parse


def _competitors(d: Sections) -> str:
    return tf.render_items(
        d.get(K.PROFILE_POSITION, {}).get("competitors", []), "name", COMPETITOR_FIELDS
    )


def _blocks(blocks: list[tf.Block]) -> tuple[Callable[[Sections], str], Callable[[str], Updates]]:
    return (lambda d: tf.render_blocks(blocks, d)), (lambda t: tf.parse_blocks(blocks, t))


#: Salesforce field → (write it from the sections, read it into section fields).
TEXT_FIELDS: dict[str, tuple[Callable[[Sections], str], Callable[[str], Updates]]] = {
    "AccountVision": _blocks(VISION),
    "AccountStrategicPriorities": _blocks(PRIORITIES),
    "AccountChallenges": _blocks(CHALLENGES),
    "AccountCompetitors": (
        _competitors,
        lambda t: {
            (K.PROFILE_POSITION, "competitors"): tf.parse_items(t, "name", COMPETITOR_FIELDS)
        },
    ),
    "AccountPrfmIndicators": _blocks(INDICATORS),
    "RelationshipStrengths": _swot("strengths"),
    "RelationshipWeaknesses": _swot("weaknesses"),
    "RelationshipOpportunities": _swot("opportunities"),
    "RelationshipThreats": _swot("threats"),
}
#: Plan fields we keep as Salesforce wrote them, without reading them into the plan.
KEPT_FIELDS = ("AccountIndustryTrends", "AccountCompetitiveStrengths", "AccountCmptvWeaknesses")


def render(field: str, sections: Sections) -> str:
    """The text of Salesforce field ``field`` for a plan with these sections."""
    return TEXT_FIELDS[field][0](sections)


def parse(field: str, text: str) -> Updates:
    """``{(section, field): value}`` read from ``text`` (``TextProblem`` when it cannot be)."""
    return TEXT_FIELDS[field][1](text)


def keep_ids(
    items: list[dict[str, Any]], base: list[Mapping[str, Any]], title: str
) -> list[dict[str, Any]]:
    """``items`` with the id (and the fields the text does not carry) of the base item of the
    same title, each base item used once; new items get a fresh id."""
    unused = list(base)
    out = []
    for item in items:
        match = next((b for b in unused if b.get(title) == item.get(title)), None)
        if match is not None:
            unused.remove(match)
            out.append({**match, **item})
        else:
            out.append({"id": s.new_id(), **item})
    return out


def apply(sections: Sections, updates: Updates) -> dict[str, dict[str, Any]]:
    """The sections with ``updates`` applied (item lists keep their ids; a dotted name such as
    ``swot.strengths`` sets one field of a nested object); sections not touched are not
    returned."""
    out: dict[str, dict[str, Any]] = {}
    for (key, name), value in updates.items():
        data = out.setdefault(key, dict(sections.get(key, {})))
        if "." in name:
            outer, inner = name.split(".", 1)
            nested = dict(data.get(outer) or {})
            nested[inner] = value
            data[outer] = nested
        elif (key, name) in ITEM_LISTS:
            data[name] = keep_ids(value, list(data.get(name) or []), ITEM_LISTS[(key, name)])
        else:
            data[name] = value
    return out

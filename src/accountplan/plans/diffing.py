"""What changed between two versions of a section's data: a pure function, no Django.

Items of a list that carry an ``id`` are matched by it, so reordering or editing one item reads
as that item changed, not as the whole list replaced. Lists of plain values (SWOT lines, contact
ids) read as values added and removed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal

from accountplan.core.fmt import words

ChangeKind = Literal["added", "removed", "changed"]

#: Singular and plural nouns of the lists, for summaries ("added 1 need").
NOUNS: dict[str, tuple[str, str]] = {
    "news": ("news item", "news items"),
    "competitors": ("competitor", "competitors"),
    "strengths": ("strength", "strengths"),
    "weaknesses": ("weakness", "weaknesses"),
    "opportunities": ("opportunity", "opportunities"),
    "threats": ("threat", "threats"),
    "priorities_12m": ("priority", "priorities"),
    "needs": ("need", "needs"),
    "stakeholders": ("stakeholder", "stakeholders"),
    "components": ("goal-build component", "goal-build components"),
    "actions": ("action", "actions"),
    "commitments": ("commitment", "commitments"),
    "dependencies": ("dependency", "dependencies"),
    "milestones": ("milestone", "milestones"),
    "adjustments": ("adjustment", "adjustments"),
    "stakeholder_contact_ids": ("stakeholder link", "stakeholder links"),
    "product_ids": ("product link", "product links"),
}
#: Longest summary kept (the revision's column holds 500 characters).
MAX_SUMMARY = 480


@dataclass(frozen=True)
class Change:
    """One difference: where (``path``), what kind, the value before and after.

    ``path`` is dotted; an item of a list is ``name[item_id]`` (e.g. ``needs[3f2a…].rank``).
    ``list_name`` is the list an added/removed/changed item belongs to (empty for a field).
    """

    path: str
    kind: ChangeKind
    before: Any
    after: Any
    list_name: str = ""
    item_id: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The change as plain JSON-ready data."""
        return asdict(self)


def _is_item_list(values: list[Any]) -> bool:
    return bool(values) and all(isinstance(v, dict) and "id" in v for v in values)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _leaf(prefix: str) -> str:
    """The last field name of a path (``needs[ab].product_ids`` → ``product_ids``)."""
    last = prefix.rsplit(".", 1)[-1]
    return last.split("[", 1)[0]


def diff(old: Any, new: Any, prefix: str = "") -> list[Change]:
    """Every change from ``old`` to ``new`` (section data, or any JSON-like values)."""
    if old == new:
        return []
    # A group of fields that was not there yet (None) is an empty group: its fields changed.
    if isinstance(new, dict) and old is None:
        old = {}
    if isinstance(old, dict) and new is None:
        new = {}
    if isinstance(old, dict) and isinstance(new, dict):
        changes: list[Change] = []
        for key in [*old, *(k for k in new if k not in old)]:
            changes.extend(diff(old.get(key), new.get(key), _join(prefix, str(key))))
        return changes
    if isinstance(old, list | None) and isinstance(new, list | None):
        return _diff_lists(old or [], new or [], prefix)
    return [Change(prefix, "changed", old, new)]


def _diff_lists(old: list[Any], new: list[Any], prefix: str) -> list[Change]:
    name = _leaf(prefix)
    if _is_item_list(old) or _is_item_list(new):
        before = {str(v.get("id")): v for v in old if isinstance(v, dict)}
        after = {str(v.get("id")): v for v in new if isinstance(v, dict)}
        changes: list[Change] = []
        for item_id, value in before.items():
            path = f"{prefix}[{item_id}]"
            if item_id not in after:
                changes.append(Change(path, "removed", value, None, name, item_id))
                continue
            # Everything inside an item belongs to that item (even a list nested in it).
            changes.extend(
                Change(inner.path, inner.kind, inner.before, inner.after, name, item_id)
                for inner in diff(value, after[item_id], path)
            )
        for item_id, value in after.items():
            if item_id not in before:
                changes.append(Change(f"{prefix}[{item_id}]", "added", None, value, name, item_id))
        return changes
    removed = Counter(map(repr, old)) - Counter(map(repr, new))
    added = Counter(map(repr, new)) - Counter(map(repr, old))
    changes = []
    for value in old:
        if removed[repr(value)] > 0:
            removed[repr(value)] -= 1
            changes.append(Change(prefix, "removed", value, None, name))
    for value in new:
        if added[repr(value)] > 0:
            added[repr(value)] -= 1
            changes.append(Change(prefix, "added", None, value, name))
    if not changes:  # same values, new order
        changes.append(Change(prefix, "changed", old, new))
    return changes


def _noun(name: str, count: int) -> str:
    fallback = words(name).lower()
    singular, plural = NOUNS.get(name, (fallback, fallback))
    return f"{count} {singular if count == 1 else plural}"


def field_words(path: str) -> str:
    """A field's path in words, when no label is known: ``inputs.growth_pct`` → ``growth %``."""
    text = words(path)
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def summarize(changes: list[Change], label: Callable[[str], str] = field_words) -> str:
    """A short human summary: "changed north-star metric, added 1 need, removed 2 threats".

    ``label`` names a changed field from its path (the section form's label when the caller
    knows the section; the path in words otherwise) — never a field code."""
    if not changes:
        return "no changes"
    parts: list[str] = []
    fields: list[str] = []
    counted: Counter[tuple[str, str]] = Counter()
    changed_items: dict[str, set[str]] = {}
    for change in changes:
        whole_item = change.path.endswith(f"[{change.item_id}]")
        if change.item_id and whole_item and change.kind != "changed":
            counted[(change.kind, change.list_name)] += 1
        elif change.item_id:
            changed_items.setdefault(change.list_name, set()).add(change.item_id)
        elif change.list_name:  # a plain value added to / removed from a list
            counted[(change.kind, change.list_name)] += 1
        elif change.path not in fields:
            fields.append(change.path)
    if fields:
        parts.append("changed " + ", ".join(dict.fromkeys(label(f) for f in fields)))
    parts.extend(f"changed {_noun(name, len(ids))}" for name, ids in changed_items.items())
    parts.extend(f"{kind} {_noun(name, n)}" for (kind, name), n in counted.items())
    text = ", ".join(parts)
    return text if len(text) <= MAX_SUMMARY else text[: MAX_SUMMARY - 1] + "…"

"""Three-way merge of a section's data: a pure function, no Django.

When a save arrives on top of an old version (someone saved since the user opened the form), the
user's data (``mine``) and the stored data (``theirs``) are both compared with the version the
user started from (``base``). Whatever only one side changed is taken from that side; only a
value both sides changed, to different values, is a conflict the user must decide. Items of a
list that carry an ``id`` are matched by it, so two people editing different items (or
different fields of one item, or adding items) never conflict. Lists of plain values (SWOT
lines, contact ids) merge as values added and removed by either side.

In the merged data a conflicting value holds the user's own value (``mine``): the page shows it
in the form, with theirs beside it, and the user keeps it or takes theirs. An item one side
removed and the other changed is kept (with the change), so removing it is a deliberate act.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

#: A step of a path: a field name, or the id of an item of a list (``("id", "3f2a…")``).
Step = str | tuple[str, str]


@dataclass(frozen=True)
class MergeConflict:
    """A value both people changed differently since ``base``.

    ``steps`` locate it (field names and item ids); ``base``, ``mine`` and ``theirs`` are its
    three values (``None`` for an item one side removed).
    """

    steps: tuple[Step, ...]
    base: Any
    mine: Any
    theirs: Any

    @property
    def path(self) -> str:
        """The path in the style of ``diffing`` (``needs[3f2a…].rank``)."""
        out = ""
        for step in self.steps:
            if isinstance(step, tuple):
                out += f"[{step[1]}]"
            else:
                out = f"{out}.{step}" if out else step
        return out

    def as_dict(self) -> dict[str, Any]:
        """The conflict as plain JSON-ready data."""
        return {"path": self.path, "base": self.base, "mine": self.mine, "theirs": self.theirs}


@dataclass
class MergeResult:
    """The merged data and the conflicts left for the user (empty: the merge is complete)."""

    data: Any
    conflicts: list[MergeConflict] = field(default_factory=list)


def _is_item_list(values: Any) -> bool:
    return (
        isinstance(values, list)
        and bool(values)
        and all(isinstance(v, dict) and "id" in v for v in values)
    )


def merge(base: Any, mine: Any, theirs: Any) -> MergeResult:
    """Merge ``mine`` and ``theirs``, both edited from ``base`` (see the module's docstring)."""
    conflicts: list[MergeConflict] = []
    data = _merge(base, mine, theirs, (), conflicts)
    return MergeResult(data, conflicts)


def _merge(
    base: Any, mine: Any, theirs: Any, steps: tuple[Step, ...], out: list[MergeConflict]
) -> Any:
    if mine == theirs:
        return mine
    if mine == base:
        return theirs
    if theirs == base:
        return mine
    # A missing list or object on one side is an empty one (data stored before a field existed).
    if isinstance(mine, list | dict) and theirs is None:
        theirs = type(mine)()
    if isinstance(theirs, list | dict) and mine is None:
        mine = type(theirs)()
    if mine == theirs:
        return mine
    if isinstance(mine, dict) and isinstance(theirs, dict):
        old = base if isinstance(base, dict) else {}
        keys = [*mine, *(k for k in theirs if k not in mine)]
        merged: dict[str, Any] = {}
        for key in keys:
            value = _merge(old.get(key), mine.get(key), theirs.get(key), (*steps, key), out)
            if value is None and (key not in mine or key not in theirs):
                continue  # one side dropped the key and the other did not change it
            merged[key] = value
        return merged
    if isinstance(mine, list) and isinstance(theirs, list):
        old_list = base if isinstance(base, list) else []
        if _is_item_list(mine) or _is_item_list(theirs) or _is_item_list(old_list):
            return _merge_items(old_list, mine, theirs, steps, out)
        return _merge_values(old_list, mine, theirs)
    out.append(MergeConflict(steps, base, mine, theirs))
    return mine


def _by_id(values: list[Any]) -> dict[str, Any]:
    return {str(v["id"]): v for v in values if isinstance(v, dict) and "id" in v}


def _merge_items(
    base: list[Any],
    mine: list[Any],
    theirs: list[Any],
    steps: tuple[Step, ...],
    out: list[MergeConflict],
) -> list[Any]:
    """Items matched by id: each item merges field by field; additions of both sides are kept."""
    old, my, their = _by_id(base), _by_id(mine), _by_id(theirs)
    merged: list[Any] = []
    # The user's order first (they see it), then what only the other person added.
    order = [*my, *(i for i in their if i not in my)]
    for item_id in order:
        here = (*steps, ("id", item_id))
        if item_id in my and item_id in their:
            merged.append(_merge(old.get(item_id), my[item_id], their[item_id], here, out))
        elif item_id in my:
            if item_id not in old:
                merged.append(my[item_id])  # added by me
            elif my[item_id] != old[item_id]:
                # They removed an item I changed: ask; meanwhile keep my version.
                out.append(MergeConflict(here, old[item_id], my[item_id], None))
                merged.append(my[item_id])
            # else: they removed it and I did not touch it → removed
        else:
            if item_id not in old:
                merged.append(their[item_id])  # added by them
            elif their[item_id] != old[item_id]:
                # I removed an item they changed: ask; meanwhile keep their version (nothing
                # typed is lost; removing it again is one click).
                out.append(MergeConflict(here, old[item_id], None, their[item_id]))
                merged.append(their[item_id])
            # else: I removed it and they did not touch it → removed
    return merged


def _merge_values(base: list[Any], mine: list[Any], theirs: list[Any]) -> list[Any]:
    """Plain values: theirs, less what I removed, plus what I added (counted, so duplicates
    behave), in their order with my additions at the end."""
    removed = Counter(map(repr, base)) - Counter(map(repr, mine))
    added = Counter(map(repr, mine)) - Counter(map(repr, base))
    merged: list[Any] = []
    for value in theirs:
        if removed[repr(value)] > 0:
            removed[repr(value)] -= 1
            continue
        merged.append(value)
    also_theirs = Counter(map(repr, theirs)) - Counter(map(repr, base))
    for value in mine:
        if added[repr(value)] > 0:
            added[repr(value)] -= 1
            if also_theirs[repr(value)] > 0:
                also_theirs[repr(value)] -= 1  # they added the same value: keep one
                continue
            merged.append(value)
    return merged


def form_name(steps: tuple[Step, ...], data: Any) -> str:
    """The form input that holds a value: ``("needs", ("id", "ab"), "rank")`` → ``needs.2.rank``
    where item ``ab`` is the third of ``data["needs"]`` (empty if the item is not in ``data``)."""
    parts: list[str] = []
    current: Any = data
    for step in steps:
        if isinstance(step, tuple):
            items = current if isinstance(current, list) else []
            index = next(
                (
                    i
                    for i, v in enumerate(items)
                    if isinstance(v, dict) and str(v.get("id")) == step[1]
                ),
                None,
            )
            if index is None:
                return ""
            parts.append(str(index))
            current = items[index]
        else:
            parts.append(step)
            current = current.get(step) if isinstance(current, dict) else None
    return ".".join(parts)

"""Write accepted draft entries into a section's data (pure; the services save the result).

Nothing a person wrote is replaced: a drafted sentence is appended to a text field (after a
blank line when it holds text already), a list item is appended unless the list already has
an item with its id (the same draft accepted twice adds nothing), or, on the relationship map,
the same contact; a scalar (the growth objective) and the prospecting inputs fill blanks only.
The needs keep to the top five: drafted needs past the fifth are left out and reported.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from accountplan.drafts.offline_base import FIELDS
from accountplan.drafts.types import DraftEntry
from accountplan.plans.sections import MAX_NEEDS


@dataclass
class Applied:
    """The new data, and what was added and left out (with why)."""

    data: dict[str, Any]
    added: int = 0
    skipped: list[str] = field(default_factory=list)


def _container(data: dict[str, Any], path: str) -> tuple[dict[str, Any], str]:
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    return node, parts[-1]


def entry_text(entry: DraftEntry, edited: str | None) -> str:
    """The entry's text as accepted: the person's edit when they made one."""
    text = (edited if edited is not None else entry.text).strip()
    return text or entry.text


def apply_entries(
    key: str, data: dict[str, Any], entries: list[tuple[DraftEntry, str | None]]
) -> Applied:
    """``data`` with ``entries`` (each with its edited text or None) written in."""
    out = Applied(copy.deepcopy(data))
    texts: dict[str, list[str]] = {}
    for entry, edited in entries:
        kind, main = FIELDS[key].get(entry.field, ("", ""))
        text = entry_text(entry, edited)
        node, name = _container(out.data, entry.field)
        if kind == "text":
            texts.setdefault(entry.field, []).append(text)
        elif kind == "strings":
            lines = list(node.get(name) or [])
            if text[:300] not in lines:
                lines.append(text[:300])
                out.added += 1
            node[name] = lines
        elif kind == "items":
            _add_item(out, key, node, name, entry, main, text)
        elif kind == "value":
            if node.get(name) in (None, ""):
                node[name] = entry.item.get("value")
                out.added += 1
            else:
                out.skipped.append(f"{entry.text} (already set: kept)")
        elif kind == "object":
            sub = dict(node.get(name) or {})
            filled = [k for k, v in entry.item.items() if sub.get(k) in (None, "")]
            for k in filled:
                sub[k] = entry.item[k]
            node[name] = sub
            out.added += bool(filled)
    for path, sentences in texts.items():
        node, name = _container(out.data, path)
        current = str(node.get(name) or "").strip()
        new = " ".join(s for s in sentences if s not in current)
        if new:
            node[name] = f"{current}\n\n{new}" if current else new
            out.added += 1
    return out


def _add_item(
    out: Applied,
    key: str,
    node: dict[str, Any],
    name: str,
    entry: DraftEntry,
    main: str,
    text: str,
) -> None:
    items = list(node.get(name) or [])
    item = dict(entry.item)
    if main:
        item[main] = text[:300] if main != "notes" else text
    if any(i.get("id") == item.get("id") for i in items):
        out.skipped.append(f"{entry.text} (already in the plan)")
        return
    if "contact_id" in item and any(i.get("contact_id") == item["contact_id"] for i in items):
        out.skipped.append(f"{entry.text} (already on the map)")
        return
    if key == "needs" and len(items) >= MAX_NEEDS:
        out.skipped.append(f"{entry.text} (the plan keeps to the top {MAX_NEEDS} needs)")
        return
    items.append(item)
    node[name] = items
    out.added += 1

"""Plain-text layouts for lists and labelled parts inside one Salesforce long text field.

Salesforce's plan fields are plain text; ours are structured (a list of competitors, the SWOT's
four lists, three texts about the company). Three layouts carry them, each read back to the same
data it was written from:

- **bullets**: one ``• item`` per line (a line starting ``-`` or ``*``, or with no bullet, is an
  item too);
- **items**: ``• Title`` then indented ``  Label: value`` lines, a value's further lines indented
  by two spaces (``• Rival Corp`` / ``  Supplies: analytics`` / ``  Our position: Ahead``).

The bullet is ``•``, not ``-``: a cell starting with ``-`` would be escaped against spreadsheet
formulas on export (docs/salesforce.md, "Formulas").
- **blocks**: ``Label:`` alone on a line starts a part; text before any label is the default part,
  and a field holding only its default part is written without a label (so a field typed in
  Salesforce reads as that part).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BULLET = re.compile(r"^\s*(?:[-•*]\s+)?")
BULLET = "• "


class TextProblem(ValueError):
    """A text field's content cannot be read into the plan; the message says what to fix."""


def plain(text: Any) -> str:
    """``text`` as plain text: one newline style, no control characters but tab and newline."""
    value = "" if text is None else str(text)
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def render_bullets(items: list[str]) -> str:
    """``• a`` / ``• b``."""
    return "\n".join(f"{BULLET}{plain(t).replace(chr(10), ' ')}" for t in items if str(t).strip())


def parse_bullets(text: str) -> list[str]:
    """Each non-empty line, without its bullet."""
    return [_BULLET.sub("", line).strip() for line in plain(text).split("\n") if line.strip()]


@dataclass(frozen=True)
class Field:
    """One labelled field of an item: its label, our field name, and for a choice its choices
    (value → label)."""

    label: str
    name: str
    choices: Mapping[str, str] | None = None
    integer: bool = False


def render_items(items: list[Mapping[str, Any]], title: str, fields: list[Field]) -> str:
    """Each item as ``• Title`` and its filled fields as indented ``Label: value`` lines."""
    out: list[str] = []
    for item in items:
        out.append(f"{BULLET}{plain(item.get(title)).replace(chr(10), ' ')}")
        for f in fields:
            value = item.get(f.name)
            if value is None or value == "":
                continue
            text = f.choices.get(str(value), str(value)) if f.choices else plain(value)
            first, *rest = str(text).split("\n")
            out.append(f"  {f.label}: {first}")
            out.extend(f"  {line}" for line in rest)
    return "\n".join(out)


def _field_value(f: Field, raw: str) -> Any:
    if f.choices:
        by_label = {label.casefold(): value for value, label in f.choices.items()}
        by_label.update({value.casefold(): value for value in f.choices})
        found = by_label.get(raw.strip().casefold())
        if found is None:
            raise TextProblem(
                f"{f.label} {raw.strip()!r} is not one of {', '.join(f.choices.values())}"
            )
        return found
    if f.integer:
        if not raw.strip().isdigit():
            raise TextProblem(f"{f.label} {raw.strip()!r} is not a whole number")
        return int(raw.strip())
    return raw


def parse_items(text: str, title: str, fields: list[Field]) -> list[dict[str, Any]]:
    """The items of ``render_items``' layout; a line without a dash or indent is an item title."""
    labels = {f.label.casefold(): f for f in fields}
    items: list[dict[str, Any]] = []
    current: Field | None = None
    for line in plain(text).split("\n"):
        if line.startswith("  ") and items:
            body = line[2:]
            label, sep, rest = body.partition(":")
            f = labels.get(label.strip().casefold()) if sep else None
            if f is not None:
                current = f
                items[-1][f.name] = rest[1:] if rest.startswith(" ") else rest
            elif current is not None:
                items[-1][current.name] += "\n" + body
            continue
        if not line.strip():
            if current is not None and items:
                items[-1][current.name] += "\n"
            continue
        items.append({title: _BULLET.sub("", line).strip()})
        current = None
    for item in items:
        for f in fields:
            if f.name in item:
                item[f.name] = _field_value(f, item[f.name].strip("\n"))
            else:  # a field the text leaves out is empty (not "unchanged")
                item[f.name] = None if f.choices or f.integer else ""
    return items


@dataclass(frozen=True)
class Block:
    """A labelled part of a field: how it is written from, and read into, our data."""

    label: str
    render: Callable[[Mapping[str, Any]], str]
    parse: Callable[[str], dict[tuple[str, str], Any]]


def render_blocks(blocks: list[Block], data: Mapping[str, Any]) -> str:
    """The filled parts, labelled; only the first (default) part filled: its text alone."""
    parts = [(b, b.render(data).strip("\n")) for b in blocks]
    filled = [(b, t) for b, t in parts if t.strip()]
    if not filled:
        return ""
    if len(filled) == 1 and filled[0][0] is blocks[0]:
        return filled[0][1]
    return "\n\n".join(f"{b.label}:\n{t}" for b, t in filled)


def parse_blocks(blocks: list[Block], text: str) -> dict[tuple[str, str], Any]:
    """(section, field) → value of every part (an absent part reads as empty)."""
    by_label = {f"{b.label}:".casefold(): b for b in blocks}
    chunks: dict[str, list[str]] = {b.label: [] for b in blocks}
    current = blocks[0]
    for line in plain(text).split("\n"):
        found = by_label.get(line.strip().casefold())
        if found is not None:
            current = found
            continue
        chunks[current.label].append(line)
    out: dict[tuple[str, str], Any] = {}
    for b in blocks:
        out.update(b.parse("\n".join(chunks[b.label]).strip("\n")))
    return out

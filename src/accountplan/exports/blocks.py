"""The building blocks of the outline (fields, tables, lists, callouts, figures) and how values
are formatted as text. Pure data; shared by every renderer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from accountplan.core import fmt as fmt_
from accountplan.exports.bars import BarChart
from accountplan.exports.document import EMPTY, OrgNode

Value = str | int | float | Decimal | dt.date | None
Kind = Literal["text", "money", "int", "pct", "date", "num"]


@dataclass(frozen=True)
class Column:
    """A table column: its header and how its values are formatted."""

    label: str
    kind: Kind = "text"


@dataclass(frozen=True)
class Table:
    """A table; ``sheet`` names its Excel sheet (tables without one only go in the documents)."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    sheet: str = ""
    total: tuple[Value, ...] | None = None


@dataclass(frozen=True)
class Fields:
    """Labelled texts (a question and its answer); ``compact``: short figures laid out in a row."""

    items: tuple[tuple[str, str], ...]
    compact: bool = False


@dataclass(frozen=True)
class Bullets:
    """A titled list of short texts."""

    title: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Callout:
    """A highlighted statement: ok, warn or bad."""

    level: Literal["ok", "warn", "bad"]
    text: str


@dataclass(frozen=True)
class Figure:
    """A picture: a bar chart (``chart``) or the org chart (``org``)."""

    title: str
    chart: BarChart | None = None
    org: tuple[OrgNode, ...] = ()


@dataclass(frozen=True)
class Empty:
    """Nothing written in this section (or part) yet."""

    text: str = EMPTY


Block = Table | Fields | Bullets | Callout | Figure | Empty


@dataclass(frozen=True)
class Section:
    """A section of the plan: its title, the question it answers, and its blocks."""

    key: str
    title: str
    question: str
    blocks: tuple[Block, ...]


def money(value: Decimal | float | int | None, currency: str = "$") -> str:
    """'$1,234,567' (no cents: plans speak in round figures); '—' when unknown."""
    return fmt_.money(value, currency=currency)


def date(value: dt.date | None) -> str:
    """'Mar 31, 2027' (the app's one date format, see ``core.fmt``); '—' when unknown."""
    return fmt_.date(value)


def fmt(value: Value, kind: Kind, currency: str = "$") -> str:
    """A cell's value as text for the text-based formats (through ``core.fmt``)."""
    if value is None or value == "":
        return "—"
    if kind == "money" and isinstance(value, (Decimal, int, float)):
        return money(value, currency)
    if kind == "date" and isinstance(value, dt.date):
        return date(value)
    if kind == "pct" and isinstance(value, (Decimal, int, float)):
        return fmt_.pct(value, 1)
    if kind in ("int", "num") and isinstance(value, (Decimal, int, float)):
        return fmt_.number(value, 0 if kind == "int" else 2)
    return str(value)


def filled_fields(pairs: Sequence[tuple[str, str]]) -> list[Block]:
    """A Fields block of the pairs that have text, or nothing."""
    filled = tuple((label, text.strip()) for label, text in pairs if text and text.strip())
    return [Fields(filled)] if filled else []


def make_table(
    title: str,
    columns: Sequence[Column],
    rows: Sequence[tuple[Value, ...]],
    sheet: str = "",
    total: tuple[Value, ...] | None = None,
) -> Table:
    """A Table block from plain sequences."""
    return Table(title, tuple(columns), tuple(rows), sheet, total)


def or_empty(blocks: list[Block]) -> tuple[Block, ...]:
    """The blocks, or one Empty block ("Not filled in yet") when there are none."""
    return tuple(blocks) if blocks else (Empty(),)

"""The customer scorecard's arithmetic: pure functions, no database.

The customer names the metrics that matter to them, each with a weight, and scores us each
quarter 1–5 per metric, or N/A. The period's weighted score is

    weighted = Σ (weight × score) / Σ weight        over the metrics scored 1–5 (N/A left out)

computed in ``Decimal`` and rounded half-up to two places; with no metric scored (all N/A, or
no metric) it is unknown (``None``). A *drop* is a period whose weighted score is lower than the
previous scored period's by at least the threshold (default 0.5 points).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from accountplan.core.errors import DomainError

#: Metrics we suggest (key, name): the customer may take any and add their own.
SUGGESTED: tuple[tuple[str, str], ...] = (
    ("responsiveness", "Responsiveness"),
    ("quality", "Product quality"),
    ("delivery", "On-time delivery"),
    ("value", "Value for money"),
    ("expertise", "Expertise and advice"),
    ("ease", "Ease of doing business"),
    ("support", "Support quality"),
    ("innovation", "Innovation"),
)
SCORES = (1, 2, 3, 4, 5)
MAX_METRICS = 12
MAX_WEIGHT = Decimal(100)
#: A drop of this many points (or more) since the previous period raises a finding.
DEFAULT_DROP = Decimal("0.5")
TWO_PLACES = Decimal("0.01")
PERIOD = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Scored:
    """One metric's score of a period: its weight then, and 1–5 or None (N/A)."""

    weight: Decimal
    score: int | None


@dataclass(frozen=True)
class Point:
    """A period of the trend: its weighted score (None: unknown) and the change since the
    previous known one (None: no previous)."""

    period: str
    weighted: Decimal | None
    change: Decimal | None


def weighted_score(rows: Iterable[Scored]) -> Decimal | None:
    """Σ(weight × score) / Σ(weights of the scored, non-N/A metrics), 2 places; None if none."""
    total = Decimal(0)
    weights = Decimal(0)
    for row in rows:
        if row.score is None or row.weight <= 0:
            continue
        total += row.weight * Decimal(row.score)
        weights += row.weight
    if weights == 0:
        return None
    return (total / weights).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def trend(periods: Sequence[tuple[str, Decimal | None]]) -> list[Point]:
    """Each period (in order) with its change since the previous period that had a score."""
    out = []
    previous: Decimal | None = None
    for period, value in sorted(periods, key=lambda p: p[0]):
        change = value - previous if value is not None and previous is not None else None
        out.append(Point(period, value, change))
        if value is not None:
            previous = value
    return out


def last_drop(points: Sequence[Point], threshold: Decimal = DEFAULT_DROP) -> Point | None:
    """The latest scored period, if it dropped by ``threshold`` or more; else None."""
    scored = [p for p in points if p.weighted is not None]
    if not scored:
        return None
    last = scored[-1]
    if last.change is not None and -last.change >= threshold:
        return last
    return None


def quarter_of(day: dt.date) -> str:
    """The quarter a day falls in: ``2026-Q2``."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def previous_quarter(period: str) -> str:
    year, q = parse_period(period)
    return f"{year - 1}-Q4" if q == 1 else f"{year}-Q{q - 1}"


def parse_period(period: str) -> tuple[int, int]:
    """``2026-Q2`` → (2026, 2); a DomainError for anything else."""
    found = PERIOD.match((period or "").strip())
    if not found:
        raise DomainError("The period must be a quarter, such as 2026-Q2.")
    return int(found.group(1)), int(found.group(2))


def scoreable_periods(today: dt.date) -> list[str]:
    """The quarters the customer may score now: this one and the one before."""
    this = quarter_of(today)
    return [this, previous_quarter(this)]


def check_period(period: str, today: dt.date) -> str:
    """A quarter that has started (never a future one)."""
    year, q = parse_period(period)
    if (year, q) > parse_period(quarter_of(today)):
        raise DomainError("That quarter has not started yet.")
    return f"{year}-Q{q}"


def parse_weight(text: str) -> Decimal:
    """A weight: a number above 0, at most 100."""
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except InvalidOperation:
        raise DomainError(f"The weight {text!r} is not a number.") from None
    if not value.is_finite() or value <= 0 or value > MAX_WEIGHT:
        raise DomainError("Each weight must be above 0 and at most 100.")
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def parse_score(text: str) -> int | None:
    """A score 1–5, or None for N/A (``na``); nothing chosen is an error, never a silent N/A."""
    text = (text or "").strip().lower()
    if text in ("na", "n/a"):
        return None
    if text.isdigit() and int(text) in SCORES:
        return int(text)
    raise DomainError("Score each metric 1 to 5, or N/A.")


def clean_metrics(rows: Sequence[tuple[str, str]]) -> list[tuple[str, Decimal]]:
    """The customer's metrics (name, weight text): rows with a name and a weight only, names
    unique, 1 to ``MAX_METRICS`` of them."""
    out: list[tuple[str, Decimal]] = []
    seen: set[str] = set()
    for name, weight in rows:
        name = " ".join((name or "").replace("\x00", "").split())[:120]
        if not name or not (weight or "").strip():
            continue  # a row left blank, or a suggestion not taken (no weight)
        if name.lower() in seen:
            raise DomainError(f"The metric {name!r} is named twice.")
        seen.add(name.lower())
        out.append((name, parse_weight(weight)))
    if not out:
        raise DomainError("Name at least one metric, with its weight.")
    if len(out) > MAX_METRICS:
        raise DomainError(f"{MAX_METRICS} metrics at most.")
    return out


def shares(weights: Sequence[Decimal]) -> list[Decimal]:
    """Each weight as a percentage of their sum (one place), for display."""
    total = sum(weights, Decimal(0))
    if total == 0:
        return [Decimal(0) for _ in weights]
    return [(w * 100 / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) for w in weights]

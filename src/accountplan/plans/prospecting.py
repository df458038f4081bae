"""The prospecting plan of seed 002, as pure functions (no Django): how many deals, opportunities
and prospects the growth goal needs, when the pipeline must start, and attainment at a date.

The rules (every division rounds up: a part of a deal is a whole deal to find):

- growth target = the goal build's objective when the plan has one, else
  current revenue × growth % / 100
- gap = max(growth target − expected upgrades, 0)
- deals = ⌈gap / average deal size⌉
- opportunities = ⌈deals / (win rate % / 100)⌉
- prospects = ⌈opportunities × prospects per opportunity⌉
- period length = whole calendar months from the period's start to the day after its end
  (1 January–31 December is 12); lead = max(0, sales cycle months − period length);
  pipeline start = period start − lead months. A cycle longer than the period moves the
  pipeline's start earlier by the difference; a cycle that fits leaves it at the period start.

The seed's example: $10M, 10 %, $100K deals, 50 % win rate, 5 prospects per opportunity →
10 deals, 20 opportunities, 100 prospects.

Attainment at a date: the elapsed share of the period is (days from the start to the date,
inclusive) / (days in the period), clamped to 0..1; expected by now = plan × elapsed share. Each
measure is **ahead** at ≥ 110 % of expected, **on track** at ≥ 90 %, **behind** below; before the
period starts, every measure is **not started**.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any, Literal

#: Pace thresholds: share of the expected-by-now figure.
AHEAD_AT = Decimal("1.10")
ON_TRACK_AT = Decimal("0.90")


class ProspectingError(ValueError):
    """Inputs that cannot make a plan; the message lists every problem and how to fix it."""


@dataclass(frozen=True)
class ProspectingInputs:
    """What the prospecting plan is computed from."""

    current_revenue: Decimal
    growth_pct: Decimal
    deal_size: Decimal
    win_rate_pct: Decimal
    prospects_per_opportunity: Decimal
    expected_upgrades: Decimal = Decimal(0)
    cycle_months: int = 0
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    #: The goal build's growth objective: when given, it is the growth target.
    objective: Decimal | None = None

    def problems(self) -> list[str]:
        """Each invalid input, said so that it can be fixed (empty when all are fine)."""
        out = []
        if self.objective is not None and self.objective < 0:
            out.append("the objective must be 0 or more")
        if self.current_revenue < 0:
            out.append("current revenue must be 0 or more")
        if self.growth_pct < 0:
            out.append("growth % must be 0 or more")
        if self.deal_size <= 0:
            out.append("average deal size must be more than 0")
        if not 0 < self.win_rate_pct <= 100:
            out.append("win rate % must be more than 0 and at most 100")
        if self.prospects_per_opportunity < 1:
            out.append("prospects per opportunity must be at least 1")
        if self.expected_upgrades < 0:
            out.append("expected upgrades must be 0 or more")
        if self.cycle_months < 0:
            out.append("sales cycle months must be 0 or more")
        if (self.period_start is None) != (self.period_end is None):
            out.append("give both the period's start and end, or neither")
        elif self.period_start and self.period_end and self.period_end < self.period_start:
            out.append("the period must end on or after its start")
        return out


@dataclass(frozen=True)
class ProspectingPlan:
    """The computed plan (amounts as Decimal, counts as int)."""

    inputs: ProspectingInputs
    growth_target: Decimal
    gap: Decimal
    deals: int
    opportunities: int
    prospects: int
    period_months: int | None
    lead_months: int
    pipeline_start: dt.date | None

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (decimals as strings, dates ISO)."""

        def plain(value: Any) -> Any:
            if isinstance(value, Decimal):
                return str(value)
            if isinstance(value, dt.date):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            return value

        result: dict[str, Any] = plain(asdict(self))
        return result


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months (the day clamped to the month's length)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end`` (1 Jan → 1 Jan next year is 12)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return months


def _ceil(value: Decimal) -> int:
    return math.ceil(value)


def plan(inputs: ProspectingInputs) -> ProspectingPlan:
    """The prospecting plan for ``inputs`` (see the module's rules); ``ProspectingError`` if
    an input is out of range."""
    problems = inputs.problems()
    if problems:
        raise ProspectingError("; ".join(problems) + ".")
    target = (
        inputs.objective
        if inputs.objective is not None
        else inputs.current_revenue * inputs.growth_pct / 100
    )
    gap = max(target - inputs.expected_upgrades, Decimal(0))
    deals = _ceil(gap / inputs.deal_size)
    opportunities = _ceil(Decimal(deals) * 100 / inputs.win_rate_pct)
    prospects = _ceil(opportunities * inputs.prospects_per_opportunity)
    period_months = None
    lead = 0
    pipeline_start = None
    if inputs.period_start and inputs.period_end:
        period_months = months_between(
            inputs.period_start, inputs.period_end + dt.timedelta(days=1)
        )
        lead = max(0, inputs.cycle_months - period_months)
        pipeline_start = add_months(inputs.period_start, -lead)
    return ProspectingPlan(
        inputs=inputs,
        growth_target=target,
        gap=gap,
        deals=deals,
        opportunities=opportunities,
        prospects=prospects,
        period_months=period_months,
        lead_months=lead,
        pipeline_start=pipeline_start,
    )


Pace = Literal["not_started", "behind", "on_track", "ahead"]


@dataclass(frozen=True)
class Measure:
    """One measure of attainment: planned, expected by the date, actual, and the pace."""

    name: str
    planned: int
    expected: Decimal
    actual: int
    pct_of_plan: Decimal | None
    status: Pace


@dataclass(frozen=True)
class Attainment:
    """Actual prospects engaged, opportunities opened and deals won against the plan."""

    today: dt.date
    elapsed_share: Decimal
    measures: list[Measure]

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {
            "today": self.today.isoformat(),
            "elapsed_share": str(self.elapsed_share),
            "measures": [
                {
                    **asdict(m),
                    "expected": str(m.expected),
                    "pct_of_plan": None if m.pct_of_plan is None else str(m.pct_of_plan),
                }
                for m in self.measures
            ],
        }


def elapsed_share(today: dt.date, period: tuple[dt.date, dt.date]) -> Decimal:
    """The share of the period gone by ``today`` (inclusive of today), 0..1, 4 decimals."""
    start, end = period
    total = (end - start).days + 1
    done = (today - start).days + 1
    share = Decimal(min(max(done, 0), total)) / Decimal(total)
    return share.quantize(Decimal("0.0001"))


def _status(actual: int, expected: Decimal, started: bool) -> Pace:
    if not started:
        return "not_started"
    if actual >= expected * AHEAD_AT and actual > 0:
        return "ahead"
    if actual >= expected * ON_TRACK_AT:
        return "on_track"
    return "behind"


def attainment(
    prospecting: ProspectingPlan,
    actual_prospects: int,
    actual_opps: int,
    actual_won: int,
    today: dt.date,
    period: tuple[dt.date, dt.date],
) -> Attainment:
    """The pace of each measure at ``today`` within ``period`` (see the module's rules)."""
    share = elapsed_share(today, period)
    started = today >= period[0]
    measures = []
    for name, planned, actual in (
        ("prospects", prospecting.prospects, actual_prospects),
        ("opportunities", prospecting.opportunities, actual_opps),
        ("deals", prospecting.deals, actual_won),
    ):
        expected = (planned * share).quantize(Decimal("0.01"))
        pct = (Decimal(100) * actual / planned).quantize(Decimal("0.1")) if planned else None
        measures.append(
            Measure(name, planned, expected, actual, pct, _status(actual, expected, started))
        )
    return Attainment(today, share, measures)


_YEAR = re.compile(r"^(?:FY|CY)?\s*(\d{4})$", re.IGNORECASE)
_HALF = re.compile(r"^(?:FY)?\s*(\d{4})\s*[-/ ]?\s*H([12])$|^H([12])\s*[-/ ]?\s*(\d{4})$", re.I)
_QUARTER = re.compile(
    r"^(?:FY)?\s*(\d{4})\s*[-/ ]?\s*Q([1-4])$|^Q([1-4])\s*[-/ ]?\s*(\d{4})$", re.I
)


def period_bounds(period: str) -> tuple[dt.date, dt.date] | None:
    """The dates of a period named like ``FY2027``/``2027`` (the calendar year), ``2027-H1`` or
    ``Q3 2027``; None when the name does not say (the user then enters the dates)."""
    text = period.strip()
    if m := _YEAR.match(text):
        year = int(m.group(1))
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if m := _HALF.match(text):
        year, half = (
            (int(m.group(1)), int(m.group(2)))
            if m.group(1)
            else (
                int(m.group(4)),
                int(m.group(3)),
            )
        )
        start = dt.date(year, 1 + 6 * (half - 1), 1)
        return start, add_months(start, 6) - dt.timedelta(days=1)
    if m := _QUARTER.match(text):
        year, quarter = (
            (int(m.group(1)), int(m.group(2)))
            if m.group(1)
            else (
                int(m.group(4)),
                int(m.group(3)),
            )
        )
        start = dt.date(year, 1 + 3 * (quarter - 1), 1)
        return start, add_months(start, 3) - dt.timedelta(days=1)
    return None

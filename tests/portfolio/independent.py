"""The documented methodology recomputed in plain Python, from the docs, with no analytics import.

It takes plain rows (accounts with a segment and a size, revenue lines with a date) and returns
every cell's state and every account's play and tier, the way a user with a spreadsheet would.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    """A revenue line: account key, item key, date, amount."""

    account: str
    item: str
    date: dt.date
    amount: float


def months_back(day: dt.date, months: int) -> dt.date:
    """``day`` minus ``months`` calendar months, the day clamped to the month's end."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def median(values: list[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def percentile_ranks(values: dict[str, float]) -> dict[str, float]:
    """100 × (average 1-based rank among ties − 1) / (n − 1); 50 when there is one value."""
    n = len(values)
    if n == 1:
        return dict.fromkeys(values, 50.0)
    ordered = sorted(values.values())
    first: dict[float, int] = {}
    count: dict[float, int] = defaultdict(int)
    for i, v in enumerate(ordered, start=1):
        first.setdefault(v, i)
        count[v] += 1
    out = {}
    for key, v in values.items():
        avg_rank = first[v] + (count[v] - 1) / 2
        out[key] = 100 * (avg_rank - 1) / (n - 1)
    return out


@dataclass
class Result:
    """What the test compares: states per cell, play and tier per account (and figures)."""

    states: dict[tuple[str, str], str]
    plays: dict[str, str | None]
    tiers: dict[str, int]
    revenue: dict[str, float]


def compute(
    segments: dict[str, str],
    sizes: dict[str, int | None],
    items: list[str],
    lines: list[Line],
    as_of: dt.date,
    weights: tuple[float, float, float] = (30, 20, 15),  # white space, growth, wallet gap
) -> Result:
    """States, plays and tiers under the default methodology (no ICP, no satisfaction)."""
    start, prev_start = months_back(as_of, 12), months_back(as_of, 24)
    r: dict[tuple[str, str], float] = defaultdict(float)
    prev: dict[tuple[str, str], float] = defaultdict(float)
    for line in lines:
        if start < line.date <= as_of:
            r[line.account, line.item] += line.amount
        elif prev_start < line.date <= start:
            prev[line.account, line.item] += line.amount
    accounts = list(segments)
    states: dict[tuple[str, str], str] = {}
    cr: dict[str, float] = defaultdict(float)
    ws: dict[str, float] = defaultdict(float)
    wallet: dict[str, float] = defaultdict(float)
    previous: dict[str, float] = defaultdict(float)
    for item in items:
        buyers = [
            a for a in accounts if r[a, item] > 0 and sizes[a] is not None and (sizes[a] or 0) > 0
        ]
        for a in accounts:
            rev = r[a, item]
            size = sizes[a]
            peers = [b for b in buyers if segments[a] and segments[b] == segments[a]]
            if len(peers) < 5:
                peers = buyers
            potential = None
            if peers and size:
                potential = median([r[b, item] / (sizes[b] or 1) for b in peers]) * size
            if rev <= 0:
                state = "none"
            elif potential is not None and rev >= 0.8 * potential:
                state = "full"
            else:
                state = "partial"
            states[a, item] = state
            cr[a] += rev
            previous[a] += prev[a, item]
            if potential is not None:
                ws[a] += max(potential - rev, 0)
            wallet[a] += max(potential, rev) if potential is not None else rev
    growth = {a: (cr[a] - previous[a]) / previous[a] for a in accounts if previous[a] != 0}
    gap = {a: 1 - cr[a] / wallet[a] for a in accounts if wallet[a] != 0}
    attrs = [(ws_all := {a: ws[a] for a in accounts}, weights[0]), (growth, weights[1])]
    attrs.append((gap, weights[2]))
    pct = [(percentile_ranks(values), w) for values, w in attrs if values and w > 0]
    score: dict[str, float] = {}
    for a in accounts:
        known = [(p[a], w) for p, w in pct if a in p]
        if known:
            score[a] = sum(p * w for p, w in known) / sum(w for _p, w in known)
    assert ws_all
    rev_median = median([cr[a] for a in accounts])
    score_median = median(list(score.values())) if score else 0.0
    plays: dict[str, str | None] = {}
    for a in accounts:
        if a not in score:
            plays[a] = None
            continue
        high_rev, high_pot = cr[a] >= rev_median, score[a] >= score_median
        plays[a] = {
            (True, True): "Expand",
            (True, False): "Penetrate",
            (False, True): "Nurture",
            (False, False): "Manage",
        }[(high_pot, high_rev)]
    value_pct = percentile_ranks({a: cr[a] + ws[a] for a in accounts})
    tiers = {a: 1 if value_pct[a] >= 90 else 2 if value_pct[a] >= 60 else 3 for a in accounts}
    return Result(states, plays, tiers, dict(cr))

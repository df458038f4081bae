"""How complete a plan is: a pure function over its sections' data, update times and today.

Each section has a few checks (what a useful section holds). A section is
- **empty** when it holds nothing beyond its defaults,
- **complete** when every check passes,
- **partial** otherwise,
- **stale** when it holds something but was not updated in ``STALE_DAYS`` days (whatever its
  checks say: an old plan section is to be reviewed).

The plan's percent is the mean over the ten stored sections of the share of checks passed, a
stale section counting half. 0 for an empty plan, 100 when every section is complete and fresh.

Exactly, in integers (so that the lists can sort and filter on it in SQL): a section's share is
kept in ``FILL_UNITS`` units (twice the least common multiple of the sections' check counts, so
that a share and its half are whole), stored with the section when it is saved
(``PlanSection.fill``); the percent is ``total units × 100 / (FILL_UNITS × 10)`` rounded half up.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from accountplan.plans.sections import SectionInvalid, SectionKey, empty_section, validate_section

#: A section not updated in this many days is stale.
STALE_DAYS = 90
State = Literal["empty", "partial", "complete", "stale"]
Check = tuple[str, Callable[[dict[str, Any]], bool]]


def _all(items: list[dict[str, Any]], test: Callable[[dict[str, Any]], bool]) -> bool:
    return bool(items) and all(test(i) for i in items)


#: Per section: (what is missing when the check fails, the check). Changing them changes stored
#: fills: add a migration that fills ``PlanSection.fill`` again (as plans 0005 does).
CHECKS: dict[str, list[Check]] = {
    SectionKey.COMPANY_OVERVIEW: [
        ("a description", lambda d: bool(d["description"])),
        ("history or mission", lambda d: bool(d["history"] or d["mission"])),
        ("at least one news signal", lambda d: bool(d["news"])),
    ],
    SectionKey.PROFILE_POSITION: [
        (
            "financial health",
            lambda d: (
                d["financial_health"]["rating"] != "unknown" or bool(d["financial_health"]["text"])
            ),
        ),
        ("at least one competitor", lambda d: bool(d["competitors"])),
        ("a full SWOT (every quadrant)", lambda d: all(d["swot"].values())),
    ],
    SectionKey.CUSTOMER_GOALS: [
        ("a north-star metric", lambda d: bool(d["north_star_metric"])),
        ("top priorities for 12 months", lambda d: bool(d["priorities_12m"])),
        ("the biggest challenge", lambda d: bool(d["biggest_challenge"])),
        ("how they measure success", lambda d: bool(d["success_measures"])),
    ],
    SectionKey.NEEDS: [
        ("at least 3 needs", lambda d: len(d["needs"]) >= 3),
        (
            "a stakeholder on every need",
            lambda d: _all(d["needs"], lambda n: bool(n["stakeholder_contact_ids"])),
        ),
        ("a product on every need", lambda d: _all(d["needs"], lambda n: bool(n["product_ids"]))),
        ("a rank on every need", lambda d: _all(d["needs"], lambda n: n.get("rank") is not None)),
    ],
    SectionKey.RELATIONSHIPS: [
        ("at least 3 stakeholders", lambda d: len(d["stakeholders"]) >= 3),
        (
            "a decision maker or economic buyer",
            lambda d: any(
                s["buying_role"] in ("decision_maker", "economic_buyer") for s in d["stakeholders"]
            ),
        ),
        (
            "our owner on every stakeholder",
            lambda d: _all(d["stakeholders"], lambda s: s["our_owner_id"] is not None),
        ),
    ],
    SectionKey.GOALS: [
        ("an objective amount", lambda d: d["objective_amount"] is not None),
        ("a strategy", lambda d: bool(d["strategy"])),
        ("at least one goal-build component", lambda d: bool(d["components"])),
    ],
    SectionKey.PROSPECTING: [
        ("growth %", lambda d: d["inputs"]["growth_pct"] is not None),
        ("deal size", lambda d: d["inputs"]["deal_size"] is not None),
        ("win rate", lambda d: d["inputs"]["win_rate_pct"] is not None),
        (
            "prospects per opportunity",
            lambda d: d["inputs"]["prospects_per_opportunity"] is not None,
        ),
    ],
    SectionKey.ACTIONS: [
        ("at least one action", lambda d: bool(d["actions"])),
        ("an owner on every action", lambda d: _all(d["actions"], lambda a: bool(a["owner_id"]))),
        ("a due date on every action", lambda d: _all(d["actions"], lambda a: bool(a["due_date"]))),
    ],
    SectionKey.TEAM_SUPPORT: [
        ("at least one commitment", lambda d: bool(d["commitments"])),
        ("at least one dependency", lambda d: bool(d["dependencies"])),
    ],
    SectionKey.DASHBOARD: [
        ("at least one milestone", lambda d: bool(d["milestones"])),
        ("a date on every milestone", lambda d: _all(d["milestones"], lambda m: bool(m["date"]))),
    ],
}


#: A section's share of checks passed, in whole units: every share, and its half, is whole.
FILL_UNITS = 2 * math.lcm(*(len(checks) for checks in CHECKS.values()))
#: A plan's units when every section is complete and fresh (100 %).
WHOLE_UNITS = FILL_UNITS * len(SectionKey.values)


def plan_percent(units: int) -> int:
    """The plan's percent from its sections' units (stale ones halved), rounded half up (the
    lists write the same rule in SQL: ``list_rows.with_completeness``)."""
    return (200 * units + WHOLE_UNITS) // (2 * WHOLE_UNITS)


def stale_before(today: dt.date) -> dt.datetime:
    """A section saved before this moment is stale ``today``: more than ``STALE_DAYS`` days
    between the day it was saved (UTC, as the database gives it back) and ``today``."""
    return dt.datetime.combine(today - dt.timedelta(days=STALE_DAYS), dt.time.min, tzinfo=dt.UTC)


@dataclass(frozen=True)
class SectionCompleteness:
    """One section's state, the share of its checks passed, and what is missing."""

    key: str
    state: State
    score: float
    missing: list[str] = field(default_factory=list)
    updated_at: dt.datetime | None = None
    #: The share in ``FILL_UNITS`` (halved when stale): what the plan's percent adds up.
    units: int = 0


@dataclass(frozen=True)
class Completeness:
    """A plan's completeness: per section, and overall as a percent."""

    sections: list[SectionCompleteness]
    percent: int

    @property
    def counts(self) -> dict[str, int]:
        """How many sections are in each state."""
        out = {"empty": 0, "partial": 0, "complete": 0, "stale": 0}
        for s in self.sections:
            out[s.state] += 1
        return out

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {
            "percent": self.percent,
            "counts": self.counts,
            "sections": [
                {
                    "key": s.key,
                    "state": s.state,
                    "score": round(s.score, 3),
                    "missing": s.missing,
                    "updated_at": s.updated_at.isoformat() if s.updated_at else None,
                }
                for s in self.sections
            ],
        }


def _normal(key: str, data: Mapping[str, Any] | None) -> dict[str, Any]:
    if not data:
        return _empty_normal(key)
    try:
        return validate_section(key, dict(data))
    except SectionInvalid:
        # Stored data is validated on save; data that no longer validates (an older schema)
        # counts as whatever of the defaults it still fills.
        return _empty_normal(key)


@functools.cache
def _empty_normal(key: str) -> dict[str, Any]:
    """An empty section's stored form, validated once per process (a list page derives 20
    sections of 25 plans: 500 validations of ``{}`` otherwise). Read only: checks never write."""
    return empty_section(key)


@functools.cache
def _empty_stripped(key: str) -> Any:
    """What an empty section is, ids aside: the form ``section_completeness`` compares to."""
    return _strip_ids(_empty_normal(key))


def _strip_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [_strip_ids(v) for v in value]
    return value


def section_completeness(
    key: str, data: Mapping[str, Any] | None, updated_at: dt.datetime | None, today: dt.date
) -> SectionCompleteness:
    """The completeness of one section's data, updated at ``updated_at``, as seen ``today``."""
    normal = _normal(key, data)
    checks = CHECKS[key]
    missing = [label for label, test in checks if not test(normal)]
    score = (len(checks) - len(missing)) / len(checks)
    units = (len(checks) - len(missing)) * FILL_UNITS // len(checks)
    state: State
    if _strip_ids(normal) == _empty_stripped(key):
        state, score, units = "empty", 0.0, 0
    elif updated_at is not None and (today - updated_at.date()).days > STALE_DAYS:
        state, units = "stale", units // 2
    else:
        state = "complete" if not missing else "partial"
    return SectionCompleteness(key, state, score, missing, updated_at, units)


def fill_units(key: str, data: Mapping[str, Any] | None) -> int:
    """A section's share of checks passed in ``FILL_UNITS``, fresh (0 when empty): what a save
    stores with the section for the lists' sort and filter."""
    return section_completeness(key, data, None, dt.date.min).units


def completeness(
    sections: Mapping[str, tuple[Mapping[str, Any] | None, dt.datetime | None]], today: dt.date
) -> Completeness:
    """A plan's completeness from ``{key: (data, updated_at)}`` (missing keys are empty)."""
    parts = [
        section_completeness(key, *sections.get(key, (None, None)), today=today)
        for key in SectionKey.values
    ]
    return Completeness(parts, plan_percent(sum(p.units for p in parts)))

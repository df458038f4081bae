"""Plan health: a 0–100 score from completeness, freshness and the open findings (pure).

- **Completeness** (weight 40): the plan's completeness percent (``plans.completeness``).
- **Freshness** (weight 30): 100 when the plan changed in the last ``FRESH_DAYS`` days, falling
  in a straight line to 0 at ``STALE_DAYS`` days since the last change.
- **Findings** (weight 30): 100 − 25 per open red finding − 10 per open amber one (floor 0);
  snoozed findings count too (a snooze hides, it does not fix).

Score = round half up (0.4 × completeness + 0.3 × freshness + 0.3 × findings)). Band: green ≥ 70,
amber ≥ 40, red below.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

WEIGHTS = {"completeness": 40, "freshness": 30, "findings": 30}
FRESH_DAYS = 30
STALE_DAYS = 120
RED_COST = 25
AMBER_COST = 10
GREEN_AT = 70
AMBER_AT = 40


@dataclass(frozen=True)
class Health:
    score: int
    band: str
    parts: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"score": self.score, "band": self.band, "parts": self.parts}


def freshness(days: int) -> float:
    if days <= FRESH_DAYS:
        return 100.0
    if days >= STALE_DAYS:
        return 0.0
    return 100.0 * (STALE_DAYS - days) / (STALE_DAYS - FRESH_DAYS)


def band(score: int) -> str:
    return "green" if score >= GREEN_AT else "amber" if score >= AMBER_AT else "red"


def plan_health(completeness_pct: int, days_since_change: int, red: int, amber: int) -> Health:
    """The health of a plan from its completeness, days since its last change and open findings."""
    fresh = freshness(days_since_change)
    found = max(0, 100 - RED_COST * red - AMBER_COST * amber)
    values = {"completeness": float(completeness_pct), "freshness": fresh, "findings": float(found)}
    total = sum(WEIGHTS[k] * v for k, v in values.items()) / 100
    score = int(Decimal(repr(total)).quantize(Decimal(1), ROUND_HALF_UP))
    parts = [
        {
            "key": "completeness",
            "label": "Completeness",
            "value": round(values["completeness"], 1),
            "weight": WEIGHTS["completeness"],
            "explain": f"{completeness_pct} % of the sections' checks pass "
            "(stale sections count half)",
        },
        {
            "key": "freshness",
            "label": "Freshness",
            "value": round(fresh, 1),
            "weight": WEIGHTS["freshness"],
            "explain": f"last change {days_since_change} days ago (100 up to {FRESH_DAYS} days, "
            f"0 from {STALE_DAYS})",
        },
        {
            "key": "findings",
            "label": "Open findings",
            "value": float(found),
            "weight": WEIGHTS["findings"],
            "explain": f"100 − {RED_COST} × {red} red − {AMBER_COST} × {amber} amber",
        },
    ]
    return Health(score, band(score), parts)

"""The health formula (pure): each part and the bands."""

from __future__ import annotations

import pytest

from accountplan.governance.health import band, freshness, plan_health


@pytest.mark.parametrize(("days", "value"), [(0, 100), (30, 100), (75, 50), (120, 0), (400, 0)])
def test_freshness(days: int, value: float) -> None:
    assert freshness(days) == value


def test_score_is_the_weighted_sum_rounded_half_up() -> None:
    # 0.4 × 50 + 0.3 × 50 + 0.3 × 65 = 54.5 → 55 (half up, as a spreadsheet rounds)
    h = plan_health(50, 75, 1, 1)
    assert [p["value"] for p in h.parts] == [50, 50, 65]
    assert h.score == 55 and h.band == "amber"


def test_bands() -> None:
    assert (band(70), band(69), band(40), band(39)) == ("green", "amber", "amber", "red")
    assert plan_health(100, 0, 0, 0).score == 100
    assert plan_health(0, 500, 9, 9).score == 0

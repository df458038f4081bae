"""The prioritization grid as a Vega-Lite spec: a pure function, points and thresholds in."""

from __future__ import annotations

import json
import textwrap
from typing import Any, TypedDict

from accountplan.analytics.grid import PLAYS

#: One colour per play (colour-blind-friendly Tableau hues), in the seed's order.
PLAY_COLORS: dict[str, str] = {
    "Expand": "#2f6fdb",
    "Penetrate": "#e8730c",
    "Nurture": "#1f9e6e",
    "Manage": "#7c7f87",
}
#: Where each play sits: (high revenue → right, high potential → top).
CORNERS: dict[str, tuple[bool, bool]] = {
    "Expand": (True, True),
    "Penetrate": (False, True),
    "Nurture": (True, False),
    "Manage": (False, False),
}
NO_REVENUE = "No revenue (drawn at the left edge)"
WITH_REVENUE = "With revenue"


class Point(TypedDict):
    """A scored account on the grid."""

    id: int
    name: str
    revenue: float
    score: float
    tier: int | None
    play: str


def revenue_floor(points: list[Point], revenue_threshold: float | None) -> float:
    """Where accounts with no revenue sit on the log axis: half the smallest positive value."""
    positive = [p["revenue"] for p in points if p["revenue"] > 0]
    if revenue_threshold and revenue_threshold > 0:
        positive.append(revenue_threshold)
    return min(positive) / 2 if positive else 1.0


#: Below this plot width (a phone) a corner caption is the play's name alone: the campaign lines
#: of two corners would run into each other and over the points. The cards above name them.
NARROW_PLOT = 520


def _quadrant_label(play: str, right: bool, top: bool) -> dict[str, Any]:
    lines = [play, *textwrap.wrap(PLAYS[play], 38)]
    narrow = f"width < {NARROW_PLOT}"
    # Extra lines flow downwards: lift a bottom label by their height (none when narrow).
    lift = (len(lines) - 1) * 14
    return {
        "mark": {
            "type": "text",
            "align": "right" if right else "left",
            "baseline": "top" if top else "bottom",
            "x": {"expr": "width - 6"} if right else 6,
            "y": 6 if top else {"expr": f"height - 6 - ({narrow} ? 0 : {lift})"},
            "text": {"expr": f"{narrow} ? {json.dumps(play)} : {json.dumps(lines)}"},
            "fontSize": 11,
            "lineHeight": 14,
            "color": PLAY_COLORS[play],
            "opacity": 0.85,
        },
    }


def grid_spec(
    points: list[Point], revenue_threshold: float | None, score_threshold: float | None
) -> dict[str, Any]:
    """The grid: revenue (x, log) against potential score (y, 0-100), quadrant lines and labels.

    Accounts with no revenue cannot sit on a log axis: they are drawn at ``revenue_floor`` with
    another shape, and the x tooltip still says $0.
    """
    floor = revenue_floor(points, revenue_threshold)
    values = [
        {
            **p,
            "x": p["revenue"] if p["revenue"] > 0 else floor,
            "revenue_kind": WITH_REVENUE if p["revenue"] > 0 else NO_REVENUE,
            "tier_label": f"Tier {p['tier']}" if p["tier"] else "—",
        }
        for p in points
    ]
    layers: list[dict[str, Any]] = [
        _quadrant_label(play, right, top) for play, (right, top) in CORNERS.items()
    ]
    if revenue_threshold is not None:
        layers.append(
            {
                "mark": {"type": "rule", "strokeDash": [5, 4], "color": "#8a93a3"},
                "encoding": {"x": {"datum": max(revenue_threshold, floor)}},
            }
        )
    if score_threshold is not None:
        layers.append(
            {
                "mark": {"type": "rule", "strokeDash": [5, 4], "color": "#8a93a3"},
                "encoding": {"y": {"datum": score_threshold}},
            }
        )
    layers.append(
        {
            "data": {"values": values},
            "mark": {"type": "point", "filled": True, "size": 70, "cursor": "pointer"},
            "encoding": {
                "x": {
                    "field": "x",
                    "type": "quantitative",
                    "scale": {"type": "log"},
                    "title": "Current revenue, last 12 months (log scale)",
                    "axis": {"format": "$~s"},
                },
                "y": {
                    "field": "score",
                    "type": "quantitative",
                    "scale": {"domain": [0, 100]},
                    "title": "Potential score (0-100)",
                },
                "color": {
                    "field": "play",
                    "type": "nominal",
                    "scale": {"domain": list(PLAYS), "range": [PLAY_COLORS[p] for p in PLAYS]},
                    "legend": {"title": "Play", "orient": "bottom"},
                },
                "shape": {
                    "field": "revenue_kind",
                    "type": "nominal",
                    "scale": {"domain": [WITH_REVENUE, NO_REVENUE], "range": ["circle", "diamond"]},
                    "legend": {"title": None, "orient": "bottom"},
                },
                "tooltip": [
                    {"field": "name", "title": "Account"},
                    {"field": "revenue", "title": "Current revenue", "format": "$,.0f"},
                    {"field": "score", "title": "Potential score", "format": ".1f"},
                    {"field": "play", "title": "Play"},
                    {"field": "tier_label", "title": "Tier"},
                ],
            },
        }
    )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "width": "container",
        "height": 440,
        "autosize": {"type": "fit-x", "contains": "padding"},
        # One empty row: the rules and labels are drawn once; the points layer has its own data.
        "data": {"values": [{}]},
        "layer": layers,
        "config": {"view": {"stroke": "#e3e7ee"}, "font": "system-ui, sans-serif"},
        "usermeta": {"revenue_floor": floor, "count": len(values)},
    }

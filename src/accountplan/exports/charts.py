"""The plan's charts as Vega-Lite specs: pure functions, plain data in, a spec dict out.

The same spec renders in the browser (vega-embed, see portfolio/charts.py) and, through
vl-convert, as SVG for the PDF and PNG for the PowerPoint deck (`to_svg`, `to_png`).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import vl_convert

from accountplan.exports.document import AttainmentRow, GoalComponent

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
#: Colours of the exports: planned (blue), achieved (green), short (orange), objective (grey).
BLUE = "#2f6fdb"
GREEN = "#1f9e6e"
ORANGE = "#e8730c"
GREY = "#7c7f87"
FONT = "DejaVu Sans"


def _base(width: int, height: int) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "width": width,
        "height": height,
        "background": "white",
        "config": {
            "font": FONT,
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 260},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom"},
            "view": {"stroke": None},
        },
    }


def component_label(component: GoalComponent, index: int) -> str:
    """A short, unique label for a goal-build component: '1. Cross-sell — Analytics'."""
    detail = component.product or component.buying_center
    return f"{index}. {component.kind}" + (f" — {detail}" if detail else "")


def goal_build_spec(
    components: Sequence[GoalComponent], objective: Decimal | None, currency: str = "$"
) -> dict[str, Any]:
    """Goal build against the objective: one bar per component, the build's total and the
    objective (horizontal bars, so long product names stay readable)."""
    values: list[dict[str, Any]] = [
        {"label": component_label(c, i), "amount": float(c.amount), "part": "Component"}
        for i, c in enumerate(components, start=1)
    ]
    total = sum((c.amount for c in components), Decimal(0))
    values.append({"label": "Goal build total", "amount": float(total), "part": "Goal build"})
    if objective is not None:
        values.append({"label": "Objective", "amount": float(objective), "part": "Objective"})
    order = [v["label"] for v in values]
    return {
        **_base(560, max(120, 30 * len(values))),
        "title": "Goal build against the objective",
        "data": {"values": values},
        "layer": [
            {
                "mark": {"type": "bar", "cornerRadiusEnd": 2},
                "encoding": {
                    "y": {"field": "label", "type": "nominal", "sort": order, "title": None},
                    "x": {
                        "field": "amount",
                        "type": "quantitative",
                        "title": f"Amount ({currency})",
                        "axis": {"format": "~s"},
                    },
                    "color": {
                        "field": "part",
                        "type": "nominal",
                        "title": None,
                        "scale": {
                            "domain": ["Component", "Goal build", "Objective"],
                            "range": [BLUE, GREEN, GREY],
                        },
                    },
                },
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 11},
                "encoding": {
                    "y": {"field": "label", "type": "nominal", "sort": order},
                    "x": {"field": "amount", "type": "quantitative"},
                    "text": {"field": "amount", "type": "quantitative", "format": ",.0f"},
                },
            },
        ],
    }


def won_vs_target_spec(components: Sequence[GoalComponent], currency: str = "$") -> dict[str, Any]:
    """Won revenue per goal-build component against its target (grouped horizontal bars)."""
    values: list[dict[str, Any]] = []
    for i, c in enumerate(components, start=1):
        label = component_label(c, i)
        values.append({"label": label, "measure": "Target", "amount": float(c.amount)})
        values.append({"label": label, "measure": "Won", "amount": float(c.won)})
    return {
        **_base(560, max(120, 44 * len(components))),
        "title": "Won per component against its target",
        "data": {"values": values},
        "mark": {"type": "bar", "cornerRadiusEnd": 2},
        "encoding": {
            "y": {"field": "label", "type": "nominal", "title": None, "sort": None},
            "yOffset": {"field": "measure", "sort": ["Target", "Won"]},
            "x": {
                "field": "amount",
                "type": "quantitative",
                "title": f"Amount ({currency})",
                "axis": {"format": "~s"},
            },
            "color": {
                "field": "measure",
                "type": "nominal",
                "title": None,
                "scale": {"domain": ["Target", "Won"], "range": [GREY, GREEN]},
            },
        },
    }


def pipeline_vs_plan_spec(rows: Sequence[AttainmentRow]) -> dict[str, Any]:
    """Prospects, opportunities and deals: planned for the period, expected by today, actual."""
    values: list[dict[str, Any]] = []
    for row in rows:
        values.append({"measure": row.measure, "series": "Plan", "n": float(row.planned)})
        values.append(
            {"measure": row.measure, "series": "Expected by now", "n": float(row.expected_by_now)}
        )
        values.append({"measure": row.measure, "series": "Actual", "n": float(row.actual)})
    series = ["Plan", "Expected by now", "Actual"]
    return {
        **_base(560, max(120, 60 * len(rows))),
        "title": "Pipeline against the prospecting plan",
        "data": {"values": values},
        "mark": {"type": "bar", "cornerRadiusEnd": 2},
        "encoding": {
            "y": {"field": "measure", "type": "nominal", "title": None, "sort": None},
            "yOffset": {"field": "series", "sort": series},
            "x": {"field": "n", "type": "quantitative", "title": "Count"},
            "color": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "sort": series,
                "scale": {"domain": series, "range": [GREY, BLUE, GREEN]},
            },
        },
    }


def to_svg(spec: dict[str, Any]) -> str:
    """Render a Vega-Lite spec to SVG offline (for the PDF)."""
    return str(vl_convert.vegalite_to_svg(spec))


def to_png(spec: dict[str, Any], scale: float = 2.0) -> bytes:
    """Render a Vega-Lite spec to PNG offline (for the PowerPoint deck)."""
    return bytes(vl_convert.vegalite_to_png(spec, scale=scale))


def svg_to_png(svg: str, scale: float = 2.0) -> bytes:
    """Render an SVG drawing (the org chart) to PNG."""
    return bytes(vl_convert.svg_to_png(svg, scale=scale))

"""The plan page's charts as Vega-Lite specs: the goal build's stacked components against the
objective, and the dashboard's won revenue against each component's target. Amounts are plotted as
numbers (the bars' lengths); the tooltips format them as money."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accountplan.plans.page_data import GoalBuild


def goal_chart_spec(build: GoalBuild) -> dict[str, Any]:
    """A stacked bar of the components against a rule at the objective (Vega-Lite)."""
    values = [
        {
            "component": r["kind_label"] + (f" · {r['product']}" if r["product"] else ""),
            "amount": float(r["amount_value"] or 0),
            "row": "Goal build",
        }
        for r in build.rows
    ]
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": values},
            "mark": {"type": "bar", "height": 28},
            "encoding": {
                "y": {"field": "row", "type": "nominal", "title": None},
                "x": {
                    "aggregate": "sum",
                    "field": "amount",
                    "type": "quantitative",
                    "title": "Amount",
                    "axis": {"format": "$~s"},
                },
                "color": {"field": "component", "type": "nominal", "title": "Component"},
                "tooltip": [{"field": "component"}, {"field": "amount", "format": "$,.0f"}],
            },
        }
    ]
    if build.objective is not None:
        layers.append(
            {
                "data": {"values": [{"objective": float(build.objective)}]},
                "mark": {"type": "rule", "color": "#c2410c", "strokeWidth": 2},
                "encoding": {"x": {"field": "objective", "type": "quantitative"}},
            }
        )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": "container",
        "height": 60,
        "layer": layers,
    }


def dashboard_chart_spec(rows: list[dict[str, Any]], labels: dict[str, str]) -> dict[str, Any]:
    """Won revenue against target per component (grouped bars)."""
    values: list[dict[str, Any]] = []
    for r in rows:
        name = labels.get(str(r.get("id")), "component")
        values.append({"component": name, "what": "Target", "amount": float(r["target"])})
        values.append({"component": name, "what": "Won", "amount": float(r["actual"] or 0)})
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": "container",
        "data": {"values": values},
        "mark": "bar",
        "encoding": {
            "y": {"field": "component", "type": "nominal", "title": None},
            "yOffset": {"field": "what"},
            "x": {
                "field": "amount",
                "type": "quantitative",
                "title": "Amount",
                "axis": {"format": "$~s"},
            },
            "color": {
                "field": "what",
                "type": "nominal",
                "title": None,
                "scale": {"range": ["#b7bfcc", "#1f9e6e"]},
            },
            "tooltip": [
                {"field": "component"},
                {"field": "what"},
                {"field": "amount", "format": "$,.0f"},
            ],
        },
    }

"""The plan's charts as plain data (``bars.BarChart``): pure functions, plain data in.

The PDF draws them as SVG (``bars.to_svg``), the deck as native PowerPoint bar charts; the
org chart is rendered to PNG for the deck (``svg_to_png``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from accountplan.exports.bars import BarChart, Series
from accountplan.exports.document import AttainmentRow, GoalComponent

#: Colours of the exports: planned (blue), achieved (green), short (orange), objective (grey).
BLUE = "#2f6fdb"
GREEN = "#1f9e6e"
ORANGE = "#e8730c"
GREY = "#7c7f87"


def component_label(component: GoalComponent, index: int) -> str:
    """A short, unique label for a goal-build component: '1. Cross-sell — Analytics'."""
    detail = component.product or component.buying_center
    return f"{index}. {component.kind}" + (f" — {detail}" if detail else "")


def goal_build_chart(
    components: Sequence[GoalComponent], objective: Decimal | None, currency: str = "$"
) -> BarChart:
    """Goal build against the objective: a bar per component, the build's total, the objective."""
    labels = [component_label(c, i) for i, c in enumerate(components, start=1)]
    total = sum((c.amount for c in components), Decimal(0))
    n = len(components)
    categories = [*labels, "Goal build total"] + (["Objective"] if objective is not None else [])
    k = len(categories)

    def only(values: dict[int, Decimal]) -> tuple[float | None, ...]:
        return tuple(float(values[i]) if i in values else None for i in range(k))

    series = [
        Series("Component", BLUE, only({i: c.amount for i, c in enumerate(components)})),
        Series("Goal build", GREEN, only({n: total})),
    ]
    if objective is not None:
        series.append(Series("Objective", GREY, only({n + 1: objective})))
    return BarChart("Goal build against the objective", tuple(categories), tuple(series), currency)


def won_vs_target_chart(components: Sequence[GoalComponent], currency: str = "$") -> BarChart:
    """Won revenue per goal-build component against its target."""
    return BarChart(
        "Won per component against its target",
        tuple(component_label(c, i) for i, c in enumerate(components, start=1)),
        (
            Series("Target", GREY, tuple(float(c.amount) for c in components)),
            Series("Won", GREEN, tuple(float(c.won) for c in components)),
        ),
        currency,
    )


def pipeline_vs_plan_chart(rows: Sequence[AttainmentRow]) -> BarChart:
    """Prospects, opportunities and deals: planned for the period, expected by today, actual."""
    return BarChart(
        "Pipeline against the prospecting plan",
        tuple(r.measure for r in rows),
        (
            Series("Plan", GREY, tuple(float(r.planned) for r in rows)),
            Series("Expected by now", BLUE, tuple(float(r.expected_by_now) for r in rows)),
            Series("Actual", GREEN, tuple(float(r.actual) for r in rows)),
        ),
    )


def svg_to_png(svg: str, scale: float = 2.0) -> bytes:
    """Render an SVG drawing (the org chart) to PNG (resvg through vl-convert, no browser)."""
    import vl_convert

    return bytes(vl_convert.svg_to_png(svg, scale=scale))

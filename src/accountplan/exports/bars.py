"""Horizontal bar charts drawn as plain SVG: pure functions, like the org chart.

The exports' three charts are simple bars (goal build against the objective, won per component
against its target, pipeline against the prospecting plan). Drawing them here takes a
millisecond; rendering a Vega-Lite spec offline took 0.2–0.5 s each, most of an export's time.
The deck draws the same data as native, editable PowerPoint charts (see deck.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

FONT = "DejaVu Sans, sans-serif"
LABEL_W = 250
PLOT_W = 430
VALUE_W = 80
BAR_H = 14
GROUP_GAP = 10
TOP = 30
AXIS_H = 26
LEGEND_H = 24


@dataclass(frozen=True)
class Series:
    """One series of bars: a name for the legend, a colour, a value per category (None: no
    bar for that category)."""

    name: str
    color: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class BarChart:
    """Categories down the side, one bar per series that has a value there."""

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""  # "$" for money axes; "" for counts

    def bars(self, index: int) -> list[tuple[Series, float]]:
        """The bars of category ``index``: (series, value) for each series with a value."""
        return [(s, v) for s in self.series if (v := s.values[index]) is not None]


def short(value: float, unit: str = "") -> str:
    """'1.2M', '86k', '950', '3.56' (with the unit in front for money)."""
    sign, n = ("-" if value < 0 else ""), abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if n >= limit:
            text = f"{n / limit:.1f}".rstrip("0").rstrip(".") + suffix
            break
    else:
        # Small fractions (a 1–5 score such as 3.56) keep two places; counts stay whole.
        text = f"{n:.2f}" if n < 10 and n != int(n) else f"{n:,.0f}"
    return f"{sign}{unit}{text}"


def _ticks(top: float) -> list[float]:
    if top <= 0:
        return [0.0]
    raw = top / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(int(top // step) + 2) if step * i <= top * 1.0001 + step]


def _clip(text: str, limit: int = 36) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def to_svg(chart: BarChart) -> str:
    """The chart as a standalone SVG document (text escaped)."""
    top = max((v for s in chart.series for v in s.values if v is not None), default=0.0)
    ticks = _ticks(top)
    scale_max = max(ticks[-1], 1e-9)
    heights = [max(1, len(chart.bars(i))) * BAR_H + GROUP_GAP for i in range(len(chart.categories))]
    plot_h = sum(heights)
    width = LABEL_W + PLOT_W + VALUE_W
    height = TOP + plot_h + AXIS_H + LEGEND_H
    x0 = LABEL_W
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="11">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2:.0f}" y="18" text-anchor="middle" font-size="13" '
        f'font-weight="bold" fill="#1d2330">{escape(chart.title)}</text>',
    ]
    for t in ticks:
        x = x0 + t / scale_max * PLOT_W
        out.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + plot_h}" stroke="#e2e5ea"/>'
            f'<text x="{x:.1f}" y="{TOP + plot_h + 15}" text-anchor="middle" fill="#6b7280">'
            f"{escape(short(t, chart.unit))}</text>"
        )
    y = TOP
    for i, category in enumerate(chart.categories):
        bars = chart.bars(i)
        mid = y + (heights[i] - GROUP_GAP) / 2 + GROUP_GAP / 2
        out.append(
            f'<text x="{x0 - 8}" y="{mid + 4:.1f}" text-anchor="end" fill="#1d2330">'
            f"{escape(_clip(category))}</text>"
        )
        by = y + GROUP_GAP / 2
        for s, v in bars:
            w = max(v, 0) / scale_max * PLOT_W
            out.append(
                f'<rect x="{x0}" y="{by:.1f}" width="{w:.1f}" height="{BAR_H - 2}" '
                f'fill="{s.color}"/>'
                f'<text x="{x0 + w + 4:.1f}" y="{by + BAR_H - 4:.1f}" fill="#444a55" '
                f'font-size="10">{escape(short(v, chart.unit))}</text>'
            )
            by += BAR_H
        y += heights[i]
    out.append(f'<line x1="{x0}" y1="{TOP}" x2="{x0}" y2="{TOP + plot_h}" stroke="#9aa0aa"/>')
    lx = x0
    ly = TOP + plot_h + AXIS_H + 8
    for s in chart.series:
        out.append(
            f'<rect x="{lx}" y="{ly}" width="10" height="10" fill="{s.color}"/>'
            f'<text x="{lx + 14}" y="{ly + 9}" fill="#444a55">{escape(s.name)}</text>'
        )
        lx += 24 + 7 * len(s.name)
    out.append("</svg>")
    return "".join(out)

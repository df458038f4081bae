"""The plan as a PowerPoint deck (python-pptx): a title slide, then each section's slides.

A simple flow layout: blocks go down the slide and start a "(continued)" slide when the next one
would not fit; long tables are split across slides with their header repeated; charts and the org
chart get a slide of their own as PNG pictures. 16:9, fonts of 11 pt and more.
"""

from __future__ import annotations

import io
import math
import textwrap
from typing import Any

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.util import Emu, Inches, Length, Pt

from accountplan.core import fmt as fmt_
from accountplan.exports import charts, orgchart
from accountplan.exports.bars import BarChart
from accountplan.exports.document import PlanDocument
from accountplan.exports.outline import (
    Block,
    Bullets,
    Callout,
    Empty,
    Fields,
    Figure,
    Section,
    Table,
    fmt,
    outline,
)
from accountplan.exports.summary import executive_summary

WIDTH = Inches(13.333)
HEIGHT = Inches(7.5)
LEFT = Inches(0.5)
TOP = 1.35  # inches: below the title
BOTTOM = 7.0
CONTENT_W = Inches(12.333)
ROWS_PER_SLIDE = 12
SECTION_MIN = 2.2  # inches left on a slide for the next section to start there
FIGURE_MIN_H = 2.8  # inches: a chart or org chart needs at least this much room
ROW_H = 0.3  # the header row
LINE_H = 0.19  # one line of 11 pt text in a table cell, inches
CHARS_PER_INCH = 11.5  # average characters per inch at 11 pt
INK = RGBColor(0x1D, 0x23, 0x30)
MUTED = RGBColor(0x6B, 0x72, 0x80)
ACCENT = RGBColor(0x2F, 0x6F, 0xDB)
CALLOUT_COLORS = {
    "ok": RGBColor(0xE3, 0xF4, 0xEC),
    "warn": RGBColor(0xFF, 0xF2, 0xDC),
    "bad": RGBColor(0xFB, 0xE5, 0xE1),
}
NUMERIC = {"money", "int", "pct", "num"}


def _text(
    slide: Slide,
    left: Length,
    top: float,
    width: Length,
    height: float,
    text: str,
    size: int = 14,
    bold: bool = False,
    color: RGBColor = INK,
    italic: bool = False,
) -> None:
    box = slide.shapes.add_textbox(left, Inches(top), width, Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    para = frame.paragraphs[0]
    run = para.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.color.rgb = color


class _Flow:
    """Places blocks down the slides: a section starts on a new slide, or below the previous
    one when enough room is left (short sections share a slide)."""

    def __init__(self, prs: PresentationType, section: Section, footer: str) -> None:
        self.prs, self.section, self.footer = prs, section, footer
        self.count = 0
        self.y = BOTTOM  # forces a first slide
        self.slide: Slide | None = None

    def start_section(self, section: Section) -> None:
        """Begin ``section`` below the last one if its heading and first block fit there (so
        no heading is left alone at the bottom of a slide), else on a new slide."""
        self.section, self.count = section, 0
        first = _estimate(section.blocks[0]) if section.blocks else 0.6
        if self.slide is None or self.y + 0.95 + max(first, SECTION_MIN - 0.95) > BOTTOM:
            self.new_slide()
            return
        self.y += 0.1
        _text(self.slide, LEFT, self.y, CONTENT_W, 0.45, section.title, size=20, bold=True)
        _text(
            self.slide,
            LEFT,
            self.y + 0.42,
            CONTENT_W,
            0.3,
            section.question,
            size=12,
            color=MUTED,
            italic=True,
        )
        self.count = 1
        self.y += 0.85

    def new_slide(self) -> Slide:
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[6])
        title = self.section.title + (" (continued)" if self.count else "")
        _text(slide, LEFT, 0.35, CONTENT_W, 0.6, title, size=28, bold=True)
        _text(
            slide,
            LEFT,
            0.9,
            CONTENT_W,
            0.35,
            self.section.question,
            size=13,
            color=MUTED,
            italic=True,
        )
        bar = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, LEFT, Inches(1.25), Inches(1.2), Inches(0.05)
        )
        bar.fill.solid()
        bar.fill.fore_color.rgb = ACCENT
        bar.line.fill.background()
        _text(slide, LEFT, 7.05, CONTENT_W, 0.3, self.footer, size=9, color=MUTED)
        self.count += 1
        self.slide = slide
        self.y = TOP + 0.1
        return slide

    def room(self, height: float) -> Slide:
        if self.slide is None or self.y + height > BOTTOM:
            return self.new_slide()
        return self.slide


def _estimate(block: Block) -> float:
    """Roughly how many inches ``block`` needs (its first part, for a table that may split)."""
    if isinstance(block, Figure):
        return (_chart_height(block.chart) if block.chart else FIGURE_MIN_H) + 0.45
    if isinstance(block, Table):
        return 0.4 + ROW_H + 0.35 * min(len(block.rows), 3)
    if isinstance(block, Fields):
        return 0.85 if block.compact else min(0.6 * len(block.items), 2.5)
    if isinstance(block, Bullets):
        return 0.4 + 0.3 * len(block.items)
    return 0.65


def _fields(flow: _Flow, block: Fields) -> None:
    if block.compact:
        slide = flow.room(0.75)
        width = CONTENT_W / max(len(block.items), 1)
        for i, (label, text) in enumerate(block.items):
            left = Emu(int(LEFT + width * i))
            _text(slide, left, flow.y, Emu(int(width)), 0.3, label, size=11, color=MUTED)
            _text(slide, left, flow.y + 0.28, Emu(int(width)), 0.4, text, size=16, bold=True)
        flow.y += 0.85
        return
    for label, text in block.items:
        clipped = textwrap.shorten(text, 900, placeholder=" …")
        lines = sum(max(1, len(line) // 150 + 1) for line in clipped.splitlines() or [""])
        height = 0.32 + 0.26 * lines
        slide = flow.room(height)
        _text(slide, LEFT, flow.y, Inches(3.2), 0.32, label, size=13, bold=True, color=ACCENT)
        _text(slide, Emu(LEFT + Inches(3.3)), flow.y, Inches(9.0), height, clipped, size=13)
        flow.y += max(height, 0.45)


def _row_height(row: tuple[str, ...], columns: int) -> float:
    """Inches a table row needs at 11 pt, its longest cell wrapped to the column's width."""
    chars_per_line = max(int(CONTENT_W / Inches(1) / columns * CHARS_PER_INCH), 4)
    lines = max(
        (
            math.ceil(len(textwrap.shorten(v, 160, placeholder=" …")) / chars_per_line)
            for v in row
            if v
        ),
        default=1,
    )
    return 0.1 + LINE_H * max(lines, 1)


def _chunk_rows(rows: list[tuple[str, ...]], heights: list[float]) -> list[list[tuple[str, ...]]]:
    """Split rows into slides so that no table runs past the bottom (header repeated each time)."""
    room = BOTTOM - TOP - 0.4 - ROW_H
    chunks: list[list[tuple[str, ...]]] = []
    current: list[tuple[str, ...]] = []
    used = 0.0
    for row, height in zip(rows, heights, strict=True):
        if current and (used + height > room or len(current) >= ROWS_PER_SLIDE):
            chunks.append(current)
            current, used = [], 0.0
        current.append(row)
        used += height
    if current:
        chunks.append(current)
    return chunks


def _table(flow: _Flow, block: Table, currency: str) -> None:
    rows = [
        tuple(fmt(v, c.kind, currency) for v, c in zip(r, block.columns, strict=True))
        for r in block.rows
    ]
    if block.total:
        rows.append(
            tuple(
                fmt(v, c.kind, currency) if v not in ("", None) else ""
                for v, c in zip(block.total, block.columns, strict=True)
            )
        )
    heights = [_row_height(row, len(block.columns)) for row in rows]
    chunks = _chunk_rows(rows, heights) or [[]]
    start = 0
    for n, chunk in enumerate(chunks):
        chunk_heights = heights[start : start + len(chunk)]
        start += len(chunk)
        height = 0.4 + ROW_H + sum(chunk_heights)
        slide = flow.room(height)
        title = block.title + (f" ({n + 1}/{len(chunks)})" if len(chunks) > 1 else "")
        _text(slide, LEFT, flow.y, CONTENT_W, 0.35, title, size=14, bold=True)
        shape = slide.shapes.add_table(
            len(chunk) + 1,
            len(block.columns),
            LEFT,
            Inches(flow.y + 0.4),
            CONTENT_W,
            Inches(ROW_H + sum(chunk_heights)),
        )
        table = shape.table
        table.rows[0].height = Inches(ROW_H)
        for i, row_height in enumerate(chunk_heights, start=1):
            table.rows[i].height = Inches(row_height)
        for j, col in enumerate(block.columns):
            cell = table.cell(0, j)
            cell.text = col.label
            para = cell.text_frame.paragraphs[0]
            para.font.size, para.font.bold = Pt(12), True
            if col.kind in NUMERIC:
                para.alignment = PP_ALIGN.RIGHT
        for i, row in enumerate(chunk, start=1):
            for j, (value, col) in enumerate(zip(row, block.columns, strict=True)):
                cell = table.cell(i, j)
                cell.text = textwrap.shorten(value, 160, placeholder=" …") if value else ""
                para = cell.text_frame.paragraphs[0]
                para.font.size = Pt(11)
                para.font.bold = bool(block.total) and i == len(chunk) and n == len(chunks) - 1
                if col.kind in NUMERIC:
                    para.alignment = PP_ALIGN.RIGHT
        flow.y += height + 0.25


def _native_chart(slide: Slide, chart: BarChart, top: float, height: float) -> None:
    """A bar chart PowerPoint draws itself (editable, no picture to render)."""
    data = CategoryChartData()
    # PowerPoint lists bar categories bottom-up: reverse them so they read top-down.
    data.categories = list(reversed(chart.categories))
    for s in chart.series:
        data.add_series(s.name, [0 if v is None else v for v in reversed(s.values)])
    frame: Any = slide.shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED,
        LEFT,
        Inches(top),
        CONTENT_W,
        Inches(height),
        data,  # type: ignore[arg-type]  # the stubs want the ChartData base class
    )
    c = frame.chart
    c.has_legend = len(chart.series) > 1
    if c.has_legend:
        c.legend.position = XL_LEGEND_POSITION.BOTTOM
        c.legend.include_in_layout = False
        c.legend.font.size = Pt(11)
    c.font.size = Pt(11)
    plot = c.plots[0]
    plot.gap_width = 60
    if len(chart.series) > 1 and any(v is None for s in chart.series for v in s.values):
        plot.overlap = 100  # one bar per category (the others are empty): no gaps beside it
    for s, series in zip(chart.series, plot.series, strict=True):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = RGBColor.from_string(s.color.lstrip("#").upper())
    c.value_axis.tick_labels.number_format = (
        '"' + chart.unit + '"' if chart.unit else ""
    ) + "#,##0"
    c.value_axis.tick_labels.number_format_is_linked = False
    c.value_axis.has_major_gridlines = True


def _chart_height(chart: BarChart) -> float:
    """Inches a native bar chart needs: its legend and axis, and a quarter inch per bar."""
    bars = sum(1 for s in chart.series for v in s.values if v is not None)
    return min(max(1.8, 0.8 + 0.24 * bars), BOTTOM - TOP - 0.6)


def _picture(flow: _Flow, block: Figure) -> None:
    needed = _chart_height(block.chart) if block.chart is not None else FIGURE_MIN_H
    room = BOTTOM - flow.y - 0.45
    if flow.slide is None or room < needed:
        flow.new_slide()
        room = BOTTOM - flow.y - 0.45
    slide = flow.room(0)
    _text(slide, LEFT, flow.y, CONTENT_W, 0.35, block.title, size=14, bold=True)
    top = flow.y + 0.4
    if block.chart is not None:
        _native_chart(slide, block.chart, top, needed)
        flow.y = top + needed + 0.2
        return
    png = charts.svg_to_png(orgchart.to_svg(block.org))
    picture = slide.shapes.add_picture(io.BytesIO(png), LEFT, Inches(top))
    # Fit inside the room left, keeping the aspect ratio.
    max_w, max_h = CONTENT_W, Inches(room)
    scale = min(max_w / picture.width, max_h / picture.height, 1.0 if room < 3 else 10.0)
    picture.width = Emu(int(picture.width * scale))
    picture.height = Emu(int(picture.height * scale))
    picture.left = Emu(int(LEFT + (max_w - picture.width) / 2))
    flow.y = top + picture.height / Inches(1) + 0.2


def _block(flow: _Flow, block: Block, currency: str) -> None:
    if isinstance(block, Fields):
        _fields(flow, block)
    elif isinstance(block, Table):
        _table(flow, block, currency)
    elif isinstance(block, Bullets):
        items = [textwrap.shorten(x, 200, placeholder=" …") for x in block.items]
        height = 0.4 + 0.3 * len(items)
        slide = flow.room(min(height, BOTTOM - TOP))
        _text(slide, LEFT, flow.y, CONTENT_W, 0.35, block.title, size=14, bold=True)
        _text(
            slide,
            Emu(LEFT + Inches(0.2)),
            flow.y + 0.4,
            CONTENT_W,
            height - 0.4,
            "\n".join(f"•  {x}" for x in items),
            size=13,
        )
        flow.y += height + 0.15
    elif isinstance(block, Callout):
        slide = flow.room(0.6)
        shape = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, LEFT, Inches(flow.y), CONTENT_W, Inches(0.5)
        )
        shape.fill.solid()
        shape.fill.fore_color.rgb = CALLOUT_COLORS[block.level]
        shape.line.fill.background()
        frame = shape.text_frame
        frame.word_wrap = True
        frame.paragraphs[0].text = textwrap.shorten(block.text, 220, placeholder=" …")
        frame.paragraphs[0].font.size = Pt(13)
        frame.paragraphs[0].font.color.rgb = INK
        flow.y += 0.65
    elif isinstance(block, Figure):
        _picture(flow, block)
    elif isinstance(block, Empty):
        slide = flow.room(0.6)
        _text(
            slide, LEFT, flow.y, CONTENT_W, 0.5, f"{block.text}.", size=16, italic=True, color=MUTED
        )
        flow.y += 0.6


def _summary_slide(prs: PresentationType, doc: PlanDocument, footer: str) -> None:
    """The first slide: the executive summary (objective, gap, moves, people, risks, dates)."""
    summary = executive_summary(doc)
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Emu(0), Emu(0), WIDTH, Inches(0.2))
    band.fill.solid()
    band.fill.fore_color.rgb = ACCENT
    band.line.fill.background()
    kicker = "ACCOUNT PLAN · EXECUTIVE SUMMARY" + (
        " · CUSTOMER VERSION" if doc.customer_safe else ""
    )
    _text(slide, LEFT, 0.35, CONTENT_W, 0.35, kicker, size=12, bold=True, color=ACCENT)
    title = f"{doc.header.account_name} · {doc.header.period}"
    _text(slide, LEFT, 0.65, CONTENT_W, 0.6, title, size=28, bold=True)
    facts = "    ".join(f"{label}: {value}" for label, value in summary.facts)
    _text(slide, LEFT, 1.25, CONTENT_W, 0.3, facts, size=12, color=MUTED)
    half = Emu(int((CONTENT_W - Inches(0.3)) / 2))
    for i, (label, text, color) in enumerate(
        (
            ("OBJECTIVE", summary.objective, CALLOUT_COLORS["ok"]),
            ("GAP", summary.gap, CALLOUT_COLORS["warn"]),
        )
    ):
        left = Emu(int(LEFT + (half + Inches(0.3)) * i))
        box = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, Inches(1.7), half, Inches(1.0))
        box.fill.solid()
        box.fill.fore_color.rgb = color
        box.line.fill.background()
        _text(slide, left, 1.72, half, 0.3, label, size=11, bold=True, color=MUTED)
        _text(
            slide,
            left,
            2.0,
            half,
            0.6,
            textwrap.shorten(text, 110, placeholder=" …"),
            size=15,
            bold=True,
        )
    for i, (heading, items) in enumerate(summary.lists):
        left = Emu(int(LEFT + (half + Inches(0.3)) * (i % 2)))
        top = 2.95 + (i // 2) * 2.0
        _text(slide, left, top, half, 0.35, heading, size=15, bold=True, color=ACCENT)
        lines = [f"•  {textwrap.shorten(x, 95, placeholder=' …')}" for x in items]
        _text(slide, left, top + 0.38, half, 1.5, "\n".join(lines) or "None recorded.", size=12)
    _text(slide, LEFT, 7.05, CONTENT_W, 0.3, footer, size=9, color=MUTED)


def render_pptx(doc: PlanDocument) -> bytes:
    """The plan as a .pptx deck: the executive summary, then the sections (short ones sharing a
    slide, long tables continued)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    footer = f"{doc.title} · {fmt_.date(doc.generated_at)}"
    _summary_slide(prs, doc, footer)
    sections = outline(doc)
    flow = _Flow(prs, sections[0], footer)
    for section in sections:
        flow.start_section(section)
        for block in section.blocks:
            _block(flow, block, doc.currency)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()

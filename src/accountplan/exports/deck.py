"""The plan as a PowerPoint deck (python-pptx): a title slide, then each section's slides.

A simple flow layout: blocks go down the slide and start a "(continued)" slide when the next one
would not fit; long tables are split across slides with their header repeated; charts and the org
chart get a slide of their own as PNG pictures. 16:9, fonts of 11 pt and more.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.util import Emu, Inches, Length, Pt

from accountplan.core import fmt as fmt_
from accountplan.exports import charts, orgchart
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
    summary_rows,
)

WIDTH = Inches(13.333)
HEIGHT = Inches(7.5)
LEFT = Inches(0.5)
TOP = 1.35  # inches: below the title
BOTTOM = 7.0
CONTENT_W = Inches(12.333)
ROWS_PER_SLIDE = 12
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
    """Places blocks down the slides of one section."""

    def __init__(self, prs: PresentationType, section: Section, footer: str) -> None:
        self.prs, self.section, self.footer = prs, section, footer
        self.count = 0
        self.y = BOTTOM  # forces a first slide
        self.slide: Slide | None = None

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


def _fields(flow: _Flow, block: Fields) -> None:
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


def _picture(flow: _Flow, block: Figure) -> None:
    png = (
        charts.svg_to_png(orgchart.to_svg(block.org))
        if block.org
        else charts.to_png(block.spec or {})
    )
    slide = flow.new_slide() if flow.slide is None or flow.y > TOP + 0.2 else flow.slide
    picture = slide.shapes.add_picture(io.BytesIO(png), LEFT, Inches(TOP + 0.45))
    # Fit inside the content area, keeping the aspect ratio.
    max_w, max_h = CONTENT_W, Inches(BOTTOM - TOP - 0.6)
    scale = min(max_w / picture.width, max_h / picture.height)
    picture.width = Emu(int(picture.width * scale))
    picture.height = Emu(int(picture.height * scale))
    picture.left = Emu(int(LEFT + (max_w - picture.width) / 2))
    _text(slide, LEFT, TOP, CONTENT_W, 0.35, block.title, size=14, bold=True)
    flow.y = BOTTOM  # the picture has the slide


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


def _title_slide(
    prs: PresentationType, doc: PlanDocument, facts: Sequence[tuple[str, str]]
) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Emu(0), Emu(0), WIDTH, Inches(0.25))
    band.fill.solid()
    band.fill.fore_color.rgb = ACCENT
    band.line.fill.background()
    _text(slide, LEFT, 1.0, CONTENT_W, 0.4, "ACCOUNT PLAN", size=14, bold=True, color=ACCENT)
    _text(slide, LEFT, 1.45, CONTENT_W, 1.0, doc.header.account_name, size=40, bold=True)
    _text(slide, LEFT, 2.45, CONTENT_W, 0.6, doc.header.period, size=24, color=MUTED)
    y = 3.4
    for label, value in facts:
        _text(slide, LEFT, y, Inches(2.6), 0.3, label, size=13, color=MUTED)
        _text(slide, Emu(LEFT + Inches(2.6)), y, Inches(9.5), 0.3, value, size=13, bold=True)
        y += 0.3


def render_pptx(doc: PlanDocument) -> bytes:
    """The plan as a .pptx deck: title slide, then every section (continued where needed)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    facts = [row for row in summary_rows(doc) if row[0] not in ("Industry", "Territory")]
    _title_slide(prs, doc, facts)
    footer = f"{doc.title} · {fmt_.date(doc.generated_at)}"
    for section in outline(doc):
        flow = _Flow(prs, section, footer)
        for block in section.blocks:
            _block(flow, block, doc.currency)
        if flow.slide is None:
            flow.new_slide()
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()

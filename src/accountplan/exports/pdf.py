"""The plan as a PDF: an HTML document with print CSS (templates/exports/plan.html) → WeasyPrint.

The template runs on a standalone Django template engine with autoescaping on, so user text is
always escaped and this module needs no settings; charts and the org chart are SVG images
embedded as data URIs (vector, sharp at any zoom).
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.template import Context, Engine

from accountplan.core import fmt as fmt_
from accountplan.exports import bars, orgchart
from accountplan.exports.document import PlanDocument
from accountplan.exports.outline import (
    Block,
    Bullets,
    Callout,
    Empty,
    Fields,
    Figure,
    Table,
    Value,
    fmt,
    outline,
)
from accountplan.exports.summary import executive_summary

TEMPLATES = Path(__file__).resolve().parent / "templates"
NUMERIC = {"money", "int", "pct", "num"}
KEEP_ROWS = 15
_engine = Engine(dirs=[str(TEMPLATES)], autoescape=True)


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _safe_link(text: str) -> str:
    """Only http(s) links become clickable; anything else stays plain text."""
    return text if urlsplit(text).scheme in {"http", "https"} else ""


def _cells(row: tuple[Value, ...], t: Table, currency: str) -> list[dict[str, Any]]:
    out = []
    for value, col in zip(row, t.columns, strict=True):
        text = fmt(value, col.kind, currency)
        link = _safe_link(text) if col.label == "Source" else ""
        out.append({"text": text, "numeric": col.kind in NUMERIC, "link": link})
    return out


def _widths(t: Table, rows: list[list[dict[str, Any]]]) -> list[float]:
    """Column widths in % from the longest text of each column (capped), so the table can use
    the fixed layout: WeasyPrint then measures no cell twice, which halves its layout time."""
    weights = []
    for j, col in enumerate(t.columns):
        longest = max([len(col.label)] + [len(r[j]["text"]) for r in rows])
        weights.append(min(max(longest, 5), 12 if col.kind in NUMERIC else 45))
    total = sum(weights) or 1
    return [round(100 * w / total, 2) for w in weights]


def _block(block: Block, currency: str) -> dict[str, Any]:
    if isinstance(block, Fields):
        return {"kind": "fields", "items": block.items, "compact": block.compact}
    if isinstance(block, Table):
        rows = [_cells(r, block, currency) for r in block.rows]
        widths = _widths(block, rows)
        return {
            "kind": "table",
            "title": block.title,
            "columns": [
                {"label": c.label, "numeric": c.kind in NUMERIC, "width": f"{w:.2f}"}
                for c, w in zip(block.columns, widths, strict=True)
            ],
            "rows": rows,
            # A short table stays on one page with its title; a long one may break between rows.
            "keep": len(block.rows) <= KEEP_ROWS,
            "total": _cells(block.total, block, currency) if block.total else None,
        }
    if isinstance(block, Bullets):
        return {"kind": "bullets", "title": block.title, "items": block.items}
    if isinstance(block, Callout):
        return {"kind": "callout", "level": block.level, "text": block.text}
    if isinstance(block, Figure):
        if block.org:
            svg, kind = orgchart.to_svg(block.org), "org"
        elif block.chart is not None:
            svg, kind = bars.to_svg(block.chart), "chart"
        else:
            return {"kind": "empty", "text": "No figure"}
        return {"kind": "figure", "figure": kind, "title": block.title, "src": _svg_uri(svg)}
    if isinstance(block, Empty):
        return {"kind": "empty", "text": block.text}
    raise TypeError(block)


def render_html(doc: PlanDocument) -> str:
    """The print HTML of the plan (what WeasyPrint lays out)."""
    sections = [
        {
            "key": s.key,
            "title": s.title,
            "question": s.question,
            "blocks": [_block(b, doc.currency) for b in s.blocks],
        }
        for s in outline(doc)
    ]
    context = {
        "title": doc.title,
        "account": doc.header.account_name,
        "period": doc.header.period,
        "summary": executive_summary(doc),
        "customer_safe": doc.customer_safe,
        "states": doc.header.sections,
        "completeness_pct": str(doc.header.completeness_pct),
        "sections": sections,
        "footer": f"{doc.title} · generated {fmt_.date(doc.generated_at)}",
    }
    template = _engine.get_template("exports/plan.html")
    return template.render(Context(context))


def render_pdf(doc: PlanDocument) -> bytes:
    """The plan as a PDF: a one-page executive summary, then the sections flowing page after
    page (short tables and lists kept whole), page numbers in the footer."""
    from weasyprint import HTML  # imported here: it loads Pango, not needed by the other formats

    return bytes(HTML(string=render_html(doc), base_url=str(TEMPLATES)).write_pdf())

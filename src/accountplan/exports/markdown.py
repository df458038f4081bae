"""The plan as Markdown: headings, tables, lists; figures become their data tables' captions."""

from __future__ import annotations

import re

from accountplan.exports.document import PlanDocument
from accountplan.exports.outline import (
    Block,
    Bullets,
    Callout,
    Empty,
    Fields,
    Figure,
    Table,
    fmt,
    outline,
    summary_rows,
)
from accountplan.exports.summary import executive_summary

#: A line that Markdown would read as an item of a numbered list ("1. ", "12) ").
NUMBERED = re.compile(r"^(\d+)[.)](?:\s|$)")
CALLOUT_MARK = {"ok": "✓", "warn": "⚠", "bad": "✗"}
#: Schemes that run code when a reader follows a link: never left where a renderer could link them.
UNSAFE_SCHEME = re.compile(r"\b(javascript|vbscript|data)(\s*):", re.IGNORECASE)


def _unlink(text: str) -> str:
    """User text that cannot make a link or image: brackets escaped, unsafe schemes broken."""
    text = text.replace("[", "\\[").replace("]", "\\]")
    return UNSAFE_SCHEME.sub(r"\1\2&#58;", text)


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, line breaks flattened, no links."""
    escaped = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
    return _unlink(escaped).replace("\r", "").replace("\n", "<br>")


def inline(text: str) -> str:
    """User text as a paragraph: keep line breaks, neutralise leading heading/list markers, raw
    HTML and links so a note cannot restructure the document or plant a link."""
    lines = []
    for line in text.replace("\r", "").split("\n"):
        line = line.replace("\\", "\\\\")
        stripped = line.lstrip()
        numbered = NUMBERED.match(stripped)
        if numbered:  # "1. " would start a numbered list: escape its dot, not the number
            line = f"{numbered.group(1)}\\{stripped[len(numbered.group(1)) :]}"
        elif stripped[:1] in {"#", ">", "-", "*", "+", "|"}:
            line = "\\" + stripped
        lines.append(_unlink(line).replace("<", "&lt;"))
    return "  \n".join(lines)


def _table(t: Table, currency: str) -> list[str]:
    out = [f"**{t.title}**", ""]
    out.append("| " + " | ".join(cell(c.label) for c in t.columns) + " |")
    out.append(
        "|"
        + "|".join("---:" if c.kind in ("money", "int", "pct", "num") else "---" for c in t.columns)
        + "|"
    )
    rows = list(t.rows) + ([t.total] if t.total else [])
    for i, row in enumerate(rows):
        cells = [cell(fmt(v, c.kind, currency)) for v, c in zip(row, t.columns, strict=True)]
        if t.total is not None and i == len(rows) - 1:
            cells = [f"**{x}**" if x != "—" else "" for x in cells]
        out.append("| " + " | ".join(cells) + " |")
    return [*out, ""]


def _block(block: Block, currency: str) -> list[str]:
    if isinstance(block, Fields):
        return [
            line for label, text in block.items for line in (f"**{label}:** {inline(text)}", "")
        ]
    if isinstance(block, Table):
        return _table(block, currency)
    if isinstance(block, Bullets):
        return [f"**{block.title}**", "", *(f"- {inline(item)}" for item in block.items), ""]
    if isinstance(block, Callout):
        return [f"> {CALLOUT_MARK[block.level]} {inline(block.text)}", ""]
    if isinstance(block, Figure):
        # Markdown has no pictures of its own: the figure's data is in the tables beside it.
        return [f"*Figure: {block.title} (in the PDF and PowerPoint exports).*", ""]
    if isinstance(block, Empty):
        return [f"*{block.text}.*", ""]
    raise TypeError(block)


def render_markdown(doc: PlanDocument) -> bytes:
    """The whole plan as a UTF-8 Markdown document."""
    lines = [f"# {inline(doc.title)}", ""]
    if doc.customer_safe:
        lines += ["*Customer version: internal assessments are left out.*", ""]
    summary = executive_summary(doc)
    lines += ["## Executive summary", ""]
    lines += [f"**Objective:** {inline(summary.objective)}", ""]
    lines += [f"**Gap:** {inline(summary.gap)}", ""]
    for heading, items in summary.lists:
        lines += [f"**{heading}**", ""]
        lines += [f"- {inline(item)}" for item in items] or ["*None recorded.*"]
        lines.append("")
    lines += ["## Plan facts", ""]
    lines += ["| | |", "|---|---|"]
    lines += [f"| {label} | {cell(value)} |" for label, value in summary_rows(doc)]
    lines.append("")
    if doc.header.sections:
        lines += ["## Completeness", ""]
        lines += ["| Section | State |", "|---|---|"]
        lines += [f"| {cell(s.title)} | {s.state} |" for s in doc.header.sections]
        lines.append("")
    for section in outline(doc):
        lines += [f"## {section.title}", "", f"*{section.question}*", ""]
        for block in section.blocks:
            lines += _block(block, doc.currency)
    return ("\n".join(lines).rstrip() + "\n").encode()

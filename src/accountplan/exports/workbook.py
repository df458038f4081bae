"""The plan as an Excel workbook (openpyxl): a Summary sheet, then one sheet per table-like part.

Sheets: Summary, then those of the outline's tables that name a sheet (News, Competitors, SWOT,
Needs, Stakeholders, Goal build, Prospecting, Actions, Commitments, Dependencies, Milestones,
Adjustments, History, Loss reasons, Customer scorecard); each is written even when empty, with
"Not filled in yet" under its header. Real numbers and dates (not text) with money and date
formats, a bold filled header row, frozen, fitted column widths.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from accountplan.core.spreadsheet_safe import safe_cell, safe_header
from accountplan.exports.document import EMPTY, PlanDocument
from accountplan.exports.outline import Column, Fields, Table, Value, outline, summary_rows
from accountplan.exports.summary import executive_summary

SHEETS = (
    "News",
    "Competitors",
    "SWOT",
    "Needs",
    "Stakeholders",
    "Goal build",
    "Prospecting",
    "Actions",
    "Commitments",
    "Dependencies",
    "Milestones",
    "Adjustments",
    "History",
    "Loss reasons",
    "Customer scorecard",
)
#: Sheets of internal assessments: not in the customer-safe workbook at all.
INTERNAL_SHEETS = ("Competitors", "Loss reasons")
HEADER_FILL = PatternFill("solid", fgColor="1D2330")
HEADER_FONT = Font(bold=True, color="FFFFFF")
FORMATS = {
    "money": '"$"#,##0',
    "int": "#,##0",
    "pct": '0.0"%"',
    "num": "#,##0.00",
    "date": "yyyy-mm-dd",
}


def _value(value: Value, column: Column | None = None) -> Any:
    # Formula-looking text is written as text: a name starting with "=" must not run in Excel.
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date) or value is None or isinstance(value, (int, float)):
        return value
    return safe_cell(str(value))


def _header(ws: Worksheet, labels: list[str]) -> None:
    ws.append(safe_header(labels))
    for cell in ws[1]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(vertical="center")
    ws.freeze_panes = "A2"


def _fit(ws: Worksheet) -> None:
    for i, column in enumerate(ws.iter_cols(), start=1):
        longest = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(10, longest + 2))


def _sheet(wb: Workbook, name: str, table: Table | None) -> None:
    ws = wb.create_sheet(name)
    if table is None:
        _header(ws, ["Item"])
        ws.append([EMPTY])
        _fit(ws)
        return
    _header(ws, [c.label for c in table.columns])
    rows = list(table.rows) + ([table.total] if table.total else [])
    if not table.rows:
        ws.append([EMPTY])
    for row in rows:
        ws.append([_value(v, c) for v, c in zip(row, table.columns, strict=True)])
        for cell, col in zip(ws[ws.max_row], table.columns, strict=True):
            if col.kind in FORMATS:
                cell.number_format = FORMATS[col.kind]
            cell.alignment = Alignment(wrap_text=col.kind == "text", vertical="top")
    if table.total:
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    _fit(ws)


def render_xlsx(doc: PlanDocument) -> bytes:
    """The plan as an .xlsx workbook."""
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "Summary"
    _header(summary, ["Plan", doc.title])
    for label, value in summary_rows(doc):
        summary.append([_value(label), _value(value, Column(label))])
    for section in outline(doc)[:1]:  # the account overview's figures
        for block in section.blocks:
            if isinstance(block, Fields):
                for label, value in block.items:
                    summary.append([_value(label), _value(value, Column(label))])
    brief = executive_summary(doc)
    summary.append([])
    summary.append(["Executive summary", ""])
    summary.cell(summary.max_row, 1).font = Font(bold=True)
    summary.append(["Objective", _value(brief.objective, Column("Objective"))])
    summary.append(["Gap", _value(brief.gap, Column("Gap"))])
    for heading, items in brief.lists:
        for i, item in enumerate(items or ("None recorded.",)):
            summary.append([_value(heading) if i == 0 else "", _value(item, Column(heading))])
    if doc.header.sections:
        summary.append([])
        summary.append(["Section", "State"])
        summary.cell(summary.max_row, 1).font = Font(bold=True)
        summary.cell(summary.max_row, 2).font = Font(bold=True)
        for s in doc.header.sections:
            summary.append([_value(s.title), _value(s.state)])
    _fit(summary)
    tables = {
        b.sheet: b
        for section in outline(doc)
        for b in section.blocks
        if isinstance(b, Table) and b.sheet
    }
    for name in SHEETS:
        if not (doc.customer_safe and name in INTERNAL_SHEETS):
            _sheet(wb, name, tables.get(name))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

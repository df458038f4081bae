"""The customer scorecard's history as CSV and XLSX: one row per metric of each scored quarter,
with the quarter's weighted score and change; every text cell through
``core/spreadsheet_safe`` (the customer's metric names and comments are their text)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from accountplan.core.spreadsheet_safe import safe_cell, safe_header
from accountplan.plans.models import AccountPlan
from accountplan.sharing.scorecard_services import PeriodRow

HEADERS = [
    "Quarter",
    "Weighted score",
    "Change",
    "Metric",
    "Weight",
    "Score",
    "Comment",
    "Scored by",
    "Scored at",
]
SUMMARY = ["Quarter", "Weighted score", "Change", "Metrics scored", "N/A", "Scored by"]


def filename_stem(plan: AccountPlan) -> str:
    raw = f"scorecard-{plan.account.name}-{plan.period}".lower()
    cleaned = "".join(ch if ch.isalnum() else "-" for ch in raw)
    return "-".join(p for p in cleaned.split("-") if p)[:80]


def _num(value: Decimal | None) -> Decimal | str:
    return "unknown" if value is None else value


def table(rows: Sequence[PeriodRow]) -> list[list[Any]]:
    """The long table: a row per metric score (N/A written "N/A")."""
    out: list[list[Any]] = []
    for r in rows:
        for s in r.scores:
            out.append(
                [
                    r.period,
                    _num(r.weighted),
                    "" if r.change is None else r.change,
                    s.name,
                    s.weight,
                    "N/A" if s.score is None else s.score,
                    s.comment,
                    r.recipient,
                    r.scored_at.strftime("%Y-%m-%d %H:%M"),
                ]
            )
    return out


def to_csv(rows: Sequence[PeriodRow]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(safe_header(HEADERS))
    for row in table(rows):
        writer.writerow([safe_cell(str(v)) for v in row])
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(rows: Sequence[PeriodRow]) -> bytes:
    """Two sheets: "Scorecard" (a row per quarter) and "Scores" (a row per metric score)."""
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "Scorecard"
    summary.append(safe_header(SUMMARY))
    for r in rows:
        summary.append(
            [
                r.period,
                None if r.weighted is None else float(r.weighted),
                None if r.change is None else float(r.change),
                r.scored,
                r.not_applicable,
                safe_cell(r.recipient),
            ]
        )
    detail = wb.create_sheet("Scores")
    detail.append(safe_header(HEADERS))
    for row in table(rows):
        detail.append([float(v) if isinstance(v, Decimal) else safe_cell(v) for v in row])
    for ws in (summary, detail):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

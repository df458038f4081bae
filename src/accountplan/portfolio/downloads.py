"""CSV and XLSX downloads of the portfolio pages (rows built by the views' selectors)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook

from accountplan.core.spreadsheet_safe import safe_cell, safe_header

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_bytes(
    header: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, sheet_name: str = "Sheet"
) -> bytes:
    """``rows`` under ``header`` as CSV (UTF-8) or XLSX bytes, formula-looking text escaped."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(safe_header(header))
        for row in rows:
            writer.writerow(["" if v is None else safe_cell(v) for v in row])
        return buffer.getvalue().encode()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name[:31])
    sheet.append(safe_header(header))
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_response(
    header: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, filename: str
) -> HttpResponse:
    """A download of ``rows`` under ``header`` as ``filename.csv`` or ``filename.xlsx``."""
    content = table_bytes(header, rows, fmt, filename)
    if fmt == "csv":
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response

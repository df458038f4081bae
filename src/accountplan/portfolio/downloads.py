"""CSV and XLSX downloads of the portfolio pages (rows built by the views' selectors)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe_text(value: Any) -> Any:
    # A text starting with =, +, - or @ would run as a formula in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def table_bytes(
    header: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, sheet_name: str = "Sheet"
) -> bytes:
    """``rows`` under ``header`` as CSV (UTF-8) or XLSX bytes, formula-looking text escaped."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else _safe_text(v) for v in row])
        return buffer.getvalue().encode()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([_safe_text(v) for v in row])
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

"""Building malformed import files in tests: workbooks with a forged sheet, CSV variants."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
#: One value in the last cell a worksheet may have, XFD1048576.
CORNER = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'


def xlsx(rows: list[list[object]]) -> bytes:
    """A one-sheet workbook of ``rows``."""
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)  # type: ignore[union-attr]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def forge(
    data: bytes,
    *,
    dimension: str = "A1:XFD1048576",
    extra_row: bytes = b"",
) -> bytes:
    """The workbook with its first sheet's <dimension> rewritten and ``extra_row`` appended."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == SHEET:
                ref = f'<dimension ref="{dimension}"/>'.encode()
                part = re.sub(rb'<dimension ref="[^"]*"/>', ref, part)
                part = part.replace(b"</sheetData>", extra_row + b"</sheetData>")
            z.writestr(info, part)
    return out.getvalue()

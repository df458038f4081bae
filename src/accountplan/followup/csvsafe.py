"""CSV cells of the number's download: every value as text, a spreadsheet never runs one.

The starts a spreadsheet reads as a formula are the core helper's (``core/spreadsheet_safe``);
unlike it, this escapes a signed number too (the number's CSV is all text: a blank is "", a
negative gap keeps its apostrophe).
"""

from __future__ import annotations

from typing import Any

from accountplan.core.spreadsheet_safe import FORMULA_START


def safe_cell(value: Any) -> str:
    """The value as text, with an apostrophe before a leading = + - @ tab or CR."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text

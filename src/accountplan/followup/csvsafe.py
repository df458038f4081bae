"""CSV cells a spreadsheet will not run as formulas (until a core helper replaces this)."""

from __future__ import annotations

from typing import Any

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """The value as text, with an apostrophe before a leading = + - @ tab or CR."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(DANGEROUS) else text

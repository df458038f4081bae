"""Writing a mapping back to TOML text: what the page saves is a mapping file like any other.

The standard library reads TOML but does not write it; a mapping only holds strings, numbers,
booleans, lists of strings and nested tables, so a small writer is enough (and round-trips
through :func:`tomllib.loads`).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def toml_key(key: str) -> str:
    """A key as TOML writes it: bare when it can be, else a quoted string."""
    return key if BARE_KEY.fullmatch(key) else toml_string(key)


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are a subset of TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def toml_value(value: Any) -> str:
    """A scalar or a list of scalars."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        text = str(value)
        return text if any(c in text for c in ".eE") or "inf" in text else f"{text}.0"
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def dump_toml(data: dict[str, Any]) -> str:
    """``data`` (plain values and nested dicts) as TOML text; tables after the plain values."""
    lines: list[str] = []
    _table(lines, [], data)
    return "\n".join(lines).strip() + "\n"


def _table(lines: list[str], path: list[str], table: dict[str, Any]) -> None:
    plain = {k: v for k, v in table.items() if not isinstance(v, dict)}
    tables = {k: v for k, v in table.items() if isinstance(v, dict)}
    if path and (plain or not tables):
        lines.append("")
        lines.append("[" + ".".join(toml_key(p) for p in path) + "]")
    for key, value in plain.items():
        lines.append(f"{toml_key(key)} = {toml_value(value)}")
    for key, value in tables.items():
        _table(lines, [*path, key], value)

"""Salesforce record Ids: 15 characters (case-sensitive) or 18 (case-safe, with a checksum).

The 18-character form adds three characters that encode, for each five-character chunk of the
15, which of its letters are upper case; so two Ids that differ only by case stay distinct in a
case-insensitive tool. We store and write the 18-character form; files may give either.
"""

from __future__ import annotations

import re

ID_RE = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$")
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"

#: Key prefixes (the first three characters) of the objects we refer to.
PREFIX = {"account": "001", "user": "005", "opportunity": "006"}


def _checksum(id15: str) -> str:
    out = ""
    for start in (0, 5, 10):
        bits = 0
        for i, ch in enumerate(id15[start : start + 5]):
            if "A" <= ch <= "Z":
                bits |= 1 << i
        out += _SUFFIX[bits]
    return out


def to18(value: str) -> str | None:
    """The 18-character form of a 15- or 18-character Id, or None when ``value`` is not one
    (wrong length or characters, or an 18-character Id whose checksum does not match)."""
    value = (value or "").strip()
    if not ID_RE.match(value):
        return None
    id15 = value[:15]
    full = id15 + _checksum(id15)
    if len(value) == 18 and value[15:].upper() != full[15:]:
        return None
    return full


def is_id_of(value: str | None, kind: str) -> bool:
    """Whether ``value`` is a valid Id of a record of ``kind`` (by its key prefix)."""
    return bool(value) and to18(value or "") is not None and (value or "").startswith(PREFIX[kind])

"""What every fact builder shares: stable ids, a fact with its capped source, the window."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from accountplan.drafts.types import Fact, FactSource, FactValue

#: The window of "this year" for won and lost deals: the twelve months up to the as-of date.
WINDOW_DAYS = 365
#: Row ids kept per fact (a fact about 900 deals cites the first 50; its counts are exact).
MAX_ROW_IDS = 50


def fact_id(kind: str, key: object = "") -> str:
    """A stable id: the kind and a key; keys that are free text (a competitor, a reason) are
    hashed so ids stay short and safe in URLs and HTML ids."""
    if key == "" or key is None:
        return kind
    text = str(key)
    if not text.isdigit():
        text = hashlib.sha1(text.casefold().encode()).hexdigest()[:10]  # noqa: S324 (an id)
    return f"{kind}:{text}"


def make_fact(
    kind: str,
    key: object,
    label: str,
    values: dict[str, FactValue],
    table: str,
    row_ids: Iterable[Any],
    as_of: dt.date,
) -> Fact:
    """A fact with its source; row ids sorted and capped at ``MAX_ROW_IDS``."""
    ids = tuple(sorted(set(row_ids), key=lambda v: (type(v).__name__, v))[:MAX_ROW_IDS])
    return Fact(fact_id(kind, key), kind, label, values, FactSource(table, ids, as_of))

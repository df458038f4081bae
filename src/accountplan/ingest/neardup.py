"""Near-duplicate category values: "Ware House" beside "Warehouse", "technolgy" beside "technology".

A category column (industry, segment, country, city, family…) often holds a few rows spelled
differently from the rest. Each rarer spelling that is the same ignoring case, spaces and
punctuation, or very close (difflib ≥ 0.85), to a more common value of the file or a value
already in the book becomes a warning with its rows: the value is kept as written, and a
mapping alias (``[ENTITY.aliases.FIELD] "Ware House" = "Warehouse"``) folds it.
"""

from __future__ import annotations

import difflib
from collections import Counter
from typing import TYPE_CHECKING

from accountplan.core import fmt
from accountplan.ingest.refs import squash

if TYPE_CHECKING:
    from accountplan.ingest.validation import Validator

#: Per entity, the free-text fields that hold categories.
CATEGORY_FIELDS = {
    "accounts": ("industry", "segment", "territory", "country", "city", "state"),
    "products": ("family",),
    "opportunities": ("stage", "loss_reason", "competitor"),
    "contacts": ("department",),
    "users": ("territory",),
}
CUTOFF = 0.85
MAX_CLOSE = 300  # distinct values beyond which only same-letters look-alikes are searched


def check_near_duplicates(v: Validator) -> None:
    """Add a warning for every row whose category value looks like a commoner one."""
    for name in CATEGORY_FIELDS.get(v.spec.name, ()):
        if name not in v.bound:
            continue
        counts = Counter(
            value for row in v.rows if isinstance(value := row.data.get(name), str) and value
        )
        in_book = _book_values(v, name)
        variants = _variants(counts, in_book)
        if not variants:
            continue
        column = v.bound[name][1]
        typos = v.typo_values.get(name, set())
        for row in v.rows:
            value = row.data.get(name)
            if isinstance(value, str) and value in variants and value not in typos:
                target = variants[value]
                where = (
                    f"{fmt.count(counts[target], 'row')} of this file"
                    if target in counts
                    else "a value already in the book"
                )
                v.warnings.add(
                    row.line,
                    column,
                    value,
                    f"near-duplicate of “{target}” ({where}): if they are the same, alias it in "
                    f"[{v.spec.name}.aliases.{name}]",
                )


def _variants(counts: Counter[str], in_book: set[str]) -> dict[str, str]:
    """Rarer spelling → the value it looks like (the commonest of its look-alikes)."""
    ranked = sorted(counts, key=lambda value: (-counts[value], value))
    book_only = sorted(in_book - set(counts))
    out: dict[str, str] = {}
    by_squash: dict[str, str] = {}
    for value in [*book_only, *ranked]:
        by_squash.setdefault(squash(value), value)
    folded = {value.casefold(): value for value in [*book_only, *ranked]}
    close_too = len(folded) <= MAX_CLOSE
    for i, value in enumerate(ranked):
        first = by_squash[squash(value)]
        if first != value:
            out[value] = first
            continue
        better = [*book_only, *ranked[:i]]
        if not better or not close_too:
            continue
        close = difflib.get_close_matches(
            value.casefold(), [b.casefold() for b in better], n=1, cutoff=CUTOFF
        )
        if close:
            out[value] = folded[close[0]]
    return out


def _book_values(v: Validator, name: str) -> set[str]:
    """The values the book already has in this field (one query)."""
    attr = v.spec.field(name).model_attr
    manager = v.spec.model._default_manager
    return {value for value in manager.values_list(attr, flat=True).distinct() if value}

"""``mode = "replace"``: a file replaces the lines of the accounts and date range it covers.

Order lines often have no id of their own. A replacing file needs none: the lines already in
the book for the file's accounts, between its first and last date, are compared with the file's
rows. Lines that are the same stay (unchanged), lines only in the book are deleted, rows only in
the file are created, all in the import's one transaction. Identical lines count as many times
as they occur, so two genuine identical lines are two lines.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from accountplan.core import fmt
from accountplan.ingest.validation import Row, Validator
from accountplan.ingest.writers import Plan

CHUNK = 500


def plan_replace(v: Validator, rows: list[Row]) -> Plan:
    """What replacing the covered lines with ``rows`` does: creates, unchanged and deletes."""
    spec = v.spec
    model = spec.model
    attrs = {f: spec.field(f).model_attr for f in v.written_fields}
    result = Plan()
    if not rows:
        return result
    accounts = sorted({r.data["account"] for r in rows})
    dates = [r.data["date"] for r in rows]
    first, last = min(dates), max(dates)
    load = ["pk", *attrs.values()]
    existing: dict[int, dict[str, Any]] = {}
    manager = model._default_manager
    for start in range(0, len(accounts), CHUNK):
        chunk = accounts[start : start + CHUNK]
        for rec in manager.filter(account_id__in=chunk, date__range=(first, last)).values(*load):
            existing[rec["pk"]] = rec
    # A line elsewhere that has one of the file's external ids is the file's row now.
    exts = sorted({r.data["external_id"] for r in rows if r.data.get("external_id")})
    for start in range(0, len(exts), CHUNK):
        for rec in manager.filter(external_id__in=exts[start : start + CHUNK]).values(*load):
            existing[rec["pk"]] = rec
    pool: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for pk, rec in sorted(existing.items()):
        pool[tuple(_norm(a, rec.get(a)) for a in attrs.values())].append(pk)
    for row in rows:
        signature = tuple(_norm(a, row.data.get(f)) for f, a in attrs.items())
        same = pool.get(signature)
        if same:
            result.unchanged.append((row, same.pop(0)))
        else:
            result.creates.append(row)
    result.deletes = sorted(pk for pks in pool.values() for pk in pks)
    result.scope = (len(accounts), first, last)
    return result


def _norm(attr: str, value: Any) -> Any:
    if attr == "external_id":
        return value or None
    return value


def scope_observation(
    scope: tuple[int, Any, Any], unchanged: int, deleted: int, created: int
) -> str:
    """What a replace-mode import covers and does, for the report (both import paths)."""
    accounts, first, last = scope
    return (
        f"Replace mode: the file covers {fmt.count(accounts, 'account')} from {fmt.date(first)} to "
        f"{fmt.date(last)}; {fmt.count(unchanged, 'line')} already in the book stay, "
        f"{deleted:,} are deleted and {created:,} created."
    )

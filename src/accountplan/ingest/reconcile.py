"""Reconciliation: row counts and amount totals per file, read, imported and rejected.

A user checks an import against the source system's own totals: the file's rows and the sum of
its amount columns, split into what was imported and what was rejected. The totals are exact
(Decimal) and are sums of the values as read from the file's columns (after a mapping's scale).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accountplan.ingest.validation import Row, Validator

#: Fields whose column total a source system reports (money and quantities).
SUMMED = ("amount", "quantity", "annual_revenue")


def reconcile(v: Validator, rows: list[Row], *, written: bool) -> dict[str, Any]:
    """Counts and totals of the rows: in the file, valid, rejected and imported.

    ``written`` says whether the valid rows were written (not on a dry run or a refusal).
    Values are strings (exact decimals) so the report stays JSON.
    """
    valid = [r for r in rows if r.ok]
    rejected = [r for r in rows if not r.ok]
    counts = {
        "file": len(rows),
        "valid": len(valid),
        "rejected": len(rejected),
        "imported": len(valid) if written else 0,
    }
    totals = []
    for name in SUMMED:
        if name not in v.bound or name not in v.spec.field_names:
            continue
        ok, bad = Decimal("0.00"), Decimal("0.00")
        unread: list[int] = []
        for row in rows:
            if not v.cell(row.raw, name):
                continue  # an empty cell adds nothing (a default quantity of 1 is not the file's)
            value = row.data.get(name)
            if not isinstance(value, Decimal):
                unread.append(row.line)
            elif row.ok:
                ok += value
            else:
                bad += value
        totals.append(
            {
                "field": name,
                "column": v.bound[name][1],
                "file": str(ok + bad),
                "valid": str(ok),
                "rejected": str(bad),
                "imported": str(ok if written else Decimal("0.00")),
                "not_numbers": len(unread),
                "not_number_lines": unread[:5],
            }
        )
    return {"rows": counts, "totals": totals}

"""The home page's two follow-up slots (governance/home_slots.py): reviews due and lost deals to
re-engage, the same rows the digest lists. At most ``SHOWN`` of each on the page; the count is
of them all."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accountplan.core import fmt
from accountplan.followup.selectors import reengagements_due, reviews_due

#: Rows a slot shows on the home page (its count is of all of them).
SHOWN = 20


def _reviews(user: Any, team: bool, today: dt.date) -> dict[str, Any]:
    rows = reviews_due(user, today)
    items = [
        {
            "label": f"{r.account.name} · {r.plan.period if r.plan else ''} review "
            f"{'overdue since' if r.overdue else 'due'} {fmt.date(r.due)}",
            "url": r.link,
        }
        for r in rows[:SHOWN]
    ]
    return {"rows": rows[:SHOWN], "items": items, "count": len(rows)}


def _reengage(user: Any, team: bool, today: dt.date) -> dict[str, Any]:
    rows = reengagements_due(user, today)
    items = [
        {"label": f"{r.account.name}: {'; '.join(r.reasons)}", "url": r.link} for r in rows[:SHOWN]
    ]
    return {"rows": rows[:SHOWN], "items": items, "count": len(rows)}


def register() -> None:
    """Fill the home page's reserved slots (called from the app's ``ready``)."""
    from accountplan.governance.home_slots import Slot, register_slot

    register_slot(Slot("reviews_due", "Reviews due", "followup/_slot_reviews.html", _reviews))
    register_slot(
        Slot("lost_deals", "Lost deals to re-engage", "followup/_slot_reengage.html", _reengage)
    )

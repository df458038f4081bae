"""The home page's two follow-up slots (governance/home_slots.py): what is *coming up*.

What is due now is a finding of the governance rules ``review.due`` and ``lostdeal.reengage``
(``followup/rules.py``), listed, counted, ranked and snoozed with the other findings. The slots
list what will be due soon and is not a finding yet (reviews due after the rule's window,
re-engagement dates ahead with no condition fired), so nothing is listed twice. The digest lists
the same rows. At most ``SHOWN`` of each on the page; the count is of them all."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accountplan.core import fmt
from accountplan.followup.selectors import (
    LOOKAHEAD_DAYS,
    reengagements_upcoming,
    reviews_upcoming,
)

#: Rows a slot shows on the home page (its count is of all of them).
SHOWN = 20


def _reviews(user: Any, team: bool, today: dt.date) -> dict[str, Any]:
    rows, count = reviews_upcoming(user, today, limit=SHOWN)
    items = [
        {
            "label": f"{r.account.name} · {r.plan.period if r.plan else ''} review "
            f"{'overdue since' if r.overdue else 'due'} {fmt.date(r.due)}",
            "url": r.link,
        }
        for r in rows
    ]
    return {"rows": rows, "items": items, "count": count, "days": LOOKAHEAD_DAYS}


def _reengage(user: Any, team: bool, today: dt.date) -> dict[str, Any]:
    rows = reengagements_upcoming(user, today)
    items = [
        {"label": f"{r.account.name}: re-engage {fmt.date(r.due)}", "url": r.link}
        for r in rows[:SHOWN]
    ]
    return {"rows": rows[:SHOWN], "items": items, "count": len(rows), "days": LOOKAHEAD_DAYS}


def register() -> None:
    """Fill the home page's follow-up slots (called from the app's ``ready``)."""
    from accountplan.governance.home_slots import Slot, register_slot

    register_slot(
        Slot("reviews_upcoming", "Reviews coming up", "followup/_slot_reviews.html", _reviews)
    )
    register_slot(
        Slot(
            "reengage_upcoming",
            "Re-engagements coming up",
            "followup/_slot_reengage.html",
            _reengage,
        )
    )

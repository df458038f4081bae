"""Pure helpers: the re-engagement date and the micro-plan's snapshot from rows already read."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` later, the day clipped to the month's end (31 Aug + 6 → 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def micro_plan_fields(
    opp: dict[str, Any], score: dict[str, Any] | None, today: dt.date, months: int
) -> dict[str, Any]:
    """The micro-plan of one lost deal: the deal's figures, the account's then (its score in the
    newest finished snapshot, or blanks), and the date to come back (the loss + ``months``)."""
    lost_on = opp["close_date"] or today
    score = score or {}
    return {
        "opportunity_id": opp["pk"],
        "account_id": opp["account_id"],
        "owner_id": opp["owner_id"],
        "lost_on": lost_on,
        "amount": opp["amount"],
        "product": opp["product__name"] or "",
        "competitor": opp["competitor"] or "",
        "reason": opp["loss_reason"] or "",
        "account_revenue": score.get("current_revenue"),
        "account_growth": score.get("growth"),
        "whitespace_value": score.get("whitespace_value"),
        "play": score.get("play") or "",
        "tier": score.get("tier"),
        "snapshot_id_then": score.get("snapshot_id"),
        "reengage_on": add_months(lost_on, months),
        "debrief": "Debrief the loss with the team and, if possible, with the customer.",
    }


def delta(new: str | None, old: str | None) -> Decimal | None:
    """The change between two stored decimal strings, or None when either is missing."""
    if new is None or old is None:
        return None
    return Decimal(new) - Decimal(old)

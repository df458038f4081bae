"""The pieces the book's figures share: a typed zero and a money field for sums in the database,
and the methodology's 12-month window for won revenue (after its start, on or before its end).
The accounts list and the account page both count won deals in this window, so they agree.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import DecimalField, Value
from django.utils import timezone

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))
MONEY_FIELD = DecimalField(max_digits=18, decimal_places=2)


def twelve_months_before(day: dt.date) -> dt.date:
    """The same calendar day a year earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def won_window(as_of: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The 12-month window ``(start, end]`` of the methodology: after start, on or before end."""
    end = as_of or timezone.localdate()
    return twelve_months_before(end), end

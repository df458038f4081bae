"""Window edges: calendar months that clamp the day (2020-02-29 − 12 months = 2019-02-28)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass


def shift_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months (negative = back), the day clamped."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


@dataclass(frozen=True)
class Windows:
    """The current and previous windows; each is ``start < date ≤ end`` (start None = no bound).

    With no window ("all") the current window is every date up to as-of and there is no previous
    window (``previous_end`` is None).
    """

    current_start: dt.date | None
    current_end: dt.date
    previous_start: dt.date | None
    previous_end: dt.date | None

    @property
    def has_previous(self) -> bool:
        """Whether a previous window exists (it does not for "all")."""
        return self.previous_end is not None


def windows(as_of: dt.date, window_months: int | None) -> Windows:
    """The windows for an as-of date: (as_of − N months, as_of] and (as_of − 2N, as_of − N]."""
    if window_months is None:
        return Windows(None, as_of, None, None)
    if window_months <= 0:
        raise ValueError(
            f"window_months must be a positive number of months or None, not {window_months}"
        )
    return Windows(
        current_start=shift_months(as_of, -window_months),
        current_end=as_of,
        previous_start=shift_months(as_of, -2 * window_months),
        previous_end=shift_months(as_of, -window_months),
    )

"""The one way the app writes figures, dates and codes for people: pages, exports, API messages.

Every amount, percentage, date and stored code a person reads goes through these functions (the
template filters in ``core/templatetags/ui.py`` call them, the exports and messages import them).
Dates follow the active language's formats (``config/formats`` for English: "Jun 25, 2026");
amounts are whole dollars with thousands separators unless cents are asked for; a missing value
is an em dash. Codes ("decision_maker", "inputs.growth_pct") never reach a reader: ``label`` turns
a choice's code into its label, and anything else into words.

Only ``date``/``datetime`` touch Django (lazily), so the number helpers also serve pure code.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Any

DASH = "—"


def to_decimal(value: Any) -> Decimal | None:
    """``value`` as a Decimal, or None when blank or not a number."""
    if isinstance(value, Decimal):  # the common case (figures from the database): no parsing
        return value
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    try:
        return Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None


@cache
def _quantum(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def _round(number: Decimal, places: int) -> Decimal:
    return number.quantize(_quantum(places), rounding=ROUND_HALF_UP)


def money(value: Any, places: int = 0, currency: str = "$") -> str:
    """``1234567.8`` → ``$1,234,568`` (``places=2`` keeps cents); blank → an em dash."""
    number = to_decimal(value)
    if number is None:
        return DASH
    rounded = _round(number, int(places))
    sign = "-" if rounded < 0 else ""
    return f"{sign}{currency}{abs(rounded):,.{int(places)}f}"


def money_short(value: Any, currency: str = "$") -> str:
    """Compact money for figure cards: ``$12.3M``, ``$450K``, ``$900``."""
    number = to_decimal(value)
    if number is None:
        return DASH
    sign = "-" if number < 0 else ""
    number = abs(number)
    for threshold, suffix in ((Decimal("1e9"), "B"), (Decimal("1e6"), "M"), (Decimal("1e3"), "K")):
        if number >= threshold:
            return f"{sign}{currency}{number / threshold:,.1f}{suffix}"
    return f"{sign}{currency}{number:,.0f}"


def number(value: Any, places: int | None = 0) -> str:
    """Thousands separators: ``12500`` → ``12,500``; ``places=None``: whole numbers bare, others
    with at most two decimals (``0.5`` → ``0.5``); blank → an em dash."""
    num = to_decimal(value)
    if num is None:
        return DASH
    if places is None:
        text = f"{_round(num, 2):,.2f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return f"{_round(num, int(places)):,.{int(places)}f}"


def count(n: int, singular: str, plural: str | None = None) -> str:
    """A count and its noun, agreed: ``1 stakeholder``, ``4 stakeholders``, ``12,500 lines``
    (``plural`` for the irregular ones: ``count(2, "company", "companies")``)."""
    return f"{n:,} {noun(n, singular, plural)}"


def noun(n: int, singular: str, plural: str | None = None) -> str:
    """The noun agreed with ``n``, without the number: ``noun(1, "key")`` → ``key``."""
    return singular if n == 1 else (plural or singular + "s")


def percent(value: Any, places: int = 0) -> str:
    """A ratio as a percentage: ``0.425`` → ``43%``; blank → an em dash."""
    num = to_decimal(value)
    if num is None:
        return DASH
    return f"{_round(num * 100, int(places)):,.{int(places)}f}%"


def pct(value: Any, places: int = 1) -> str:
    """A figure already in percent: ``12.5`` → ``12.5%``, ``15`` → ``15%``; blank → a dash."""
    num = to_decimal(value)
    if num is None:
        return DASH
    text = f"{_round(num, int(places)):,.{int(places)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def signed_percent(value: Any, places: int = 0) -> str:
    """A change as a signed percentage: ``0.125`` → ``+13%``, ``-0.05`` → ``−5%``."""
    num = to_decimal(value)
    if num is None:
        return DASH
    text = f"{_round(abs(num) * 100, int(places)):,.{int(places)}f}%"
    if text.strip("0.,%") == "":  # rounds to zero: no sign
        return text
    return f"+{text}" if num > 0 else f"−{text}"


def _as_date(value: Any) -> dt.date | dt.datetime | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            return dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)
        except ValueError:
            return None
    return None


def date(value: Any) -> str:
    """A day in the active language's date format ("Jun 25, 2026"); ISO text is read too;
    blank → an em dash (text that is not a date is returned as it is)."""
    from django.utils import timezone, translation

    day = _as_date(value)
    if day is None:
        return str(value).strip() if value not in (None, "") else DASH
    if isinstance(day, dt.datetime):
        if timezone.is_aware(day):
            day = timezone.localtime(day)
        day = day.date()
    return _day_text(day, translation.get_language() or "")


@lru_cache(maxsize=8192)
def _day_text(day: dt.date, language: str) -> str:
    """A day in ``language``'s format (the active one: the key keeps languages apart). Django
    parses the format anew for each date; a page of a hundred rows repeats few distinct days."""
    from django.utils import formats

    return formats.date_format(day, "DATE_FORMAT")


def datetime(value: Any) -> str:
    """A moment in the active language's format ("Jun 25, 2026 14:05"), in local time."""
    from django.utils import formats, timezone

    moment = _as_date(value)
    if moment is None:
        return DASH if value in (None, "") else str(value)
    if not isinstance(moment, dt.datetime):
        return date(moment)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "DATETIME_FORMAT")


# --- codes ---------------------------------------------------------------------------------------


@cache
def _choice_labels() -> dict[str, str]:
    """Every stored choice code of the app's ``TextChoices`` and its label."""
    from django.db import models

    def walk(cls: type[models.TextChoices]) -> list[type[models.TextChoices]]:
        found: list[type[models.TextChoices]] = []
        for sub in cls.__subclasses__():
            found += [sub, *walk(sub)]
        return found

    labels: dict[str, str] = {}
    for cls in walk(models.TextChoices):
        if cls.__module__.startswith("accountplan."):
            for value, text in cls.choices:
                labels.setdefault(str(value), str(text))
    return labels


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def words(code: str) -> str:
    """A code as words: ``win_rate_pct`` → ``Win rate %``, ``inputs.deal_size`` → ``Deal
    size``, ``icpFit`` → ``Icp fit``."""
    last = str(code).rsplit(".", 1)[-1]
    text = _CAMEL.sub(" ", last).replace("_", " ").replace("-", " ").strip()
    text = re.sub(r"\bpct\b", "%", text)
    text = re.sub(r"\bid(s?)\b", "", text).strip() or text
    return (text[:1].upper() + text[1:].lower()) if text else ""


def label(code: Any) -> str:
    """The label of a stored code: a choice's own label ("decision_maker" → "Decision maker"),
    otherwise the code as words; blank → an em dash."""
    if code is None or code == "":
        return DASH
    text = str(code)
    return _choice_labels().get(text) or words(text)


def lower_label(code: Any) -> str:
    """``label`` for the middle of a sentence: "decision maker" (acronyms kept)."""
    text = label(code)
    return text if text[:2].isupper() else text[:1].lower() + text[1:]

"""Turning one cell's text into a typed value; a :class:`BadValue` says why it cannot be."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from accountplan.ingest.mappings import Options

CENT = Decimal("0.01")
MAX_MONEY = Decimal("1e14")
TRUE = {"true", "t", "yes", "y", "1", "x", "on", "wahr", "oui", "ja"}
FALSE = {"false", "f", "no", "n", "0", "off", "", "falsch", "non", "nein"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
GROUPED = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


class BadValue(ValueError):
    """A cell that cannot be converted; the message is the reason shown to the user."""


def parse_decimal(raw: str, options: Options, scale: Decimal | None = None) -> Decimal:
    """A money or quantity cell: currency symbols, thousands separators, decimal comma, scale."""
    text = raw.strip().replace("\u00a0", "").replace("\u202f", "")
    for symbol in sorted(options.currency_symbols, key=len, reverse=True):
        text = text.replace(symbol, "")
    text = text.strip()
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1].strip()
    if options.decimal_comma:
        for sep in {options.thousands_separator or ".", " ", "'"}:
            text = text.replace(sep, "")
        text = text.replace(",", ".")
    else:
        if options.thousands_separator:
            text = text.replace(options.thousands_separator, "")
        elif GROUPED.match(text):
            text = text.replace(",", "")
        text = text.replace(" ", "").replace("'", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        hint = " (is it a decimal comma? set decimal_comma = true)" if "," in raw else ""
        raise BadValue(f"not a number{hint}") from None
    if not value.is_finite():
        raise BadValue("not a number")
    if negative:
        value = -value
    if scale is not None:
        try:
            value *= scale
        except ArithmeticError:
            raise BadValue("number too large") from None
    if abs(value.adjusted()) > 30:
        raise BadValue("number too large" if value.adjusted() > 0 else "number too small")
    return value


def parse_money(raw: str, options: Options, scale: Decimal | None = None) -> Decimal:
    """A decimal with two places that fits the database column."""
    value = parse_decimal(raw, options, scale)
    if abs(value) >= MAX_MONEY:
        raise BadValue("number too large (at most 14 digits before the decimal point)")
    return value.quantize(CENT)


def parse_int(raw: str, options: Options, scale: Decimal | None = None) -> int:
    """A non-negative whole number (employees, years)."""
    value = parse_decimal(raw, options, scale)
    if value != value.to_integral_value():
        raise BadValue("not a whole number")
    if value < 0:
        raise BadValue("must not be negative")
    if value > 2_147_483_647:
        raise BadValue("number too large")
    return int(value)


def parse_date(raw: str, formats: tuple[str, ...]) -> dt.date:
    """ISO dates always work; other layouts are tried in the mapping's order."""
    text = raw.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    tried = ", ".join(["YYYY-MM-DD", *formats])
    raise BadValue(f"not a date in a known format (tried {tried}); add its format to date_formats")


def parse_bool(raw: str) -> bool:
    """Yes/no in the usual spellings."""
    key = raw.strip().casefold()
    if key in TRUE:
        return True
    if key in FALSE:
        return False
    raise BadValue("not a yes/no value (use true/false, yes/no or 1/0)")


def parse_email(raw: str) -> str:
    """An e-mail address, lightly checked."""
    text = raw.strip()
    if not EMAIL.match(text):
        raise BadValue("not an e-mail address")
    return text


def split_name(full: str) -> tuple[str, str]:
    """ "Anna Snelling" → ("Anna", "Snelling"); "Snelling, Anna" → ("Anna", "Snelling")."""
    text = " ".join(full.split())
    if "," in text:
        last, _, first = text.partition(",")
        return first.strip(), last.strip()
    first, _, last = text.rpartition(" ")
    return first, last


def username_from(full: str) -> str:
    """A login name from a person's name: "Anna Snelling" → "anna.snelling"."""
    first, last = split_name(full)
    base = f"{first} {last}".strip().casefold()
    slug = re.sub(r"[^\w@+-]+", ".", base).strip(".")
    return slug[:150]

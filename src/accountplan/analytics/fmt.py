"""Number formatting for explanations: the same figures a user sees in a spreadsheet."""

from __future__ import annotations

from decimal import Decimal

type Number = float | int | Decimal


def number(value: Number | None, decimals: int | None = None) -> str:
    """``1,200`` / ``38`` / ``0.52``; whole numbers without decimals, small ones with two."""
    if value is None:
        return "unknown"
    if decimals is None:
        whole = value == int(value)
        decimals = 0 if whole or abs(float(value)) >= 100 else 2
    return f"{value:,.{decimals}f}"


def money(value: Number | None, currency: str = "$") -> str:
    """``$38``, ``$1,234,567``, ``$0.52``, ``-$12``."""
    if value is None:
        return "unknown"
    sign = "-" if value < 0 else ""
    return f"{sign}{currency}{number(-value if value < 0 else value)}"


def rate(value: Number | None, currency: str = "$") -> str:
    """A rate with every digit it has (trailing zeros dropped, at least the cents when it has a
    fraction): ``$12``, ``$1.50``, ``$281.0183673469`` — so that rate × size gives P exactly."""
    if value is None:
        return "unknown"
    exact = Decimal(str(value)) if not isinstance(value, Decimal) else value
    sign = "-" if exact < 0 else ""
    exact = abs(exact)
    if exact == exact.to_integral_value():
        return f"{sign}{currency}{exact:,.0f}"
    text = format(exact.normalize(), "f")
    places = max(2, len(text.split(".")[1]) if "." in text else 0)
    return f"{sign}{currency}{exact:,.{places}f}"


def size_words(field: str) -> tuple[str, str]:
    """The singular and plural words for a size column: employees → (employee, employees)."""
    words = field.replace("_", " ").strip()
    if words.endswith("s"):
        return words[:-1], words
    return words, words


def plural(count: int, word: str) -> str:
    """``1 peer`` / ``7 peers``."""
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"

"""Number formatting for explanations: the same figures a user sees in a spreadsheet."""

from __future__ import annotations


def number(value: float | None, decimals: int | None = None) -> str:
    """``1,200`` / ``38`` / ``0.52``; whole numbers without decimals, small ones with two."""
    if value is None:
        return "unknown"
    if decimals is None:
        decimals = 0 if float(value).is_integer() or abs(value) >= 100 else 2
    return f"{value:,.{decimals}f}"


def money(value: float | None, currency: str = "$") -> str:
    """``$38``, ``$1,234,567``, ``$0.52``, ``-$12``."""
    if value is None:
        return "unknown"
    sign = "-" if value < 0 else ""
    return f"{sign}{currency}{number(abs(value))}"


def size_words(field: str) -> tuple[str, str]:
    """The singular and plural words for a size column: employees → (employee, employees)."""
    words = field.replace("_", " ").strip()
    if words.endswith("s"):
        return words[:-1], words
    return words, words


def plural(count: int, word: str) -> str:
    """``1 peer`` / ``7 peers``."""
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"

"""Visible text of pages and exports, and the leaks a user must never read in it.

Used by the crawler test (tests/web/test_visible_text.py): the visible text of an HTML page is
its text content without scripts, styles, templates and elements marked ``hidden``; the visible
text of a PDF comes from ``pdftotext``, of a deck from its slides' text frames and tables, of a
workbook from its cells.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

#: Elements whose content is never shown.
SKIPPED = {"script", "style", "template", "noscript", "head"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
BLOCK = {
    "p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "section",
    "dt", "dd", "option", "label", "button", "summary", "caption", "pre", "br", "table",
}  # fmt: skip


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def _hidden(self) -> bool:
        return any(hidden for _, hidden in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK:
            self.parts.append("\n")
        if tag in VOID:
            return
        names = dict(attrs)
        hidden = tag in SKIPPED or "hidden" in names
        self.stack.append((tag, hidden))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break
        if tag in BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden():
            self.parts.append(data)


def html_text(html: str) -> str:
    """The text a reader sees in ``html`` (one block per line, spaces collapsed)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def pdf_text(content: bytes) -> str:
    """The text of a PDF, as ``pdftotext`` reads it."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(content)
        done = subprocess.run(
            ["/usr/bin/pdftotext", "-layout", str(path), "-"],
            capture_output=True,
            check=True,
        )
    return done.stdout.decode()


def pptx_text(content: bytes) -> str:
    """Every text frame and table cell of every slide."""
    from pptx import Presentation

    lines: list[str] = []
    for slide in Presentation(io.BytesIO(content)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                lines.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                for row in shape.table.rows:
                    lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _shown(value: object, number_format: str) -> str:
    """A cell as a spreadsheet shows it: dates and numbers through their number format."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return "(a date)" if number_format != "General" else str(value)
    if isinstance(value, float | int) and not isinstance(value, bool):
        if number_format == "General":
            return str(value)
        places = (
            len(number_format.split(".", 1)[1].split(";")[0].rstrip("%_)"))
            if "." in number_format
            else 0
        )
        text = f"{value * 100 if number_format.endswith('%') else value:,.{places}f}"
        return text + ("%" if "%" in number_format else "")
    return str(value)


def xlsx_text(content: bytes) -> str:
    """Every cell as the spreadsheet shows it (numbers and dates through their format)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    lines: list[str] = []
    for sheet in book.worksheets:
        lines.append(sheet.title)
        for row in sheet.iter_rows():
            lines.append(" | ".join(_shown(c.value, c.number_format) for c in row))
    return "\n".join(lines)


# --- leaks ---------------------------------------------------------------------------------------

#: E-mail addresses, links and file names (``docs/imports.md``) are not codes.
_URLISH = re.compile(
    r"\S+@\S+|https?://\S+|\b[\w.-]+\.(?:com|org|net|io|example)\b\S*"
    r"|[\w./-]+\.(?:md|toml|csv|xlsx|pdf|pptx|json|py)\b"
)
#: Python's reprs: dicts, lists, Decimal(...), datetime.…, None/True/False as values, and
#: regex back-references (``\1``). "None" as a word of a sentence ("None (white)") is English.
REPR = re.compile(
    r"\{'|\['|\bDecimal\(|\bdatetime\.|\\\d"
    r"|\b(?:None|True|False)(?=[,)\]}]|$)|(?<=[:=] )(?:None|True|False)\b|^(?:None|True|False)$"
)
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
DOTTED = re.compile(r"\b[a-z_]{3,}\.[a-z_]{3,}\b")
#: More than two decimals. The one exception is a peer median rate ("$24.6695161166 per
#: employee"): it keeps every digit so that rate × size gives the potential exactly (the
#: methodology's promise that every figure can be recomputed), see docs/architecture.md.
LONG_DECIMALS = re.compile(r"(?<![\d.])\d+\.\d{3,}\b(?! per \w)")
BARE_AMOUNT = re.compile(r"(?<![\d,.])\d{5,}\.\d{1,2}\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def leaks(text: str, codes: frozenset[str] = frozenset()) -> list[str]:
    """Each fragment of ``text`` a person should not read: a Python repr, a snake_case or
    dotted field code, a code glued into one word ("Notstarted"), a float with more than two
    decimals, an amount without separators, an ISO date."""
    found: list[str] = []
    for line in text.splitlines():
        clean = _URLISH.sub(" ", line)
        for pattern in (REPR, SNAKE, DOTTED, LONG_DECIMALS, BARE_AMOUNT, ISO_DATE):
            found.extend(
                f"{m.group(0)!r} in: {line.strip()[:140]}" for m in pattern.finditer(clean)
            )
        words = re.findall(r"[A-Za-z]+", clean)
        found.extend(f"{w!r} in: {line.strip()[:140]}" for w in words if w.lower() in codes)
    return found

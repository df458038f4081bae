"""Reading CSV and XLSX files into rows of text, saying how they were decoded."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from accountplan.ingest.errors import ImportFailed

DELIMITERS = [",", ";", "\t", "|"]
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class Table:
    """A file read as text: its header, its data rows with their 1-based file line, how."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]
    format: str  # "csv" or "xlsx"
    encoding: str = ""
    encoding_note: str = ""
    delimiter: str = ""
    sheet: str = ""
    other_sheets: list[str] = field(default_factory=list)
    blank_lines: int = 0

    @property
    def delimiter_name(self) -> str:
        """The delimiter in words (``semicolon``)."""
        return DELIMITER_NAMES.get(self.delimiter, self.delimiter)


def read_table(data: bytes, filename: str, *, sheet: str | None = None) -> Table:
    """Read ``data`` (a CSV or XLSX file's bytes) into a :class:`Table`.

    Raises :class:`ImportFailed` with a message that says what is wrong and how to fix it.
    """
    if not data or not data.strip():
        raise ImportFailed("The file is empty: export it again with a header row and data rows.")
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data, sheet)
    if sheet:
        raise ImportFailed(f"--sheet {sheet!r} only applies to XLSX files; this is a text file.")
    text, encoding, note = decode(data)
    return _read_csv(text, encoding, note)


def decode(data: bytes) -> tuple[str, str, str]:
    """Decode bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252/Latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", "UTF-16 with byte order mark"
        except UnicodeDecodeError as exc:
            raise ImportFailed("The file claims to be UTF-16 but is not valid UTF-16.") from exc
    nul = data.find(b"\x00")
    if 0 <= nul < 65536:
        raise ImportFailed(
            "The file is not a text (CSV) file: it contains binary data. "
            "Upload a CSV (UTF-8 or Windows-1252) or an XLSX workbook."
        )
    if nul >= 0:  # a NUL further on: one database stores it, the other refuses; both refuse here
        raise ImportFailed(
            f"Line {_line_at(data, nul)} contains a NUL character (byte 0), which is not text "
            "and which the database cannot store. Nothing was imported: remove it (or export "
            "the file again) and upload it again."
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig", "UTF-8 with byte order mark"
        except UnicodeDecodeError as exc:
            raise ImportFailed(
                f"The file starts with a UTF-8 byte order mark, but line "
                f"{_line_at(data, 3 + exc.start)} has a byte that is not UTF-8 "
                f"(0x{data[3 + exc.start]:02X}): the file mixes encodings. Nothing was "
                "imported: save it again as CSV UTF-8 and upload it again."
            ) from exc
    try:
        return data.decode("utf-8"), "utf-8", ""
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        encoding = "cp1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        encoding = "latin-1"
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    if controls > max(3, len(text) // 100):
        raise ImportFailed(
            "The file could not be decoded as text (not UTF-8, and as Windows-1252 it is full of "
            "control characters). Save it as CSV UTF-8 and upload it again."
        )
    garbled = mojibake(text)
    if garbled:
        raise ImportFailed(
            "The file is not UTF-8, and read as Windows-1252 its text is garbled (e.g. "
            f"“{garbled}”): it looks like another encoding (Shift-JIS, GBK, Big5, KOI8…). "
            "Nothing was imported: save it as CSV UTF-8 and upload it again."
        )
    return (
        text,
        encoding,
        f"not valid UTF-8: decoded as {'Windows-1252' if encoding == 'cp1252' else 'Latin-1'}",
    )


def _line_at(data: bytes, offset: int) -> int:
    """The 1-based line of the byte at ``offset``."""
    return data.count(b"\n", 0, offset) + 1


#: Share of a non-UTF-8 text's non-ASCII characters standing in runs of three or more beyond
#: which it is not Western text read as Windows-1252 (accented letters stand alone or in
#: pairs among ASCII ones: "Café", "Grüße") but a multi-byte encoding read byte by byte.
GARBLED_SHARE = 0.5
#: Fewer non-ASCII characters than this: too little to judge.
GARBLED_MIN = 12


def mojibake(text: str) -> str:
    """A sample of ``text`` when it reads as a multi-byte encoding decoded one byte at a time
    (Shift-JIS, GBK… read as Windows-1252: runs of symbols and accented capitals), else ""."""
    sample = text[:262_144]
    high = in_runs = run = 0
    first = -1
    for i, ch in enumerate(sample):
        if ord(ch) > 127:
            high += 1
            run += 1
            first = i if first < 0 else first
            if run == 3:
                in_runs += 3
            elif run > 3:
                in_runs += 1
        else:
            run = 0
    if high < GARBLED_MIN or in_runs / high <= GARBLED_SHARE:
        return ""
    return sample[first : first + 12].replace("\n", " ")


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the header into most columns, consistently with the rows."""
    sample = text[:65536]
    best, best_score = ",", 0.0
    for delim in DELIMITERS:
        records: list[list[str]] = []
        try:
            for record in csv.reader(io.StringIO(sample, newline=""), delimiter=delim):
                if any(v.strip() for v in record):
                    records.append(record)
                if len(records) >= 6:
                    break
        except csv.Error:
            continue
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        rest = records[1:5]  # the last one may be cut off by the sample
        consistent = all(len(r) == width for r in rest)
        score = (width - 1) * (1.0 if consistent else 0.5)
        if score > best_score:
            best, best_score = delim, score
    return best


def _read_csv(text: str, encoding: str, note: str) -> Table:
    delimiter = sniff_delimiter(text)
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(lines, delimiter=delimiter)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    blank = 0
    last_line = 0
    start = 0
    try:
        for record in reader:
            start = last_line + 1
            last_line = reader.line_num
            if headers is None:
                if not any(v.strip() for v in record):
                    continue
                headers = [h.strip() for h in record]
                continue
            if not any(v.strip() for v in record):
                blank += 1
                continue
            if last_line > start and _swallows_rows(record, delimiter, len(headers)):
                raise ImportFailed(_swallowed(start, last_line, record, len(headers)))
            rows.append((start, record))
    except csv.Error as exc:
        raise ImportFailed(f"Line {reader.line_num}: the CSV is malformed ({exc}).") from exc
    if headers is None:
        raise ImportFailed("The file is empty: export it again with a header row and data rows.")
    _check_end(lines, start, delimiter, rows, len(headers))
    return Table(headers, rows, "csv", encoding, note, delimiter, blank_lines=blank)


def _swallows_rows(record: list[str], delimiter: str, width: int) -> bool:
    """A record over several lines that a stray quote made of several rows.

    A quote opened at the start of value ``i`` and closed on a later line swallows the rest of
    its row (``width - 1 - i`` delimiters on the value's first line) and whole rows in between
    (``width - 1`` each). When at least two delimiters of a row are swallowed that way, or the
    record has the wrong width, the file is broken; a genuine multi-line note or address
    seldom has exactly a row's worth of delimiters on each line.
    """
    if len(record) != width:
        return True
    for i, value in enumerate(record):
        lines = value.splitlines()
        if len(lines) < 2:
            continue
        rest = width - 1 - i
        if (
            rest >= 2
            and lines[0].count(delimiter) == rest
            and all(line.count(delimiter) == width - 1 for line in lines[1:-1])
        ):
            return True
    return False


def _swallowed(start: int, end: int, record: list[str], width: int) -> str:
    """The message for a quoted value that runs over several lines and breaks the row."""
    return (
        f"Line {start}: a quoted value opened on this line runs on to line {end} and holds what "
        f"looks like whole rows ({len(record)} values for {width} columns): an unterminated "
        'quote (") swallowed the lines after it. Nothing was imported; close the quote or '
        "export the file again."
    )


def _check_end(
    lines: list[str], start: int, delimiter: str, rows: list[tuple[int, list[str]]], width: int
) -> None:
    """Refuse a file whose last row is cut: an unterminated quote, or a short last line."""
    if not rows or rows[-1][0] != start:
        return
    tail = "".join(lines[start - 1 :])
    try:
        list(csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise ImportFailed(
                f"Line {start}: a quoted value opened on this line is never closed: the file "
                "ends inside it (an unterminated quote, or a file cut off). Nothing was "
                "imported; export the file again."
            ) from exc
    record = rows[-1][1]
    if not tail.endswith(("\n", "\r")) and len(record) < width:
        raise ImportFailed(
            f"Line {start}: the file ends in the middle of this row ({len(record)} of {width} "
            "values, and no line break): the file looks cut off. Nothing was imported; "
            "export it again."
        )


def cell_text(value: object) -> str:
    """An XLSX cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return str(value)


def _read_xlsx(data: bytes, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken zip/xml
        raise ImportFailed(
            f"The file is not a readable XLSX workbook ({exc.__class__.__name__}). "
            "Save it again from Excel as .xlsx, or export a CSV."
        ) from exc
    try:
        names = list(wb.sheetnames)
        if sheet:
            if sheet not in names:
                raise ImportFailed(
                    f"The workbook has no sheet {sheet!r}; its sheets are: {', '.join(names)}."
                )
            chosen = sheet
        else:
            chosen = names[0]
        ws = wb[chosen]
        headers: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        blank = 0
        for idx, values in enumerate(ws.iter_rows(values_only=True), start=1):
            record = [cell_text(v) for v in values]
            if not any(v.strip() for v in record):
                if headers is not None:
                    blank += 1
                continue
            if headers is None:
                headers = [h.strip() for h in record]
                while headers and not headers[-1]:
                    headers.pop()
                continue
            rows.append((idx, record))
    except ImportFailed:
        raise
    except Exception as exc:  # a damaged sheet fails while it is read, not when opened
        raise ImportFailed(
            f"The workbook could not be read ({exc.__class__.__name__}: {exc}). "
            "Save it again from Excel as .xlsx, or export a CSV."
        ) from exc
    finally:
        wb.close()
    if headers is None:
        raise ImportFailed(f"The sheet {chosen!r} is empty: no header row and no data.")
    others = [n for n in names if n != chosen]
    return Table(headers, rows, "xlsx", sheet=chosen, other_sheets=others, blank_lines=blank)

"""Reading CSV and XLSX files into rows of text, saying how they were decoded."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from accountplan.ingest.encodings import decode
from accountplan.ingest.errors import ImportFailed

DELIMITERS = [",", ";", "\t", "|"]
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
XLSX_MAGIC = b"PK\x03\x04"

# Limits (docs/imports.md, "Limits"): what a reader accepts, counted on what is really in the
# file, never on what the file claims (an XLSX's <dimension> may say A1:XFD1048576).
#: Data rows of one file: a worksheet's own limit.
MAX_ROWS = 1_048_576
#: Columns holding a value: far above any CRM export, far below a forged sheet's 16,384.
MAX_COLUMNS = 2_000
#: Characters in one cell: Excel's own limit for a cell.
MAX_CELL_CHARS = 32_767
#: Bytes an XLSX may unpack to (its XML): bounds a "zip bomb" long before the row limit.
MAX_XLSX_UNPACKED = 2 * 1024**3

__all__ = ["MAX_CELL_CHARS", "MAX_COLUMNS", "MAX_ROWS", "Table", "decode", "read_table"]


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
    nul = "\x00" in text
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    blank = 0
    last_line = 0
    start = 0
    try:
        for record in reader:
            start = last_line + 1
            last_line = reader.line_num
            check_record(start, record, headers, nul=nul)
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
        if "field larger than field limit" in str(exc):
            raise ImportFailed(_too_long(last_line + 1, "", "more than 131,072")) from exc
        raise ImportFailed(f"Line {reader.line_num}: the CSV is malformed ({exc}).") from exc
    if headers is None:
        raise ImportFailed("The file is empty: export it again with a header row and data rows.")
    _check_end(lines, start, delimiter, rows, len(headers))
    return Table(headers, rows, "csv", encoding, note, delimiter, blank_lines=blank)


def check_record(
    line: int, record: list[str], headers: list[str] | None, *, nul: bool = True
) -> None:
    """Refuse a row past the limits, or holding a NUL character (the same on every database).

    ``line`` is the row's file line (XLSX: its row number); ``headers`` is None for the header.
    """
    if line > MAX_ROWS + 1:
        raise ImportFailed(
            f"The file has more than {MAX_ROWS:,} data rows (row {line:,} holds values): that is "
            "past the importer's limit. Nothing was imported; split the file and import the "
            "parts one after the other."
        )
    width = len(record)
    while width and not record[width - 1]:
        width -= 1
    if width > MAX_COLUMNS:
        raise ImportFailed(
            f"Line {line:,}: a value in column {width:,}, past the limit of {MAX_COLUMNS:,} "
            "columns. Nothing was imported; remove the columns the import does not need (or the "
            "stray value) and import the file again."
        )
    for i, value in enumerate(record[:width]):
        if len(value) > MAX_CELL_CHARS:
            raise ImportFailed(_too_long(line, _column(headers, i), f"{len(value):,}"))
        if nul and "\x00" in value:
            raise ImportFailed(
                f"Line {line:,}, column {_column(headers, i)}: the value holds a NUL character "
                "(byte 0), which is not text and which the database cannot store. Nothing was "
                "imported; remove it (or export the file again) and import the file again."
            )


def _column(headers: list[str] | None, i: int) -> str:
    """A column for a message: its header, else its position."""
    if headers is not None and i < len(headers) and headers[i]:
        return f"“{headers[i]}”"
    return f"{i + 1}" if headers is not None else f"{i + 1} of the header"


def _too_long(line: int, column: str, size: str) -> str:
    where = f"Line {line:,}" + (f", column {column}" if column else "")
    return (
        f"{where}: a value of {size} characters, past the limit of {MAX_CELL_CHARS:,} per "
        "value (or a quote that is never closed). Nothing was imported; shorten the value (or "
        "close the quote) and import the file again."
    )


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


def _unpacked_size(data: bytes) -> None:
    """Refuse a workbook whose parts unpack past :data:`MAX_XLSX_UNPACKED` (a zip bomb).

    The sizes come from the zip's directory; a part is never read past its stated size.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ImportFailed(
            "The file is not a readable XLSX workbook (it is not a complete zip archive: cut "
            "off or damaged). Save it again from Excel as .xlsx, or export a CSV."
        ) from exc
    if size > MAX_XLSX_UNPACKED:
        raise ImportFailed(
            f"The workbook unpacks to {size / 1024**3:,.1f} GB, past the limit of "
            f"{MAX_XLSX_UNPACKED / 1024**3:,.0f} GB. Nothing was imported; export a CSV instead."
        )


def _read_xlsx(data: bytes, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    _unpacked_size(data)
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
        # The sheet's <dimension> is what the file claims (a forged one says 16,384 columns by
        # 1,048,576 rows): forget it, so only the cells really in the file are read.
        ws.reset_dimensions()
        headers: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        blank = 0
        for idx, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if not values:  # a row missing from the file: openpyxl fills the gap
                blank += headers is not None
                continue
            record = [cell_text(v) for v in values]
            check_record(idx, record, headers)
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

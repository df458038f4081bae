"""Purchase lines at bulk-load speed: the file read in chunks by Polars, validated by columns.

Pass 1 (this module) cuts the CSV at line ends into chunks of about ``CHUNK_BYTES`` and reads
each with Polars. A row whose cells are all in their plain form (an ISO date, a number with at
most two decimals, a reference that names exactly one account or product) is converted by
columns; references are resolved once per distinct value by the validator's own lookup. Every
other row goes through the row-by-row :class:`Validator`, so its messages, suggestions and
warnings are exactly those of the classic path. Valid rows go to a Parquet file per chunk,
rejected rows stay as rows (every one is reported). Pass 2 (``streamwrite``) checks keys over the
whole file, plans a replace, and writes all the rows in one transaction through the bulk path.

A file this reader does not handle plainly (a quoted value over several lines, blank lines, a row
with too many values, not UTF-8, a mapping that scales or combines) returns ``None`` from
:func:`read_stream`: the caller runs the classic path, which handles everything.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from accountplan.ingest.entities import EntitySpec
from accountplan.ingest.mappings import EntityMapping
from accountplan.ingest.readers import Table, sniff_delimiter
from accountplan.ingest.validation import Row, Validator

#: Bytes of CSV per chunk (about 200,000 purchase lines): bounds the memory of a chunk's frames.
CHUNK_BYTES = 8 * 1024 * 1024
#: Entities with a streaming path.
STREAMED = {"purchases"}
DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
MONEY = pl.Decimal(18, 2)


class NotPlain(Exception):
    """The file needs the classic reader (found while streaming): fall back."""


def eligible(spec: EntitySpec, em: EntityMapping, data: bytes, sheet: str | None) -> bool:
    """Whether the streaming path may import this file with this mapping."""
    if spec.name not in STREAMED or sheet or em.combine or em.defaults or em.create_missing:
        return False
    if em.scale or em.options.decimal_comma or em.options.thousands_separator:
        return False
    if set(em.aliases) - {f.name for f in spec.fields if f.kind == "ref"}:
        return False
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"PK\x03\x04")) or b"\x00" in data:
        return False
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if not data[start : start + 65536].strip() or data[start : start + 1] in (b"\n", b"\r"):
        return False
    if not data.endswith(b"\n"):
        return False
    return data.find(b"\n\n") < 0 and data.find(b"\n\r\n") < 0


@dataclass
class Totals:
    """Reconciliation sums of one summed field (exact decimals)."""

    file: Decimal = Decimal("0.00")
    valid: Decimal = Decimal("0.00")
    unread: list[int] = field(default_factory=list)


@dataclass
class Pass1:
    """What reading and validating the whole file gave."""

    table: Table
    validator: Validator
    folder: tempfile.TemporaryDirectory[str]
    parts: list[Path] = field(default_factory=list)
    rows: int = 0
    invalid: list[Row] = field(default_factory=list)
    keys: list[tuple[int, str]] = field(default_factory=list)  # invalid rows' (line, key)
    totals: dict[str, Totals] = field(default_factory=dict)
    #: The fields written and their frame column (account → account_id …).
    columns: dict[str, str] = field(default_factory=dict)


def header_of(data: bytes) -> tuple[Table, int]:
    """The table (header only) and where the rows start in ``data``."""
    encoding, note, begin = "utf-8", "", 0
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, note, begin = "utf-8-sig", "UTF-8 with byte order mark", 3
    end = data.index(b"\n", begin) + 1
    head = data[begin:end].decode("utf-8", errors="replace")
    sample = data[begin : begin + 65532].decode("utf-8", errors="ignore")
    delimiter = sniff_delimiter(sample or head)
    record = next(csv.reader([head], delimiter=delimiter))
    headers = [h.strip() for h in record]
    table = Table(headers, [], "csv", encoding, note, delimiter)
    return table, end


def pieces(data: bytes, start: int, size: int) -> Iterator[tuple[bytes, int]]:
    """Slices of ``data`` from ``start``, each ending at a line end, with their count of lines."""
    while start < len(data):
        end = data.find(b"\n", min(start + size, len(data)) - 1)
        end = len(data) if end < 0 else end + 1
        piece = data[start:end]
        if piece.count(b'"') % 2:
            raise NotPlain("a quoted value runs over several lines")
        yield piece, piece.count(b"\n")
        start = end


def read_stream(v: Validator, data: bytes, start: int, progress: Any = None) -> Pass1:
    """Pass 1: validate every row, chunk by chunk; valid rows to Parquet files."""
    folder = tempfile.TemporaryDirectory(prefix="accountplan-import-")
    result = Pass1(v.table, v, folder)
    result.columns = {f: v.spec.field(f).model_attr for f in v.written_fields if f in v.bound}
    for name in ("amount", "quantity"):
        if name in v.bound:
            result.totals[name] = Totals()
    ncols = len(v.table.headers)
    names = [f"c{i}" for i in range(ncols)]
    resolved: dict[str, dict[str, int | None]] = {}
    line = 2
    try:
        for number, (piece, count) in enumerate(pieces(data, start, CHUNK_BYTES)):
            frame = pl.read_csv(
                piece,
                has_header=False,
                new_columns=names,
                schema=dict.fromkeys(names, pl.String),
                separator=v.table.delimiter,
                empty_string_is_null=False,
                raise_if_empty=False,
            )
            if frame.height != count:
                raise NotPlain("rows and lines differ")
            frame = frame.with_columns(
                pl.int_range(line, line + count, dtype=pl.Int64).alias("line")
            )
            _chunk(result, frame, resolved, number)
            line += count
            result.rows += count
            if progress:
                progress(result.rows)
    except NotPlain:
        folder.cleanup()
        raise
    except (pl.exceptions.PolarsError, UnicodeDecodeError) as exc:
        folder.cleanup()
        raise NotPlain(str(exc)) from exc
    return result


def _cell(v: Validator, f: str) -> pl.Expr:
    """A field's trimmed text, as ``Validator.cell`` reads it."""
    if f in v.virtual:
        idxs, sep = v.virtual[f]
        parts = [pl.col(f"c{i}").str.strip_chars() for i in idxs]
        joined = pl.concat_str(parts, separator=sep)
        if f == "external_id" and v.em.key:
            return (
                pl.when(pl.all_horizontal(p != "" for p in parts))
                .then(joined)
                .otherwise(pl.lit(""))
            )
        return joined
    return pl.col(f"c{v.bound[f][0]}").str.strip_chars()


def _plain_number(digits: int) -> str:
    return rf"^-?\d{{1,{digits}}}(\.\d{{1,2}})?$"


def _chunk(
    result: Pass1, frame: pl.DataFrame, resolved: dict[str, dict[str, int | None]], n: int
) -> None:
    v = result.validator
    plain: list[pl.Expr] = [pl.all_horizontal(pl.col(c).is_not_null() for c in frame.columns)]
    values: list[pl.Expr] = []
    for f, attr in result.columns.items():
        fs = v.spec.field(f)
        if f not in v.bound:
            continue
        text = _cell(v, f)
        if fs.kind == "ref":
            lookup = _resolve(v, f, frame.select(text.alias("v")).get_column("v"), resolved)
            frame = frame.join(
                lookup.rename({"v": f"_{f}", "pk": attr}),
                left_on=text,
                right_on=f"_{f}",
                how="left",
            )
            frame = frame.drop(f"_{f}", strict=False)
            required = fs.required
            plain.append(pl.col(attr).is_not_null() | (pl.lit(not required) & (text == "")))
            values.append(pl.col(attr))
        elif fs.kind == "date":
            plain.append(
                text.str.contains(DATE_RE)
                & text.str.to_date("%Y-%m-%d", strict=False).is_not_null()
            )
            values.append(text.str.to_date("%Y-%m-%d", strict=False).alias(attr))
        elif fs.kind == "decimal":
            digits = 12 if fs.max_value is not None else 14
            ok = text.str.contains(_plain_number(digits))
            plain.append(ok | (pl.lit(not fs.required) & (text == "")))
            default = Decimal(1) if f == "quantity" else None
            values.append(
                pl.when(text == "")
                .then(pl.lit(default, dtype=MONEY))
                .otherwise(text.cast(MONEY, strict=False))
                .alias(attr)
            )
        elif fs.kind == "str":
            limit = fs.max_length or 10**9
            plain.append(text.str.len_chars() <= limit)
            if f == "external_id":
                plain.append(text != "" if v.em.key else pl.lit(True))
                values.append(pl.when(text == "").then(None).otherwise(text).alias(attr))
            else:
                values.append(text.alias(attr))
        else:
            raise NotPlain(f"no plain conversion for {fs.kind}")
    for f in v.required_fields():
        if f not in v.bound:
            raise NotPlain(f"required {f} is not a column")
    frame = frame.with_columns(pl.all_horizontal(plain).alias("_plain"))
    fast = frame.filter(pl.col("_plain"))
    slow = frame.filter(~pl.col("_plain"))
    raw_cols = [c for c in frame.columns if c.startswith("c") and c[1:].isdigit()]
    flags = [(_cell(v, name) != "").alias(f"_has_{name}") for name in result.totals]
    out = fast.select("line", *raw_cols, *values, *flags)
    for name, totals in result.totals.items():
        s = out.filter(pl.col(f"_has_{name}")).get_column(result.columns[name]).sum()
        total = Decimal(str(s)) if s is not None else Decimal("0.00")
        totals.file += total
        totals.valid += total
    out = out.drop([f"_has_{name}" for name in result.totals])
    valid_slow = _slow_rows(result, slow, raw_cols)
    if valid_slow:
        extra = pl.DataFrame(valid_slow, schema=out.schema, orient="row")
        out = pl.concat([out, extra]).sort("line")
    path = Path(result.folder.name) / f"part-{n:05d}.parquet"
    out.write_parquet(path)
    result.parts.append(path)


def _resolve(
    v: Validator, f: str, texts: pl.Series, resolved: dict[str, dict[str, int | None]]
) -> pl.DataFrame:
    """Distinct values of a reference column with the pk they name plainly (else null)."""
    fs = v.spec.field(f)
    known = resolved.setdefault(f, {})
    distinct = texts.unique().drop_nulls().to_list()
    for text in distinct:
        if text in known or not text:
            continue
        key = (f, text)
        res = v.cache.get(key)
        if res is None:
            res = v.cache[key] = v._lookup(fs, text)
        plain = res.pk is not None and not res.applied and not res.warn and res.file_row is None
        known[text] = res.pk if plain else None
    return pl.DataFrame(
        {"v": distinct, "pk": [known.get(t) for t in distinct]},
        schema={"v": pl.String, "pk": pl.Int64},
    )


def _slow_rows(result: Pass1, slow: pl.DataFrame, raw_cols: list[str]) -> list[tuple[Any, ...]]:
    """Rows not in plain form, through the row-by-row validator; returns the valid ones."""
    if slow.height == 0:
        return []
    v = result.validator
    records = []
    for rec in slow.select("line", *raw_cols).iter_rows():
        cells = list(rec[1:])
        while cells and cells[-1] is None:
            cells.pop()  # a short row: the values it has (the classic reader's record)
        records.append((rec[0], [c if c is not None else "" for c in cells]))
    v.table = Table(v.table.headers, records, "csv", delimiter=v.table.delimiter)
    v.rows = []
    rows = v.run(limit=len(records))
    valid: list[tuple[Any, ...]] = []
    for row in rows:
        for name, totals in result.totals.items():
            if not v.cell(row.raw, name):
                continue
            value = row.data.get(name)
            if not isinstance(value, Decimal):
                totals.unread.append(row.line)
            else:
                totals.file += value
                if row.ok:
                    totals.valid += value
        if not row.ok:
            result.invalid.append(row)
            key = v.row_key(row)
            if key is not None:
                result.keys.append((row.line, key_text(key)))
            continue
        data = row.data
        cells = (row.raw + [None] * len(raw_cols))[: len(raw_cols)]
        values = []
        for f in result.columns:
            value = data.get(f)
            if f == "external_id" and not value:
                value = None
            values.append(value)
        valid.append((row.line, *cells, *values))
    v.rows = []
    return valid


def key_text(key: tuple[Any, ...]) -> str:
    """A row key as the text the columnar check compares (``e:ID`` or ``n:a|p|date|q|amount|o``)."""
    if key[0] == "ext":
        return f"e:{key[1]}"
    parts = [str(p) if not isinstance(p, Decimal) else f"{p:.2f}" for p in key[1:]]
    return "n:" + "|".join(parts)

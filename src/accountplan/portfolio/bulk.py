"""Write many rows at once through the database's bulk path, from Polars frames.

PostgreSQL: ``COPY … FROM STDIN`` fed with CSV that Polars writes in chunks (no Python object
per row). SQLite: ``executemany`` in batches, inside the caller's transaction, or, for a long
write outside one, in committed chunks with a pause between them (``insert_in_turns``,
``delete_in_turns``) so that the web's own writes never wait for the whole of it. No
model instance is built; the frame's columns must be the table's columns, already in their
database form (money as Decimal, booleans, JSON as text).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import connection, transaction

#: Rows per COPY chunk / executemany batch: bounds the memory of the text and of Python tuples.
CHUNK_ROWS = 200_000
#: Pause after each committed chunk of a long SQLite write, so that a writer waiting for the lock
#: (a web request) takes its turn: SQLite's busy handler retries every 100 ms once it has waited
#: a while, and the lock is free only between two chunks.
GIVE_WAY_S = 0.1
#: Rows per COPY chunk: the CSV text of one chunk is held twice (Polars' and the driver's
#: buffer); 50k rows of the widest table (account scores with their look-alikes) is ~25 MB.
COPY_ROWS = 50_000
#: SQLite page cache for bulk writes, in KiB (256 MiB; the default is 2 MiB).
SQLITE_CACHE_KIB = 262_144
#: The temporary table ``insert_parts`` stages rows in on SQLite (one per connection).
STAGE = "bulk_stage"


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def insert_frame(table: str, frame: pl.DataFrame) -> int:
    """Insert every row of ``frame`` into ``table`` (columns = the frame's); returns the count."""
    if frame.height == 0:
        return 0
    columns = ", ".join(_quote(c) for c in frame.columns)
    with connection.wrap_database_errors:  # the driver's errors as Django's (IntegrityError, …)
        if connection.vendor == "postgresql":
            _copy(table, columns, frame)
        else:
            _executemany(table, columns, frame)
    return frame.height


def save_defaults(model: Any, filled: Iterable[str]) -> dict[str, Any]:
    """The columns a bulk write of the ``filled`` fields (attnames) leaves out, each with what a
    ``save()`` would write there: its default, else NULL, else an empty text (column → value)."""
    given = set(filled)
    out: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.attname in given:
            continue
        if f.has_default():
            out[f.column] = f.get_default()
        elif f.null:
            out[f.column] = None
        elif f.get_internal_type() in {"CharField", "TextField"}:
            out[f.column] = ""
    return out


def constant_columns(constants: dict[str, Any]) -> list[pl.Expr]:
    """``constants`` (column → the value of every row) as literal columns."""
    return [
        pl.lit(value, dtype=pl.Decimal(18, 2)).alias(name)
        if isinstance(value, Decimal)
        else pl.lit(value).alias(name)
        for name, value in constants.items()
    ]


def insert_parts(
    table: str,
    parts: Iterable[pl.DataFrame],
    constants: dict[str, Any],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert the rows of every frame of ``parts`` (same columns) into ``table``, each row
    completed by ``constants`` (column → one value for every row), inside the caller's
    transaction; ``progress`` gets the rows sent so far after each part. Returns the count.

    PostgreSQL copies each part with its constant columns. SQLite fills a bare temporary table
    with the parts' own columns (``executemany`` of short tuples into a table with no key, index
    or foreign key) and then moves every row into ``table`` with one ``INSERT … SELECT``, the
    constants bound once: a row-by-row insert into the real table pays its key, its unique
    index, its foreign keys and, for an AUTOINCREMENT key, an update of ``sqlite_sequence`` per
    row (2M purchase lines: 7.8 s of CPU against 4.0 s this way).
    """
    if connection.vendor != "sqlite":
        written = 0
        for part in parts:
            written += insert_frame(table, part.with_columns(constant_columns(constants)))
            if progress:
                progress(written)
        return written
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")
        columns: list[str] | None = None
        written = 0
        for part in parts:
            if columns is None:
                columns = part.columns
                cursor.execute(f"CREATE TEMP TABLE {STAGE} ({', '.join(map(_quote, columns))})")
            _executemany(f"temp.{STAGE}", ", ".join(map(_quote, columns)), part)
            written += part.height
            if progress:
                progress(written)
        if columns is None or written == 0:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")
            return 0
        names = [*columns, *constants]
        marks = ", ".join(["%s"] * len(constants))
        picked = ", ".join([*map(_quote, columns), *([marks] if constants else [])])
        cursor.execute(
            f"INSERT INTO {_quote(table)} ({', '.join(map(_quote, names))}) "
            f"SELECT {picked} FROM temp.{STAGE}",
            list(constants.values()),
        )
        cursor.execute(f"DROP TABLE temp.{STAGE}")
    return written


def _copy(table: str, columns: str, frame: pl.DataFrame) -> None:
    sql = f"COPY {_quote(table)} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    with connection.cursor() as wrapper:
        raw = wrapper.cursor
        with raw.copy(sql) as copy:
            for start in range(0, frame.height, COPY_ROWS):
                buffer = io.BytesIO()
                frame.slice(start, COPY_ROWS).write_csv(
                    buffer, include_header=False, null_value="\\N", quote_style="necessary"
                )
                copy.write(buffer.getbuffer())  # a view: no second copy of the text


def _executemany(table: str, columns: str, frame: pl.DataFrame) -> None:
    # SQLite keeps at most 15 significant digits of a number (REAL); money to the cent fits.
    # Decimals go as floats, which is what SQLite would store anyway, and are far cheaper.
    # (cast a chunk at a time: a float copy of every money column of millions of rows is
    # hundreds of MB)
    # Dates go as their ISO text, which is what Django's sqlite3 adapter would make of them one
    # Python call per value.
    floats = [
        pl.col(name).cast(pl.Float64)
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Decimal)
    ] + [
        pl.col(name).dt.strftime("%Y-%m-%d")
        for name, dtype in frame.schema.items()
        if dtype == pl.Date
    ]
    marks = ", ".join("?" for _ in frame.columns)
    target = table if table.startswith("temp.") else _quote(table)
    sql = f"INSERT INTO {target} ({columns}) VALUES ({marks})"
    connection.ensure_connection()
    raw = connection.connection  # sqlite3's own executemany: no per-row work in Django's wrapper
    # a big page cache keeps the indexes' B-trees in memory while millions of rows go in
    raw.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    for start in range(0, frame.height, CHUNK_ROWS):
        # rows as they are sent (a few thousand tuples alive at once, not the chunk's 200k)
        rows = frame.slice(start, CHUNK_ROWS).with_columns(floats).iter_rows(buffer_size=4096)
        raw.executemany(sql, rows)


def insert_in_turns(
    table: str,
    frame: pl.DataFrame,
    between: Callable[[], None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> int:
    """Insert ``frame`` outside any transaction, in chunks of ``chunk_rows`` committed one by one
    (SQLite has one writer: the web's writes wait for a chunk, not for millions of rows). After
    each chunk but the last, SQLite gives way for ``GIVE_WAY_S`` and ``between`` is called (a
    heartbeat). Returns the count."""
    if connection.in_atomic_block:
        raise RuntimeError("insert_in_turns commits as it goes: call it outside a transaction")
    for start in range(0, frame.height, chunk_rows):
        with transaction.atomic():
            insert_frame(table, frame.slice(start, chunk_rows))
        if start + chunk_rows < frame.height:
            _give_way(between)
    return frame.height


def delete_in_turns(
    table: str,
    column: str,
    values: list[int],
    between: Callable[[], None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> int:
    """Delete the rows of ``table`` whose ``column`` is in ``values`` (its ``id`` is the row's
    key), outside any transaction, ``chunk_rows`` per committed statement, giving way between
    them as ``insert_in_turns`` does. Returns the count."""
    if connection.in_atomic_block:
        raise RuntimeError("delete_in_turns commits as it goes: call it outside a transaction")
    if not values:
        return 0
    marks = ", ".join(["%s"] * len(values))
    sql = (
        f"DELETE FROM {_quote(table)} WHERE id IN (SELECT id FROM {_quote(table)} "
        f"WHERE {_quote(column)} IN ({marks}) LIMIT {int(chunk_rows)})"
    )
    deleted = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, values)
            count = cursor.rowcount
        deleted += count
        if count < chunk_rows:
            return deleted
        _give_way(between)


def _give_way(between: Callable[[], None] | None) -> None:
    if connection.vendor == "sqlite":
        time.sleep(GIVE_WAY_S)
    if between is not None:
        between()


def json_strings(expr: pl.Expr, name: str) -> pl.Expr:
    """A list column as JSON text, built by Polars (``["a","b"]``), escaping included."""
    encoded = pl.struct(expr.alias("v")).struct.json_encode()
    return encoded.str.strip_prefix('{"v":').str.strip_suffix("}").alias(name)


def on_own_connection[T](job: Callable[[], T]) -> T:
    """Run ``job`` (on a thread of its own) with this thread's connection, closed after."""
    try:
        return job()
    finally:
        connection.close()

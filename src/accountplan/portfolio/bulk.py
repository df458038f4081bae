"""Write many rows at once through the database's bulk path, from Polars frames.

PostgreSQL: ``COPY … FROM STDIN`` fed with CSV that Polars writes in chunks (no Python object
per row). SQLite: ``executemany`` in batches, inside the caller's transaction. Either way no
model instance is built; the frame's columns must be the table's columns, already in their
database form (money as Decimal, booleans, JSON as text).
"""

from __future__ import annotations

import io
from collections.abc import Callable

import polars as pl
from django.db import connection

#: Rows per COPY chunk / executemany batch: bounds the memory of the text and of Python tuples.
CHUNK_ROWS = 200_000
#: SQLite page cache for bulk writes, in KiB (256 MiB; the default is 2 MiB).
SQLITE_CACHE_KIB = 262_144


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


def _copy(table: str, columns: str, frame: pl.DataFrame) -> None:
    sql = f"COPY {_quote(table)} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    with connection.cursor() as wrapper:
        raw = wrapper.cursor
        with raw.copy(sql) as copy:
            for start in range(0, frame.height, CHUNK_ROWS):
                buffer = io.BytesIO()
                frame.slice(start, CHUNK_ROWS).write_csv(
                    buffer, include_header=False, null_value="\\N", quote_style="necessary"
                )
                copy.write(buffer.getvalue())


def _executemany(table: str, columns: str, frame: pl.DataFrame) -> None:
    # SQLite keeps at most 15 significant digits of a number (REAL); money to the cent fits.
    # Decimals go as floats, which is what SQLite would store anyway, and are far cheaper.
    # (cast a chunk at a time: a float copy of every money column of millions of rows is
    # hundreds of MB)
    floats = [
        pl.col(name).cast(pl.Float64)
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Decimal)
    ]
    marks = ", ".join("?" for _ in frame.columns)
    sql = f"INSERT INTO {_quote(table)} ({columns}) VALUES ({marks})"
    connection.ensure_connection()
    raw = connection.connection  # sqlite3's own executemany: no per-row work in Django's wrapper
    # a big page cache keeps the indexes' B-trees in memory while millions of rows go in
    raw.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    for start in range(0, frame.height, CHUNK_ROWS):
        raw.executemany(sql, frame.slice(start, CHUNK_ROWS).with_columns(floats).rows())


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

"""Load a generated book (bench/bookgen.py) straight into the app's database, the bulk way.

Usage: .venv/bin/python bench/bulkload.py BOOK_DIR

The database is the app's: PostgreSQL when ``DATABASE_URL`` is set, else SQLite in
``$ACCOUNTPLAN_DATA_DIR/accountplan.sqlite3``. Migrates, wipes the book (and every table that
refers to it), loads products, accounts, opportunities and purchase lines from the Parquet files
with their ids, resets the id sequences and runs ANALYZE, all in one transaction. PostgreSQL
loads with ``COPY … FROM STDIN (FORMAT csv)`` (psycopg 3 ``cursor.copy``), SQLite with batched
``executemany``. As the PostgreSQL manual advises for populating a database, the loaded tables'
plain indexes and foreign keys are dropped first and rebuilt after the data is in (one sort per
index, one join per foreign key, instead of a row-by-row check each); primary keys and unique
constraints stay.
Columns the files do not have get what the model says: ``auto_now`` timestamps now, the field's
default, NULL when nullable, "" for blank text. Prints a JSON summary on the last line.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

BATCH_ROWS = 250_000
#: Load order (parents first) and the model of each file.
TABLES: tuple[tuple[str, str], ...] = (
    ("products", "Product"),
    ("accounts", "Account"),
    ("opportunities", "Opportunity"),
    ("purchase_lines", "PurchaseLine"),
)


def setup_django() -> None:
    """Configure Django from the environment (DATABASE_URL or ACCOUNTPLAN_DATA_DIR)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accountplan.config.settings")
    import django

    django.setup()


def _constant(field: Any, now: dt.datetime) -> Any:
    """The value a column the files lack gets (what a save() would have written)."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if field.get_internal_type() in {"CharField", "TextField", "EmailField", "SlugField"}:
        return ""
    raise ValueError(f"{field.model.__name__}.{field.name} is required and the files lack it")


def columns_for(model: Any, file_columns: list[str]) -> tuple[list[str], dict[str, Any]]:
    """(the model's columns the file provides, {other column: constant value})."""
    now = dt.datetime.now(dt.UTC)
    given: list[str] = []
    constants: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.column in file_columns:
            given.append(field.column)
        else:
            constants[field.column] = _constant(field, now)
    return given, constants


def dependent_models(roots: list[Any]) -> list[Any]:
    """The roots and every model that refers to one of them, directly or through another."""
    from django.apps import apps

    found = list(roots)
    changed = True
    while changed:
        changed = False
        for model in apps.get_models(include_auto_created=True):
            if model in found:
                continue
            targets = {f.related_model for f in model._meta.concrete_fields if f.is_relation}
            if any(t in found for t in targets):
                found.append(model)
                changed = True
    return found


def wipe(book_models: list[Any]) -> list[str]:
    """Empty the book and everything referring to it; returns the tables emptied."""
    from django.db import connection, transaction

    existing = set(connection.introspection.table_names())
    tables = [m._meta.db_table for m in dependent_models(book_models)]
    tables = [t for t in tables if t in existing]  # a model may be ahead of its migration
    if "governance_finding" in tables and "governance_findingtally" in existing:
        # TRUNCATE fires no row triggers: the findings' tally is emptied with them
        tables.append("governance_findingtally")
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"TRUNCATE {', '.join(quote(t) for t in tables)} RESTART IDENTITY CASCADE"
            )
        else:
            for table in reversed(tables):
                cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 (table names from models)
    return tables


def _pg_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _sqlite_value(value: Any, connection: Any) -> Any:
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _batches(path: Path, columns: list[str]) -> Any:
    for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS, columns=columns):
        yield pl.from_arrow(batch)


def _secondary(model: Any) -> tuple[list[str], list[str]]:
    """(statements dropping the model's foreign keys and plain indexes, statements rebuilding them).

    Primary keys and unique constraints stay: other tables' foreign keys may need them.
    """
    from django.db import connection

    table = model._meta.db_table
    quote = connection.ops.quote_name
    drop: list[str] = []
    build: list[str] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [table],
            )
            for name, definition in cursor.fetchall():
                drop.append(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
                build.append(
                    f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
                )
            cursor.execute(
                "SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                "JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
        for name, definition in cursor.fetchall():
            drop.append(f"DROP INDEX {quote(name)}")
            build.append(definition)
    return drop, build


def _ordered(build: list[str]) -> list[str]:
    """Indexes first, then foreign keys (validated with the indexes in place)."""
    return [b for b in build if not b.startswith("ALTER")] + [
        b for b in build if b.startswith("ALTER")
    ]


def _execute(statements: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _copy_table(model: Any, path: Path) -> int:
    """PostgreSQL: COPY the file in CSV batches, in one transaction."""
    from django.db import connection

    file_columns = pq.ParquetFile(path).schema_arrow.names
    given, constants = columns_for(model, file_columns)
    extra = [pl.lit(_pg_text(v), dtype=pl.String).alias(c) for c, v in constants.items()]
    order = [f.column for f in model._meta.concrete_fields]
    quote = connection.ops.quote_name
    sql = (
        f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in order)}) "
        "FROM STDIN (FORMAT csv)"
    )
    rows = 0
    with connection.cursor() as cursor:
        for frame in _batches(path, given):
            data = (
                frame.with_columns(extra)
                .select(order)
                .write_csv(include_header=False, float_precision=2)
            )
            with cursor.cursor.copy(sql) as copy:
                copy.write(data.encode())
            rows += frame.height
    return rows


def _insert_table(model: Any, path: Path) -> int:
    """SQLite: executemany in batches (the caller holds the transaction)."""
    from django.db import connection

    file_columns = pq.ParquetFile(path).schema_arrow.names
    given, constants = columns_for(model, file_columns)
    fixed = tuple(_sqlite_value(v, connection) for v in constants.values())
    names = given + list(constants)
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in names)}) "  # noqa: S608
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    raw = connection.connection.cursor()
    rows = 0
    for frame in _batches(path, given):
        # dates as ISO text (what Django writes on SQLite); numbers and text as they are
        dated = frame.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
        if fixed:
            raw.executemany(sql, (row + fixed for row in dated.iter_rows()))
        else:
            raw.executemany(sql, dated.iter_rows())
        rows += frame.height
    raw.close()
    return rows


def load(folder: Path) -> dict[str, Any]:
    """Migrate, wipe, load every table of the book in ``folder``, reset sequences, ANALYZE."""
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from accountplan.book import models as book

    timings: dict[str, Any] = {"database": connection.vendor}
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    timings["migrate_s"] = round(time.perf_counter() - started, 3)

    models = [getattr(book, name) for _, name in TABLES]
    mark = time.perf_counter()
    timings["wiped_tables"] = len(wipe(models))
    timings["wipe_s"] = round(time.perf_counter() - mark, 3)

    mark = time.perf_counter()
    rows: dict[str, int] = {}
    seconds: dict[str, float] = {}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _execute(["SET LOCAL maintenance_work_mem = '512MB'"])
        rebuild: list[str] = []
        for model in models:
            drop, build = _secondary(model)
            _execute(drop)
            rebuild += build
        loader = _copy_table if connection.vendor == "postgresql" else _insert_table
        for (table, _), model in zip(TABLES, models, strict=True):
            t0 = time.perf_counter()
            rows[table] = loader(model, folder / f"{table}.parquet")
            seconds[table] = round(time.perf_counter() - t0, 3)
        t0 = time.perf_counter()
        _execute(_ordered(rebuild))
        seconds["indexes"] = round(time.perf_counter() - t0, 3)
        if connection.vendor == "postgresql":
            _execute(connection.ops.sequence_reset_sql(no_style(), models))
    timings["load_s"] = round(time.perf_counter() - mark, 3)
    timings["rows"] = rows
    timings["table_s"] = seconds

    mark = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["analyze_s"] = round(time.perf_counter() - mark, 3)
    timings["total_s"] = round(time.perf_counter() - started, 3)
    return timings


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    setup_django()
    result = load(Path(sys.argv[1]))
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()

"""``accountplan backup FILE`` and ``accountplan restore FILE`` (issue 14, docs/operations.md).

SQLite: SQLite's online backup API copies the database page by page from a read transaction, so
the copy is consistent while the app runs (WAL: readers and the writer go on meanwhile).
PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot) and ``pg_restore``; without
PostgreSQL's client tools on PATH both refuse with a message.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection, connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
#: Tables that ``migrate`` fills by itself: a database holding only these is empty.
BOOKKEEPING = {"django_migrations", "django_content_type", "auth_permission", "django_site"}


class BackupError(Exception):
    """Why a backup or a restore cannot be made (a message for the user)."""


def vendor() -> str:
    return connection.vendor


def backup(target: Path) -> str:
    """Copy the database to ``target``; returns what was done, in a sentence."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    if vendor() == "sqlite":
        _sqlite_backup(partial)
    elif vendor() == "postgresql":
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial)])
    else:
        raise BackupError(f"Backups of {vendor()} databases are not supported.")
    partial.replace(target)  # a file named FILE is always a whole backup
    return f"Backed up the {vendor()} database to {target} ({target.stat().st_size:,} bytes)."


def restore(source: Path) -> str:
    """Replace the database's content with the backup ``source``, then migrate it."""
    from django.core.management import call_command

    if not source.is_file():
        raise BackupError(f"No such file: {source}")
    head = source.open("rb").read(16)
    if vendor() == "sqlite":
        if head != SQLITE_MAGIC:
            raise BackupError(f"{source} is not an SQLite backup (made by `accountplan backup`).")
        _sqlite_restore(source)
    elif vendor() == "postgresql":
        if not head.startswith(PG_MAGIC):
            raise BackupError(
                f"{source} is not a PostgreSQL backup (made by `accountplan backup`)."
            )
        connections.close_all()
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                str(source),
            ],
            database_flag=True,
        )
    else:
        raise BackupError(f"Restores into {vendor()} databases are not supported.")
    # A backup of an older version gets this version's tables.
    call_command("migrate", interactive=False, verbosity=0)
    return f"Restored the {vendor()} database from {source}."


def rows_outside_bookkeeping() -> int:
    """How many rows the database holds beyond what ``migrate`` writes (0: empty)."""
    tables = set(connection.introspection.table_names()) - BOOKKEEPING
    total = 0
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            total += int(cursor.fetchone()[0])
    return total


# --- SQLite -------------------------------------------------------------------------------------


def _sqlite_path() -> str:
    return str(connection.settings_dict["NAME"])


def _sqlite_backup(target: Path) -> None:
    target.unlink(missing_ok=True)
    source = sqlite3.connect(_sqlite_path(), timeout=60)
    copy = sqlite3.connect(target)
    try:
        # All pages in one step: the copy is the database as one read transaction saw it.
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
    finally:
        copy.close()
        source.close()


def _sqlite_restore(backup_file: Path) -> None:
    connections.close_all()
    source = sqlite3.connect(backup_file)
    target = sqlite3.connect(_sqlite_path(), timeout=60)
    try:
        source.backup(target)  # replaces every page of the target, under its write lock
        target.execute("PRAGMA journal_mode=WAL")
    finally:
        target.close()
        source.close()


# --- PostgreSQL ---------------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not on PATH: install PostgreSQL's client tools (the version of the "
            "server or newer) to back up and restore a PostgreSQL database."
        )
    return found


def _run(command: list[str], *, database_flag: bool = False) -> None:
    settings: dict[str, Any] = connection.settings_dict
    env = {**os.environ}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings.get(key):
            env[var] = str(settings[key])
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    name = str(settings["NAME"])
    command = [*command[:-1], "--dbname", name, command[-1]] if database_flag else [*command, name]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()}")

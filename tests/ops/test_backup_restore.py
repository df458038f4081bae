"""`accountplan backup` and `accountplan restore`: a restored database answers as the original.

Real processes on real databases: a small demo book is generated and analyzed, backed up,
restored into a fresh database, and both answer the same JSON on several API endpoints and hold
the same rows in every table. SQLite (online backup API) and PostgreSQL (pg_dump/pg_restore).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

PG_URL = os.environ.get("ACCOUNTPLAN_TEST_PG", "postgres://postgres@127.0.0.1:5432")
PG_PREFIX = os.environ.get("ACCOUNTPLAN_TEST_PG_PREFIX", "bgimport14b")

ENDPOINTS = [
    "/api/accounts?limit=200",
    "/api/products",
    "/api/opportunities?limit=200",
    "/api/users",
    "/api/account-teams",
    "/api/analytics/snapshot",
    "/api/plans",
]

#: Prints, as JSON, every table's row count and what the API answers an admin (signed in for
#: the calls, signed out after: the database is left as it was).
ANSWERS = textwrap.dedent(
    """
    import json
    import sys

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from accountplan.core.models import User

    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    client = Client()
    client.force_login(User.objects.filter(is_superuser=True).order_by("pk").first())
    api = {}
    for path in sys.argv[1:]:
        response = client.get(path)
        api[path] = [response.status_code, response.json()]
    client.logout()  # its session row goes: the database is left as it was
    print(json.dumps({"counts": counts, "api": api}))
    """
)


def accountplan(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "accountplan", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if check:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


def answers(env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", ANSWERS, *ENDPOINTS],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def environment(tmp_path: Path, url: str) -> dict[str, str]:
    return {
        **os.environ,
        "ACCOUNTPLAN_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "accountplan.config.settings",
        "ALLOWED_HOSTS": "testserver,localhost",
    }


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", f"{PG_URL}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        capture_output=True,
    )


def sqlite_urls(tmp_path: Path) -> tuple[str, str]:
    return f"sqlite:///{tmp_path / 'original.sqlite3'}", f"sqlite:///{tmp_path / 'fresh.sqlite3'}"


def pg_urls(tmp_path: Path) -> tuple[str, str]:
    original, fresh = f"{PG_PREFIX}_backup_original", f"{PG_PREFIX}_backup_fresh"
    for name in (original, fresh):
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        psql(f"CREATE DATABASE {name}")
    return f"{PG_URL}/{original}", f"{PG_URL}/{fresh}"


@pytest.mark.parametrize("urls", [sqlite_urls, pg_urls], ids=["sqlite", "postgresql"])
def test_a_restored_database_answers_exactly_as_the_original(
    tmp_path: Path,
    urls: Callable[[Path], tuple[str, str]],
    attack_figures: Callable[[str], None],
) -> None:
    first, second = urls(tmp_path)
    original = environment(tmp_path, first)
    accountplan(original, "migrate", "-v", "0")
    accountplan(
        original, "demo", "--scale", "0.1", "--seed", "7", "--as-of", "2026-06-30", "--no-serve"
    )
    accountplan(original, "analyze", "--as-of", "2026-06-30", "--out", str(tmp_path / "out"))
    before = answers(original)
    assert before["counts"]["book_account"] > 0 and before["counts"]["portfolio_snapshot"] > 0
    assert all(status == 200 for status, _ in before["api"].values()), before["api"]

    dump = tmp_path / "book.backup"
    made = accountplan(original, "backup", str(dump))
    assert "Backed up the" in made.stdout and dump.stat().st_size > 0

    fresh = environment(tmp_path, second)
    restored = accountplan(fresh, "restore", str(dump))
    assert "Restored the" in restored.stdout
    after = answers(fresh)
    assert after["counts"] == before["counts"]
    assert after["api"] == before["api"]

    # A database that holds data is not replaced without --force, and nobody is asked
    # (stdin is not a terminal); with --force it is.
    refused = accountplan(fresh, "restore", str(dump), check=False)
    assert refused.returncode != 0
    assert "The database holds data" in refused.stderr and "--force" in refused.stderr
    accountplan(fresh, "restore", str(dump), "--force")
    assert answers(fresh) == before

    vendor = "postgresql" if first.startswith("postgres") else "sqlite"
    rows = sum(before["counts"].values())
    attack_figures(
        f"backup/restore ({vendor}): {len(before['counts'])} tables, {rows:,} rows, "
        f"{len(ENDPOINTS)} API answers identical after restore"
    )


def test_a_file_that_is_not_a_backup_is_refused(tmp_path: Path) -> None:
    env = environment(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"PGDMP not really")
    done = accountplan(env, "restore", str(junk), check=False)
    assert done.returncode != 0 and "is not an SQLite backup" in done.stderr

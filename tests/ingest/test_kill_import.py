"""kill -9 at several points of a real `accountplan import`: the database is before or after.

The import runs as its own process on a file database (SQLite, PostgreSQL) with a progress line
every 0.2 s on stderr (ACCOUNTPLAN_PROGRESS_SECONDS); it is SIGKILLed when a chosen line shows
(reading the file, checking rows, writing rows). Then every table an import writes is compared,
row counts and a checksum of every row, with the state before, and the next import must work.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.ops.test_backup_restore import PG_PREFIX, PG_URL, psql

ROWS = 20_000

#: Prints each written table's row count and a checksum of its rows, as JSON.
STATE = textwrap.dedent(
    """
    import hashlib
    import json

    import django

    django.setup()
    from accountplan.book.models import Account
    from accountplan.core.models import User
    from accountplan.ingest.models import ImportRun

    out = {}
    for model in (Account, User, ImportRun):
        rows = list(model.objects.order_by("pk").values_list())
        out[model._meta.db_table] = [len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()]
    print(json.dumps(out))
    """
)

#: Where to kill: the first stderr line that matches, for each phase of the import.
#: Phase lines, not "still under way" ones: a quiet machine reads and checks 20,000 rows before
#: the first heartbeat, so a kill point waiting for one was never reached (the import finished).
KILL_AT: dict[str, Callable[[str], bool]] = {
    "reading the file": lambda line: "Importing" in line,
    "checking rows": lambda line: line.split("] ", 1)[-1].startswith("Validate"),
    "writing rows": lambda line: "Write:" in line,
}


def big_file(path: Path) -> Path:
    lines = ["account,sector,year_established,revenue,employees,office_location,subsidiary_of"]
    lines += [
        f"Kill Test {i:06d},technology,{1990 + i % 30},{i % 997}.5,{i % 9000 + 1},Norway,"
        for i in range(ROWS)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=900, check=False
    )


def state(env: dict[str, str]) -> dict[str, list[object]]:
    done = run(env, "-c", STATE)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def killed_import(env: dict[str, str], path: Path, when: Callable[[str], bool]) -> str:
    """Start the import, SIGKILL it at the first stderr line ``when`` accepts; that line."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "accountplan",
            "import",
            "accounts",
            str(path),
            "--mapping",
            "maven",
        ],
        env={**env, "ACCOUNTPLAN_PROGRESS_SECONDS": "0.2", "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    seen = []
    try:
        for line in proc.stderr:
            seen.append(line)
            if when(line):
                proc.send_signal(signal.SIGKILL)
                break
        code = proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    assert code == -signal.SIGKILL, f"the import ended ({code}) before the kill point: {seen[-5:]}"
    return seen[-1].strip()


def sqlite_env(tmp_path: Path) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'book.sqlite3'}"}


def pg_env(tmp_path: Path) -> dict[str, str]:
    name = f"{PG_PREFIX}_kill"
    psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(f"CREATE DATABASE {name}")
    return {"DATABASE_URL": f"{PG_URL}/{name}"}


@pytest.mark.parametrize("database", [sqlite_env, pg_env], ids=["sqlite", "postgresql"])
def test_a_killed_import_leaves_the_database_exactly_as_before(
    tmp_path: Path,
    maven_dir: Path,
    database: Callable[[Path], dict[str, str]],
    attack_figures: Callable[[str], None],
) -> None:
    env = {
        **os.environ,
        **database(tmp_path),
        "ACCOUNTPLAN_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "accountplan.config.settings",
    }
    assert run(env, "-m", "accountplan", "migrate", "-v", "0").returncode == 0
    base = run(
        env,
        "-m",
        "accountplan",
        "import",
        "accounts",
        str(maven_dir / "accounts.csv"),
        "--mapping",
        "maven",
    )
    assert base.returncode == 0, base.stderr[-2000:]
    path = big_file(tmp_path / "big.csv")
    before = state(env)

    kills = []
    for phase, when in KILL_AT.items():
        line = killed_import(env, path, when)
        assert state(env) == before, f"killed while {phase} ({line}): the database changed"
        kills.append(f"{phase} ({line.split('] ', 1)[-1][:40]})")

    # The next import works, and writes everything.
    done = run(env, "-m", "accountplan", "import", "accounts", str(path), "--mapping", "maven")
    assert done.returncode == 0, done.stderr[-2000:]
    after = state(env)
    assert after["book_account"][0] == before["book_account"][0] + ROWS
    assert after["ingest_importrun"][0] == before["ingest_importrun"][0] + 1

    vendor = "postgresql" if env["DATABASE_URL"].startswith("postgres") else "sqlite"
    attack_figures(
        f"kill -9 during import ({vendor}, {ROWS:,} rows): {len(kills)} kills, database "
        f"unchanged after each, next import complete: {'; '.join(kills)}"
    )

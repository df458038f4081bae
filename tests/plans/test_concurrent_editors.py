"""The standing attack's concurrent editors (issue 14): writers saving the same section, cloning
into the same period and renaming into the same period at once, through the WSGI app on a real
database configured as a server configures it: on SQLite both ways (the default file, and a
``sqlite:////path`` DATABASE_URL) and on PostgreSQL when the run uses it. Zero 5xx, zero lost
updates: every save lands (in the revision it was answered with) or gets a 409 the user sees.

Each configuration runs in its own process (tests/plans/concurrent_editors_run.py), so settings
are read from the environment exactly as ``accountplan serve`` reads them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
WRITERS = int(os.environ.get("ATTACK_WRITERS", "8"))
ROUNDS = int(os.environ.get("ATTACK_ROUNDS", "4"))
_URL = os.environ.get("DATABASE_URL", "")
CONFIGS = ["postgresql"] if _URL.startswith("postgres") else ["sqlite-default", "sqlite-url"]


@pytest.fixture
def database_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of one configuration, on a database of its own."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ACCOUNTPLAN_DATA_DIR"] = str(tmp_path)
    config = request.param
    if config == "sqlite-url":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'by-url.sqlite3'}"
    if config != "postgresql":
        yield env
        return
    import psycopg

    parts = urlsplit(_URL)
    name = f"{parts.path.lstrip('/')}_concurrent"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        yield env
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("database_env", CONFIGS, indirect=True)
def test_concurrent_editors_lose_nothing_and_never_fail(
    database_env: dict[str, str], attack_figures
) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "tests.plans.concurrent_editors_run", str(WRITERS), str(ROUNDS)],
        cwd=REPO,
        env=database_env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert not out["errors"], out["errors"]
    assert not out["lost"], out["lost"]
    statuses = out["statuses"]
    assert not [s for s in statuses if int(s.split()[1]) >= 500], statuses
    # Every save either landed or was a conflict the user sees.
    assert set(statuses) <= {
        "read 200",
        "save 200",
        "save 409",
        "clone 201",
        "clone 409",
        "status 200",
        "rename 200",
        "rename 409",
    }, statuses
    assert out["saves_landed"] == statuses.get("save 200", 0) >= 1
    assert out["revisions"] == out["saves_landed"]
    # Exactly one clone and one rename per round won the period.
    assert statuses.get("clone 201", 0) == ROUNDS == out["clones"]
    assert statuses.get("rename 200", 0) == ROUNDS
    assert statuses.get("status 200", 0) == WRITERS * ROUNDS  # plan fields: last write wins
    assert out["renamed_now"] == 0  # each winner gave its period back
    if out["database"] == "sqlite":
        assert out["journal"] == "wal"
    attack_figures(
        f"concurrent editors ({out['database']}, {request_config(database_env)}): "
        f"{WRITERS} writers x {ROUNDS} rounds, {sum(statuses.values())} requests, "
        f"saves {statuses.get('save 200', 0)} landed / {statuses.get('save 409', 0)} 409, "
        f"clones {ROUNDS} won / {statuses.get('clone 409', 0)} 409, "
        f"{statuses.get('status 200', 0)} status changes, renames {ROUNDS} won / "
        f"{statuses.get('rename 409', 0)} 409, 0 5xx, 0 lost updates"
    )


def request_config(env: dict[str, str]) -> str:
    url = env.get("DATABASE_URL", "")
    return "DATABASE_URL" if url else "default file"

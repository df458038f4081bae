"""Secure defaults hold in the settings the tests run with."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.test import Client

from tests.factories import UserFactory


def test_debug_is_off_unless_asked_for() -> None:
    assert settings.DEBUG is False


def test_passwords_are_hashed_with_argon2(db: None) -> None:
    user = UserFactory(username="hash-check")
    assert get_hasher().algorithm == "argon2"
    assert user.password.startswith("argon2$")


def test_csrf_is_enforced_on_the_login_form(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403


def test_the_secret_key_is_not_a_placeholder() -> None:
    assert len(settings.SECRET_KEY) >= 50
    assert "insecure" not in settings.SECRET_KEY


SQLITE_PROBE = """
import django, json
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    journal = cursor.fetchone()[0]
    cursor.execute("PRAGMA busy_timeout")
    busy = cursor.fetchone()[0]
print(json.dumps({
    "journal": journal, "busy_ms": busy,
    "mode": connection.settings_dict["OPTIONS"].get("transaction_mode"),
    "keep": connection.settings_dict["CONN_MAX_AGE"],
}))
"""


@pytest.mark.parametrize("configured_by", ["default file", "DATABASE_URL"])
def test_every_sqlite_configuration_gets_wal_the_early_lock_and_the_wait(
    tmp_path: Path, configured_by: str
) -> None:
    """Under concurrent editors a SQLite without them answered 500 "database is locked"."""
    import json
    import os
    import subprocess
    import sys

    environment = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ACCOUNTPLAN_DATA_DIR")
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "accountplan.config.settings",
        "ACCOUNTPLAN_DATA_DIR": str(tmp_path / "data"),
    }
    if configured_by == "DATABASE_URL":
        environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"
    out = subprocess.run(
        [sys.executable, "-c", SQLITE_PROBE],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out.strip().splitlines()[-1]) == {
        "journal": "wal",
        "busy_ms": 20_000,
        "mode": "IMMEDIATE",
        "keep": 60,
    }
    expected = tmp_path / ("elsewhere.sqlite3" if configured_by == "DATABASE_URL" else "data")
    assert expected.exists()

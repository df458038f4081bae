"""A rescore killed midway is not "running" forever: its heartbeat goes stale and it is failed.

The last finished snapshot keeps serving the pages meanwhile.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accountplan.core import fmt
from accountplan.core.models import User
from accountplan.portfolio import selectors, services
from accountplan.portfolio.models import Snapshot, SnapshotStatus
from accountplan.portfolio.services import fail_stale_snapshots, with_heartbeat

pytestmark = pytest.mark.django_db

STALE_AFTER = dt.timedelta(minutes=15)


def done_snapshot(as_of: dt.date = dt.date(2024, 6, 30)) -> Snapshot:
    now = timezone.now()
    return Snapshot.objects.create(
        status=SnapshotStatus.DONE, as_of=as_of, started_at=now, finished_at=now, trigger="cli"
    )


def running_snapshot(silent_for: dt.timedelta) -> Snapshot:
    beat = timezone.now() - silent_for
    return Snapshot.objects.create(
        status=SnapshotStatus.RUNNING, started_at=beat, heartbeat_at=beat, trigger="web"
    )


class TestStaleRuns:
    @pytest.fixture(autouse=True)
    def fifteen_minutes(self, settings: Any) -> None:
        settings.RESCORE_STALE_AFTER = STALE_AFTER

    def test_a_silent_run_is_failed_by_pending_rescore_and_the_done_one_still_serves(
        self,
    ) -> None:
        good = done_snapshot()
        dead = running_snapshot(silent_for=dt.timedelta(minutes=16))
        assert selectors.current_snapshot() == good

        assert selectors.pending_rescore() is None

        dead.refresh_from_db()
        assert dead.status == SnapshotStatus.FAILED
        since = fmt.datetime(dead.heartbeat_at)
        assert dead.error.startswith(f"Stopped without finishing (no sign of life since {since}")
        assert dead.error.endswith("; the last finished snapshot is still shown.")
        assert dead.finished_at is not None
        assert selectors.current_snapshot() == good

    def test_the_page_no_longer_says_a_rescore_is_in_progress(
        self, client: Client, manager: User
    ) -> None:
        done_snapshot()
        dead = running_snapshot(silent_for=dt.timedelta(hours=3))
        client.force_login(manager)
        html = client.get("/scorecard/").content.decode()
        assert "Rescore running" not in html
        assert "Scores as of <strong>Jun 30, 2024</strong>" in html
        assert Snapshot.objects.get(pk=dead.pk).status == SnapshotStatus.FAILED

    def test_a_run_with_a_fresh_heartbeat_is_left_alone(
        self, client: Client, manager: User
    ) -> None:
        good = done_snapshot()
        alive = running_snapshot(silent_for=dt.timedelta(minutes=14))
        assert selectors.pending_rescore() == alive
        client.force_login(manager)
        assert (
            f"Rescore running (snapshot {alive.pk})" in client.get("/scorecard/").content.decode()
        )
        alive.refresh_from_db()
        assert (alive.status, alive.error) == (SnapshotStatus.RUNNING, "")
        assert selectors.current_snapshot() == good

    def test_queued_runs_and_finished_ones_are_not_touched(self) -> None:
        old = timezone.now() - dt.timedelta(days=3)
        queued = Snapshot.objects.create(status=SnapshotStatus.QUEUED)
        Snapshot.objects.filter(pk=queued.pk).update(created_at=old)
        good = done_snapshot()
        Snapshot.objects.filter(pk=good.pk).update(started_at=old, finished_at=old)
        assert fail_stale_snapshots() == 0
        assert selectors.pending_rescore() == queued
        assert Snapshot.objects.get(pk=good.pk).status == SnapshotStatus.DONE

    def test_a_run_claimed_but_never_started_is_judged_by_its_creation(self) -> None:
        # A worker killed between claiming and starting: no heartbeat, no start time.
        claimed = Snapshot.objects.create(status=SnapshotStatus.RUNNING)
        Snapshot.objects.filter(pk=claimed.pk).update(
            created_at=timezone.now() - dt.timedelta(hours=1)
        )
        assert fail_stale_snapshots() == 1
        assert Snapshot.objects.get(pk=claimed.pk).status == SnapshotStatus.FAILED

    # the worker closes its database connection when done: outside a test transaction
    @pytest.mark.django_db(transaction=True)
    def test_the_worker_fails_stale_runs_before_it_starts(self) -> None:
        dead = running_snapshot(silent_for=dt.timedelta(days=1))
        err = io.StringIO()
        call_command("worker", "--batch", stdout=io.StringIO(), stderr=err)
        assert Snapshot.objects.get(pk=dead.pk).status == SnapshotStatus.FAILED
        assert "Marked 1 stale running snapshot failed." in err.getvalue()


class Stop(Exception):
    """Ends a run from its step callback, before the analysis (not under test here)."""


def test_every_step_of_a_run_refreshes_its_heartbeat() -> None:
    snapshot = Snapshot.objects.create()
    beats: list[tuple[str, dt.datetime]] = []

    def step(label: str) -> None:
        row = Snapshot.objects.get(pk=snapshot.pk)
        assert row.status == SnapshotStatus.RUNNING and row.heartbeat_at is not None
        beats.append((label, row.heartbeat_at))
        if label == "computing":
            raise Stop

    with pytest.raises(Stop):
        services.run_snapshot(snapshot, step)

    assert [label for label, _ in beats] == ["loading", "computing"]
    row = Snapshot.objects.get(pk=snapshot.pk)
    assert row.started_at is not None and row.started_at <= beats[0][1] <= beats[1][1]
    assert row.heartbeat_at == beats[1][1]
    assert (row.status, row.error) == (SnapshotStatus.FAILED, "Stop: ")


def test_a_step_without_a_callback_still_beats() -> None:
    snapshot = Snapshot.objects.create(status=SnapshotStatus.RUNNING)
    with_heartbeat(snapshot.pk, None)("loading")
    assert Snapshot.objects.get(pk=snapshot.pk).heartbeat_at is not None


# --- a real process, really killed --------------------------------------------------------------

#: Migrates the file database, then runs a snapshot whose first step blocks until killed.
BLOCKED_RUN = textwrap.dedent(
    """
    import threading

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accountplan.portfolio.services import analyze_now

    analyze_now(trigger="cli", step=lambda label: threading.Event().wait())
    """
)


def _snapshots(db: Path) -> list[tuple[int, str, str | None, str]]:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute(
                "SELECT id, status, heartbeat_at, error FROM portfolio_snapshot ORDER BY id"
            ).fetchall()
    except sqlite3.OperationalError:  # the file or the table is not there yet
        return []


def test_a_killed_run_is_marked_failed_once_stale(tmp_path: Path) -> None:
    db = tmp_path / "book.sqlite3"
    env = {
        **os.environ,
        "ACCOUNTPLAN_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "accountplan.config.settings",
    }
    run = subprocess.Popen(
        [sys.executable, "-c", BLOCKED_RUN],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not any(s == "running" and beat for _pk, s, beat, _e in _snapshots(db)):
            if run.poll() is not None:
                err = run.stderr.read().decode() if run.stderr else ""
                raise AssertionError(f"the run ended before it was killed: {err}")
            assert time.monotonic() < deadline, "the run never started"
            time.sleep(0.05)  # poll again: the run is migrating or loading
        run.send_signal(signal.SIGKILL)
        assert run.wait(timeout=30) == -signal.SIGKILL
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        if run.stderr:
            run.stderr.close()

    # Killed: nothing said it ended, so it still looks running.
    [(pk, status, _beat, _error)] = _snapshots(db)
    assert status == "running"

    # A worker starting with STALE_AFTER = 0 finds it stale and fails it.
    worker = subprocess.run(
        [sys.executable, "-m", "accountplan", "worker", "--batch"],
        env={**env, "ACCOUNTPLAN_RESCORE_STALE_MINUTES": "0"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "Marked 1 stale running snapshot failed." in worker.stderr
    [(same, status, _beat, error)] = _snapshots(db)
    assert (same, status) == (pk, "failed")
    assert error.startswith("Stopped without finishing (no sign of life since ")

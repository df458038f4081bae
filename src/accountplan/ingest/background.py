"""Web imports run by the background worker, not inside the request (issue 14 point 12).

The preview's "Run import" queues the run: the uploaded file moves to the data folder
(``DATA_DIR/imports/run-<pk>/upload``) and the task :func:`accountplan.ingest.tasks.run_web_import`
is queued; the request answers at once. The worker claims the run (queued → running), imports
the file all or nothing as the command line does, and writes where it stands (phase, rows done)
to ``progress.json`` beside the file every :data:`BEAT_SECONDS` from a thread: that file is the
run's heartbeat and what the run's page shows while it polls. A file, not a database row: on
SQLite the import's write transaction holds the write lock, and a heartbeat UPDATE would wait
for it.

A run whose heartbeat is older than ``IMPORT_STALE_AFTER`` (its worker was killed) is marked
failed: its write transaction never committed, so nothing was written. The run's record is
updated inside the import's own write transaction (``ImportOptions.on_written``), so a worker
killed after the rows committed leaves an imported run, never a "failed" one with rows written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from accountplan.core import fmt
from accountplan.ingest.models import ImportRun
from accountplan.ingest.report import ImportReport, Status

#: Seconds between two heartbeats of a running import.
BEAT_SECONDS = 2.0

#: The message of a run whose worker stopped.
STALE_MESSAGE = (
    "Failed: the background worker stopped before the import finished (no sign of life since "
    "{since}). Nothing was written; run the import again."
)


def run_dir(pk: int) -> Path:
    """Where a queued or running import keeps its file and its progress."""
    return Path(settings.DATA_DIR) / "imports" / f"run-{pk}"


def upload_path(pk: int) -> Path:
    return run_dir(pk) / "upload"


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Replace ``path`` atomically (a reader never sees half a file)."""
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(path)


def queue(run: ImportRun, file_data: bytes, *, skip_invalid: bool) -> bool:
    """Queue the pending ``run`` for the worker; False when another request queued it first."""
    folder = run_dir(run.pk)
    folder.mkdir(parents=True, exist_ok=True)
    upload_path(run.pk).write_bytes(file_data)
    options = dict(run.options or {})
    if skip_invalid:
        options["skip_invalid"] = True
    claimed = ImportRun.objects.filter(pk=run.pk, status=Status.PENDING).update(
        status=Status.QUEUED, options=options, file_data=None, report={}, rejects_csv=""
    )
    if not claimed:
        return False
    from accountplan.ingest.tasks import run_web_import

    run_web_import.enqueue(run.pk)
    return True


def progress(pk: int) -> dict[str, Any] | None:
    """What the worker last said about run ``pk`` (phase, done, total, beat), if anything."""
    try:
        data: dict[str, Any] = json.loads((run_dir(pk) / "progress.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data


class Heartbeat:
    """Writes the run's progress file now and every BEAT_SECONDS until stopped."""

    def __init__(self, pk: int) -> None:
        self.path = run_dir(pk) / "progress.json"
        self.state: dict[str, Any] = {"phase": "starting", "done": 0, "total": 0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="import-heartbeat", daemon=True)

    def beat(self) -> None:
        _write_json(self.path, {**self.state, "beat": time.time()})

    def update(self, phase: str, done: int, total: int) -> None:
        """The import's progress callback (``ImportOptions.progress``)."""
        self.state = {"phase": phase, "done": done, "total": total}

    def __enter__(self) -> Heartbeat:
        self.beat()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(BEAT_SECONDS):
            try:
                self.beat()
            except OSError:  # the folder went (the run was found stale): nothing to report to
                return


def record_written(pk: int) -> Callable[[ImportReport], None]:
    """``ImportOptions.on_written`` for run ``pk``: marks it imported in the write transaction."""

    def written(report: ImportReport) -> None:
        ImportRun.objects.filter(pk=pk).update(
            status=Status.PARTIAL if report.rejected else Status.IMPORTED,
            valid=report.valid,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            rejected=report.rejected,
            finished_at=timezone.now(),
        )

    return written


def clean(pk: int) -> None:
    """Drop the run's file and progress (the run ended)."""
    shutil.rmtree(run_dir(pk), ignore_errors=True)


def fail(pk: int, message: str) -> int:
    """Mark a running run failed with ``message``; nothing it did was committed."""
    done = ImportRun.objects.filter(pk=pk, status=Status.RUNNING).update(
        status=Status.FAILED,
        finished_at=timezone.now(),
        report={"status": Status.FAILED, "message": message, "errors": []},
        file_data=None,
    )
    if done:
        clean(pk)
    return done


def fail_stale_imports() -> int:
    """Mark failed every running import whose heartbeat is older than ``IMPORT_STALE_AFTER``.

    Reads first and writes only when one is stale (pages call it). Returns how many.
    """
    limit = settings.IMPORT_STALE_AFTER.total_seconds()
    failed = 0
    for pk in ImportRun.objects.filter(status=Status.RUNNING).values_list("pk", flat=True):
        state = progress(pk)
        beat = float(state["beat"]) if state and "beat" in state else 0.0
        if time.time() - beat <= limit:
            continue
        since = fmt.datetime(dt.datetime.fromtimestamp(beat, tz=dt.UTC)) if beat else "its start"
        failed += fail(pk, STALE_MESSAGE.format(since=since))
    return failed


PHASES = {
    "starting": "Starting",
    "read": "Reading the file",
    "validate": "Checking the rows",
    "write": "Writing the rows",
}


def describe(run: ImportRun) -> dict[str, Any]:
    """What the run's page says: queued, or the phase with rows done of the total."""
    if run.status == Status.QUEUED:
        return {"label": "Queued: waiting for the background worker", "done": 0, "total": 0}
    state = progress(run.pk) or {}
    phase = str(state.get("phase", "starting"))
    done, total = int(state.get("done") or 0), int(state.get("total") or 0)
    rows = ""
    if total:
        rows = f"{fmt.number(done)} of {fmt.number(total)} rows ({fmt.percent(done / total)})"
    return {
        "label": PHASES.get(phase, phase.capitalize()),
        "rows": rows,
        "done": done,
        "total": total,
    }

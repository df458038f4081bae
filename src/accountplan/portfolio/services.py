"""Scoring runs: queue one, compute one (load → analyze → propensity → store), keep the last few."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import polars as pl
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accountplan.analytics.peers import peer_field_warning
from accountplan.core import fmt
from accountplan.core.errors import Forbidden
from accountplan.portfolio.compute import compute, product_ids
from accountplan.portfolio.loader import load_book_with_stats
from accountplan.portfolio.models import (
    Snapshot,
    SnapshotStatus,
)
from accountplan.portfolio.scorecard import get_scorecard, to_config
from accountplan.portfolio.store import EarlyCells, delete_rows, store

if TYPE_CHECKING:
    from accountplan.analytics.pipeline import Analysis
    from accountplan.core.models import User

#: Finished snapshots kept per (level, window); older ones are deleted after each run.
logger = logging.getLogger(__name__)

KEEP_SNAPSHOTS = 5
Step = Callable[[str], None]


@dataclass(frozen=True)
class Result:
    """A finished run: the stored snapshot, and the frames behind it (for exports)."""

    snapshot: Snapshot
    analysis: Analysis
    accounts: pl.DataFrame  # the analysis' accounts + external ids and next best products
    cells: pl.DataFrame  # the stored cells (``derive.expand_cells`` gives every other one)


def create_snapshot(
    *,
    as_of: dt.date | None = None,
    window_months: int | None = 12,
    level: Literal["product", "family"] = "product",
    trigger: str = "",
    user: User | None = None,
) -> Snapshot:
    """A queued snapshot row (``as_of`` None means "today, when it runs")."""
    return Snapshot.objects.create(
        as_of=as_of, window_months=window_months, level=level, trigger=trigger, requested_by=user
    )


def enqueue_rescore(
    *,
    trigger: str = "import",
    user: User | None = None,
    as_of: dt.date | None = None,
    level: Literal["product", "family"] = "product",
) -> Snapshot:
    """Queue a rescore (product level unless asked, 12-month window) for the worker.

    A rescore of the same view and date still waiting in the queue is that rescore: it reads
    the book and the scorecard when it starts, so a second one would compute the same thing
    again (a fuzzer once queued 118, an hour of the worker's time). The task is sent when the
    current transaction commits, so a worker never sees a snapshot (or an import) that is then
    rolled back.
    """
    from accountplan.portfolio.tasks import rescore

    waiting = (
        Snapshot.objects.filter(
            status=SnapshotStatus.QUEUED,
            started_at=None,
            level=level,
            window_months=12,
            as_of=as_of,
        )
        .order_by("-pk")
        .first()
    )
    if waiting is not None:
        return waiting
    snapshot = create_snapshot(as_of=as_of, trigger=trigger, user=user, level=level)
    transaction.on_commit(lambda: rescore.enqueue(snapshot.pk))
    return snapshot


def rescore_after_import() -> Snapshot:
    """Queue a rescore after an import wrote rows; a still-queued import rescore is reused.

    Called once the import's transaction committed. Five files imported in a row give one
    rescore, not five.
    """
    return enqueue_rescore(trigger="import")


def request_rescore(user: User, level: Literal["product", "family"] = "product") -> Snapshot:
    """A rescore asked for by someone (web UI, API): managers and admins only. ``family``
    computes the white space map's family columns (its own snapshot, beside the product one)."""
    if not user.can_edit_book:
        raise Forbidden("Only managers and admins may start a rescore.")
    return enqueue_rescore(trigger="web", user=user, level=level)


def run_snapshot(snapshot: Snapshot, step: Step | None = None) -> Result:
    """Compute ``snapshot`` now: load the book, analyze it, score propensity, store every row.

    The snapshot goes running → done (or failed, with the error, and the error is raised again).
    Every step also refreshes its heartbeat, so a run killed midway is found stale later
    (``fail_stale_snapshots``) instead of looking "running" forever.
    """
    step = with_heartbeat(snapshot.pk, step)
    now = timezone.now()
    Snapshot.objects.filter(pk=snapshot.pk).update(
        status=SnapshotStatus.RUNNING, started_at=now, heartbeat_at=now, error=""
    )
    early = EarlyCells(snapshot.pk)
    try:
        as_of = snapshot.as_of or timezone.localdate()
        config = to_config(get_scorecard(), as_of, snapshot.window_months, snapshot.level)  # type: ignore[arg-type]
        step("loading")
        book, stats = load_book_with_stats(config)
        step("computing")
        warning = peer_field_warning(book.accounts, config.segment_field)
        computed = compute(book, config, [warning] if warning else [], analyzed=early.start)
        del book  # hundreds of MB at 1M accounts that storing does not need
        early.wait_if_sole_writer()
        step("storing")
        store(
            snapshot,
            config,
            stats,
            computed.analysis,
            computed.accounts,
            computed.looks,
            computed.base,
            product_ids(config),
            computed.warnings,
            early,
        )
    except Exception as exc:
        early.settle()
        delete_rows([snapshot.pk])  # what its own connections had committed, or was there before
        Snapshot.objects.filter(pk=snapshot.pk).update(
            status=SnapshotStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )
        raise
    # The new snapshot serves from here on; deleting the oldest one's rows (millions at 1M
    # accounts, through every index) is housekeeping and no longer holds it back.
    step("pruning")
    try:
        prune(snapshot.level, snapshot.window_months)
    except Exception:  # the run is done; the next one prunes again
        logger.exception("pruning old snapshots after snapshot %s failed", snapshot.pk)
    snapshot.refresh_from_db()
    return Result(snapshot, computed.analysis, computed.accounts, computed.analysis.cells)


def heartbeat(snapshot_id: int) -> None:
    """Record that the run of ``snapshot_id`` is alive now (one UPDATE)."""
    Snapshot.objects.filter(pk=snapshot_id).update(heartbeat_at=timezone.now())


def with_heartbeat(snapshot_id: int, step: Step | None) -> Step:
    """``step`` (or nothing) preceded by a heartbeat of the run: each step is a sign of life."""

    def beat(label: str) -> None:
        heartbeat(snapshot_id)
        if step is not None:
            step(label)

    return beat


#: The error of a run found stale; the time is its last heartbeat.
STALE_ERROR = (
    "Stopped without finishing (no sign of life since {since}); "
    "the last finished snapshot is still shown."
)


def _silent_since(cutoff: dt.datetime) -> Q:
    """Runs whose last sign of life (heartbeat, else start, else creation) is before ``cutoff``."""
    return (
        Q(heartbeat_at__lt=cutoff)
        | Q(heartbeat_at=None, started_at__lt=cutoff)
        | Q(heartbeat_at=None, started_at=None, created_at__lt=cutoff)
    )


def is_stale(snapshot: Snapshot) -> bool:
    """Whether ``snapshot`` is a running run silent for longer than ``RESCORE_STALE_AFTER``."""
    if snapshot.status != SnapshotStatus.RUNNING:
        return False
    last = snapshot.heartbeat_at or snapshot.started_at or snapshot.created_at
    return last < timezone.now() - settings.RESCORE_STALE_AFTER


def fail_stale_snapshots() -> int:
    """Mark failed every running snapshot silent for longer than ``RESCORE_STALE_AFTER``.

    A run killed midway (the CLI interrupted, the worker's machine stopped) never says it ended;
    without this its snapshot stays "running" and the pages announce a rescore forever. The last
    sign of life is the heartbeat, else the start, else the creation (a worker killed between
    claiming a snapshot and starting it). Returns how many were marked failed.

    It reads first and writes only when something is stale: pages call it on every view, and on
    SQLite a read never waits for the write lock an import may hold, while an UPDATE would.
    """
    cutoff = timezone.now() - settings.RESCORE_STALE_AFTER
    running = Snapshot.objects.filter(_silent_since(cutoff), status=SnapshotStatus.RUNNING)
    failed = 0
    for pk, beat, started, created in running.values_list(
        "pk", "heartbeat_at", "started_at", "created_at"
    ):
        since = fmt.datetime(beat or started or created)
        # The same conditions again: a run that beat in the meantime is left alone.
        failed += running.filter(pk=pk).update(
            status=SnapshotStatus.FAILED,
            error=STALE_ERROR.format(since=since),
            finished_at=timezone.now(),
        )
    return failed


def prune(level: str, window_months: int | None, keep: int = KEEP_SNAPSHOTS) -> int:
    """Delete finished snapshots of this (level, window) beyond the newest ``keep``."""
    done = Snapshot.objects.done().filter(level=level, window_months=window_months)
    old = list(done.values_list("pk", flat=True)[keep:])
    # a failed run keeps its row (and error) for the history, not what it had written
    failed = list(
        Snapshot.objects.filter(status=SnapshotStatus.FAILED).values_list("pk", flat=True)
    )
    if failed:
        delete_rows(failed)  # an index probe each when there is nothing left to delete
    if not old:
        return 0
    # child tables first, each with one DELETE (no per-row cascade collection)
    delete_rows(old)
    Snapshot.objects.filter(pk__in=old).delete()
    return len(old)


def analyze_now(
    *,
    as_of: dt.date | None = None,
    window_months: int | None = 12,
    level: Literal["product", "family"] = "product",
    trigger: str = "cli",
    user: User | None = None,
    step: Step | None = None,
) -> Result:
    """Create a snapshot and compute it in this process (CLI, demo)."""
    fail_stale_snapshots()
    snapshot = create_snapshot(
        as_of=as_of, window_months=window_months, level=level, trigger=trigger, user=user
    )
    return run_snapshot(snapshot, step)


def ensure_snapshot(as_of: dt.date, *, fresh: bool = False) -> Snapshot | None:
    """Compute a snapshot now (demo) unless a finished one exists; ``fresh`` always computes."""
    if not fresh and Snapshot.objects.current() is not None:
        return None
    return analyze_now(as_of=as_of, trigger="demo").snapshot

"""Background work on Django's task framework (queued in the database by django-tasks-db)."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from accountplan.portfolio.models import Snapshot, SnapshotStatus


@task()
def rescore(snapshot_id: int) -> str:
    """Compute a queued snapshot; a snapshot already taken by another worker is left alone."""
    from accountplan.governance.tasks import enqueue_rules
    from accountplan.portfolio.services import run_snapshot
    from accountplan.portfolio.warm import warm

    # Claim it atomically: only the worker whose UPDATE matched a queued row runs it. The first
    # heartbeat comes with the claim, so a worker killed right after is found stale too.
    claimed = Snapshot.objects.filter(pk=snapshot_id, status=SnapshotStatus.QUEUED).update(
        status=SnapshotStatus.RUNNING, heartbeat_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    snapshot = Snapshot.objects.get(pk=snapshot_id)
    run_snapshot(snapshot)
    snapshot.refresh_from_db()
    warm(snapshot)  # the first visitors after the rescore find its whole-book figures ready
    enqueue_rules("rescore")  # findings and plan health follow the new figures
    return "done"

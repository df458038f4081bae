"""``accountplan worker``: run queued background tasks (rescoring) from the database queue."""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accountplan.core import fmt


class Command(BaseCommand):
    help = (
        "Run background tasks queued in the database (web imports, rescores after imports and on "
        "demand). "
        "Wraps django-tasks-db's db_worker; `accountplan serve` starts one for you."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="Run every queued task, then exit."
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between polls when idle."
        )
        parser.add_argument(
            "--nice",
            type=int,
            default=int(os.environ.get("WORKER_NICE", "10")),
            help=(
                "CPU niceness to run at (default 10, env WORKER_NICE; 0-19), so that pages stay "
                "fast while a rescore runs; never raises the priority."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from accountplan.governance.tasks import enqueue_if_due
        from accountplan.portfolio.services import fail_stale_snapshots

        niceness = lower_priority(options["nice"])
        if options["verbosity"] > 0:
            self.stderr.write(f"Worker running at CPU niceness {niceness}.")
        # Runs a previous worker left "running" when it was killed: failed, not in progress.
        stale = fail_stale_snapshots()
        if stale and options["verbosity"] > 0:
            self.stderr.write(f"Marked {fmt.count(stale, 'stale running snapshot')} failed.")
        enqueue_if_due()  # the daily run of the rules (governance.tasks)
        from accountplan.ingest.background import fail_stale_imports

        dead = fail_stale_imports()
        if dead and options["verbosity"] > 0:
            self.stderr.write(f"Marked {fmt.count(dead, 'stale running import')} failed.")
        extra = ["--batch"] if options["batch"] else []
        call_command(
            "db_worker",
            *extra,
            "--interval",
            str(options["interval"]),
            "--no-startup-delay",
            "--no-reload",
            verbosity=options["verbosity"],
        )


def lower_priority(target: int) -> int:
    """Run this process (and the threads it starts) at niceness ``target`` (0-19) unless it
    already runs lower; returns the niceness it runs at. The web's processes keep theirs, so the
    scheduler serves pages first while a rescore computes."""
    if not 0 <= target <= 19:
        raise CommandError("--nice must be between 0 and 19.")
    current = os.getpriority(os.PRIO_PROCESS, 0)
    if target > current:
        os.setpriority(os.PRIO_PROCESS, 0, target)
    return os.getpriority(os.PRIO_PROCESS, 0)

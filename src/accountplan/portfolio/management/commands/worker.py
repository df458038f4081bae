"""``accountplan worker``: run queued background tasks (rescoring) from the database queue."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Run background tasks queued in the database (rescores after imports and on demand). "
        "Wraps django-tasks-db's db_worker; `accountplan serve` starts one for you."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="Run every queued task, then exit."
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between polls when idle."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from accountplan.portfolio.services import fail_stale_snapshots

        # Runs a previous worker left "running" when it was killed: failed, not in progress.
        stale = fail_stale_snapshots()
        if stale and options["verbosity"] > 0:
            self.stderr.write(f"Marked {stale} stale running snapshot(s) failed.")
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

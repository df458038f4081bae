"""``accountplan restore FILE``: replace the database's content with a backup."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accountplan.core.backup import BackupError, restore, rows_outside_bookkeeping


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Restore the database from FILE (made by `accountplan backup`), then migrate it. "
        "Refuses a database that holds data unless --force; stop the app and the worker first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a backup made by `accountplan backup`")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that already holds data"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        held = rows_outside_bookkeeping()
        if held and not options["force"]:
            if not sys.stdin.isatty():
                raise CommandError(
                    f"The database holds data ({held:,} rows); nothing was restored. "
                    "Restore into an empty database, or pass --force to replace its content."
                )
            answer = input(f"The database holds {held:,} rows: replace them all? Type yes: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was restored.")
        try:
            self.stdout.write(restore(Path(options["file"])))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc

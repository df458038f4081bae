"""``accountplan backup FILE``: a consistent copy of the database, while the app runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accountplan.core.backup import BackupError, backup


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Back up the database to FILE: SQLite through its online backup API, PostgreSQL with "
        "pg_dump (custom format). Safe while the app and the worker run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="where to write the backup")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.stdout.write(backup(Path(options["file"])))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc

"""``accountplan fitcard export FILE`` / ``import FILE``: the fit scorecard's settings as TOML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accountplan.fit import selectors, services
from accountplan.fit.settings import FitSettingsError, parse_toml, to_toml


class Command(BaseCommand):
    help = "Export the opportunity-fit scorecard to TOML, or import it from TOML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["export", "import"])
        parser.add_argument("file", help="The TOML file to write or read ('-' = stdout on export).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        if options["action"] == "export":
            text = to_toml(selectors.current_layout())
            if path == "-":
                self.stdout.write(text)
            else:
                Path(path).write_text(text, encoding="utf-8")
                self.stdout.write(f"Wrote the fit scorecard to {path}")
            return
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            layout = parse_toml(text)
        except FitSettingsError as exc:
            raise CommandError(exc.message) from exc
        services.save_settings(None, layout)  # the operator at the command line
        self.stdout.write(f"Imported the fit scorecard from {path}; every deal's fit follows it.")

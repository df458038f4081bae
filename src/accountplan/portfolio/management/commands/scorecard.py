"""``accountplan scorecard export FILE`` / ``import FILE``: the scorecard as TOML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accountplan.portfolio.scorecard import ScorecardError, export_toml, get_scorecard, import_toml


class Command(BaseCommand):
    help = "Export the scorecard (weights, ICP, thresholds) to TOML, or import it from TOML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["export", "import"])
        parser.add_argument("file", help="The TOML file to write or read ('-' = stdout on export).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        if options["action"] == "export":
            text = export_toml(get_scorecard())
            if path == "-":
                self.stdout.write(text)
            else:
                Path(path).write_text(text, encoding="utf-8")
                self.stdout.write(f"Wrote the scorecard to {path}")
            return
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            import_toml(text)
        except ScorecardError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Imported the scorecard from {path}; the next rescore uses it "
            "(`accountplan analyze --enqueue`)."
        )

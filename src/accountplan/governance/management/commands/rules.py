"""``accountplan rules``: run the rules now, or list, export and import their thresholds.

accountplan rules run          run every rule, reconcile the findings, print the timings
accountplan rules list         the rules with their current thresholds
accountplan rules export       the thresholds as TOML (stdout)
accountplan rules import FILE  store the thresholds of a TOML file
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accountplan.core import fmt
from accountplan.core.errors import DomainError
from accountplan.governance.rules.registry import get
from accountplan.governance.services import run_rules
from accountplan.governance.settings_toml import effective, export_toml, import_toml


class Command(BaseCommand):
    help = "Run the rules now, or list/export/import their thresholds (docs/governance.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["run", "list", "export", "import"])
        parser.add_argument("file", nargs="?", help="The TOML file to import.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "run":
            run = run_rules(trigger="cli")
            total = sum(v for k, v in run.timings.items())
            self.stdout.write(
                f"Rules ran in {total:.2f} s: {run.opened} opened, {run.kept} still open, "
                f"{run.closed} closed."
            )
            for code, secs in run.timings.items():
                self.stdout.write(f"  {code:34} {secs:8.3f} s")
            for code, err in run.errors.items():
                self.stderr.write(f"Rule {code} failed:\n{err}")
        elif action == "list":
            for code, (enabled, values) in effective().items():
                rule = get(code)
                assert rule is not None
                flag = "" if enabled else " (off)"
                vals = ", ".join(f"{k}={v}" for k, v in values.items()) or "no thresholds"
                self.stdout.write(f"{code:34} {rule.severity:6} {rule.label}{flag}: {vals}")
        elif action == "export":
            self.stdout.write(export_toml())
        else:
            if not options["file"]:
                raise CommandError("Give the TOML file to import.", returncode=2)
            try:
                codes = import_toml(Path(options["file"]).read_text(encoding="utf-8"))
            except (OSError, DomainError) as exc:
                raise CommandError(str(exc), returncode=2) from None
            self.stdout.write(f"Stored the thresholds of {fmt.count(len(codes), 'rule')}.")

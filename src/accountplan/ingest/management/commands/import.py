"""`accountplan import ENTITY FILE --mapping NAME_OR_FILE`: the importer on the command line."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accountplan.ingest.entities import ENTITIES
from accountplan.ingest.errors import ImportFailed
from accountplan.ingest.report import ImportReport
from accountplan.ingest.services import ImportOptions, ImportSource, run_import


class Command(BaseCommand):
    #: Django's system checks cost seconds at start-up and say nothing about a data file.
    requires_system_checks: list[str] = []
    help = (
        "Import a CSV or XLSX file into the book of business, all or nothing. "
        f"Entities: {', '.join(ENTITIES)}."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("entity", help=f"one of: {', '.join(ENTITIES)}")
        parser.add_argument("file", help="CSV (any delimiter, UTF-8 or Windows-1252) or XLSX")
        parser.add_argument(
            "--mapping",
            required=True,
            help="built-in mapping (salesforce, hubspot, maven) or the path of a TOML file",
        )
        parser.add_argument("--dry-run", action="store_true", help="validate and report only")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="write the valid rows, reject the others"
        )
        parser.add_argument("--rejects", help="CSV file for the rejected rows (with a reason)")
        parser.add_argument(
            "--accept-suggestions",
            action="store_true",
            help='resolve unknown references to their suggestion (e.g. "GTXPro" → "GTX Pro")',
        )
        parser.add_argument("--sheet", help="XLSX sheet to read (default: the first)")
        parser.add_argument("--report", help="write the JSON report to this file")
        parser.add_argument(
            "--progress", action="store_true", help="show a progress bar even when not a TTY"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if opts["skip_invalid"] and not opts["rejects"]:
            raise CommandError("--skip-invalid needs --rejects FILE.csv to keep the rejected rows.")
        show = opts["progress"] or sys.stderr.isatty()
        options = ImportOptions(
            dry_run=opts["dry_run"],
            skip_invalid=opts["skip_invalid"],
            accept_suggestions=opts["accept_suggestions"],
            sheet=opts["sheet"],
        )
        source = ImportSource(path.name, path.read_bytes())
        try:
            if show:
                report = self._with_progress(opts, source, options)
            else:
                report = self._with_log(opts, source, options)
        except ImportFailed as exc:
            raise CommandError(exc.message) from exc
        if opts["report"]:
            Path(opts["report"]).write_text(
                json.dumps(report.to_dict(), indent=2, default=str), encoding="utf-8"
            )
        if opts["rejects"] and report.rejects_csv:
            Path(opts["rejects"]).write_text(report.rejects_csv, encoding="utf-8")
        print_summary(report, self.stdout)
        if report.refused:
            raise SystemExit(1)

    def _with_log(
        self, opts: dict[str, Any], source: ImportSource, options: ImportOptions
    ) -> ImportReport:
        """Not on a terminal (a log, CI): a line per phase and a "still under way" line with the
        rows done every ACCOUNTPLAN_PROGRESS_SECONDS, on stderr."""
        from rich.console import Console

        from accountplan.core.progress import Progress as LogProgress

        with LogProgress(Console(stderr=True), f"Importing {source.name}…") as log:
            phases: set[str] = set()

            def progress(phase: str, done: int, total: int) -> None:
                text = f"{phase.capitalize()}: {done:,} of {total:,} rows"
                if phase not in phases:
                    phases.add(phase)
                    log.update(text)
                else:
                    log.note(text)

            options.progress = progress
            return run_import(opts["entity"], source, opts["mapping"], options=options, user=None)

    def _with_progress(
        self, opts: dict[str, Any], source: ImportSource, options: ImportOptions
    ) -> ImportReport:
        from rich.console import Console
        from rich.progress import Progress

        console = Console(stderr=True, force_terminal=True if opts["progress"] else None)
        with Progress(console=console, transient=True) as bar:
            tasks: dict[str, Any] = {}

            def progress(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(phase.capitalize(), total=total)
                bar.update(tasks[phase], completed=done)

            options.progress = progress
            return run_import(opts["entity"], source, opts["mapping"], options=options, user=None)


def print_summary(report: ImportReport, out: Any) -> None:
    """A readable summary: counts, errors grouped by reason, the first errors, observations."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=out, width=120, highlight=False)
    table = Table(title=f"Import {report.entity} from {report.file} ({report.mapping} mapping)")
    table.add_column("status")
    counts = {
        "rows read": report.rows_read,
        "valid": report.valid,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "deleted": report.deleted,
        "rejected": report.rejected,
    }
    if not report.deleted:
        del counts["deleted"]  # only replace mode deletes
    for name in counts:
        table.add_column(name, justify="right")
    table.add_row(report.status, *(f"{n:,}" for n in counts.values()))
    console.print(table)
    read_as = report.format
    if report.format == "csv":
        read_as += f", {report.encoding}, {report.delimiter}-delimited"
    elif report.sheet:
        read_as += f", sheet {report.sheet!r}"
    console.print(f"Read as {read_as}.", markup=False)
    print_reconciliation(report, console)
    if report.errors:
        errors = Table(title="Problems by kind")
        errors.add_column("rows", justify="right")
        errors.add_column("column")
        errors.add_column("problem")
        errors.add_column("first lines")
        for item in report.error_summary()[:20]:
            errors.add_row(
                f"{item['count']:,}",
                escape(item["column"]),
                escape(item["reason"]),
                ", ".join(str(n) for n in item["lines"]) + (", …" if item["count"] > 5 else ""),
            )
        console.print(errors)
        for issue in report.errors[:10]:
            hint = f" — did you mean {issue.suggestion!r}?" if issue.suggestion else ""
            console.print(
                f"line {issue.line}, {issue.column or '(file)'} = {issue.value!r}: "
                f"{issue.reason}{hint}",
                markup=False,
            )
        if len(report.errors) > 10:
            console.print(f"… and {len(report.errors) - 10:,} more (see --report).", markup=False)
    for w in report.warnings[:20]:
        console.print(
            f"warning: {w['column']} = {w['value']!r}: {w['message']} ({w['count']:,} rows)",
            markup=False,
        )
    for note in [*report.observations, *report.also_created]:
        console.print(f"• {note}", markup=False)
    console.print(report.message, markup=False)


def print_reconciliation(report: ImportReport, console: Any) -> None:
    """Rows and amount totals: in the file, valid, rejected, imported."""
    from rich.markup import escape
    from rich.table import Table

    rec = report.reconciliation
    if not rec.get("rows"):
        return
    table = Table(title="Reconciliation (in the file = valid + rejected)")
    table.add_column("")
    for name in ("in the file", "valid", "rejected", "imported"):
        table.add_column(name, justify="right")
    rows = rec["rows"]
    table.add_row("rows", *(f"{rows[k]:,}" for k in ("file", "valid", "rejected", "imported")))
    for t in rec["totals"]:
        label = f"total of {t['column']}"
        if t["not_numbers"]:
            label += f" ({t['not_numbers']:,} not numbers, not summed)"
        table.add_row(
            escape(label),
            *(f"{Decimal(t[k]):,}" for k in ("file", "valid", "rejected", "imported")),
        )
    console.print(table)

"""The import service the CLI and the web pages both call: validate all, then write all or none."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, transaction
from django.utils import timezone

from accountplan.book.models import Opportunity
from accountplan.core import fmt
from accountplan.core.spreadsheet_safe import safe_header, safe_row
from accountplan.followup.services import create_micro_plans
from accountplan.ingest import stream, writers
from accountplan.ingest.entities import get_entity
from accountplan.ingest.errors import ImportFailed
from accountplan.ingest.filechecks import cascade_by_account
from accountplan.ingest.mappings import Mapping, load_mapping, parse_mapping
from accountplan.ingest.models import ImportRun
from accountplan.ingest.readers import Table, read_table
from accountplan.ingest.reconcile import reconcile
from accountplan.ingest.replace import plan_replace, scope_observation
from accountplan.ingest.report import ImportReport, Issue, Status
from accountplan.ingest.streamed import run_streamed
from accountplan.ingest.validation import Row, Validator
from accountplan.portfolio.services import rescore_after_import

if TYPE_CHECKING:
    from accountplan.core.models import User

Progress = Callable[[str, int, int], None]


@dataclass
class ImportOptions:
    """How to run an import."""

    dry_run: bool = False
    skip_invalid: bool = False
    accept_suggestions: bool = False
    sheet: str | None = None
    progress: Progress | None = None
    #: Called inside the write transaction once the rows are written (the web run records
    #: itself there, so a worker killed after the commit leaves an imported run).
    on_written: Callable[[ImportReport], None] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The options worth recording on the run."""
        return {
            "dry_run": self.dry_run,
            "skip_invalid": self.skip_invalid,
            "accept_suggestions": self.accept_suggestions,
            "sheet": self.sheet or "",
        }


@dataclass
class ImportSource:
    """A file's name and bytes (from disk or an upload)."""

    name: str
    data: bytes


def resolve_mapping(mapping: Mapping | str, toml_text: str = "") -> Mapping:
    """A Mapping from an object, uploaded TOML text, or a built-in name / file path."""
    if isinstance(mapping, Mapping):
        return mapping
    if toml_text:
        return parse_mapping(toml_text, mapping or "uploaded")
    return load_mapping(mapping)


def run_import(
    entity: str,
    source: ImportSource,
    mapping: Mapping | str,
    *,
    options: ImportOptions,
    user: User | None,
    run: ImportRun | None = None,
    record: bool = True,
) -> ImportReport:
    """Import ``source`` as ``entity`` rows, all or nothing, and record an :class:`ImportRun`.

    ``record=False`` (dry runs only: the preview's whole-file check) records no run, so the
    check needs no transaction, and on SQLite never holds the write lock while it reads.

    Every row is validated first (types, required fields, references within the file and to
    the database). With problems and no ``skip_invalid`` nothing is written. ``dry_run`` never
    writes. The report counts created / updated / unchanged / rejected rows and lists every
    problem with its line, column, value and reason.
    """
    if user is not None and not user.can_edit_book:
        raise ImportFailed("Only managers and admins may import data.", status=403)
    if not record and not options.dry_run:
        raise ValueError("Only a dry run may go unrecorded.")
    started = time.monotonic()
    mapping_name = mapping.name if isinstance(mapping, Mapping) else str(mapping)
    report = ImportReport(
        entity=entity,
        file=source.name,
        mapping=mapping_name,
        dry_run=options.dry_run,
        skip_invalid=options.skip_invalid,
        accept_suggestions=options.accept_suggestions,
    )
    # The run's record commits with its rows (created in the write transaction when the
    # caller brought none): a process killed after the commit leaves both, or neither.
    holder = [run] if run is not None else []
    options = replace(options, on_written=_record_in_transaction(holder, user, source, options))
    try:
        _run(report, entity, source, mapping, options)
    except ImportFailed as exc:
        if exc.status == 403:
            raise
        report.status = Status.REFUSED
        report.message = f"Refused: {exc.message} Nothing was written."
        report.errors.insert(0, Issue(1, "", "", exc.message))
    report.seconds = round(time.monotonic() - started, 3)
    if record:
        _record(report, source, options, user, holder[0] if holder else None)
    return report


def _record_in_transaction(
    holder: list[ImportRun], user: User | None, source: ImportSource, options: ImportOptions
) -> Callable[[ImportReport], None]:
    """``on_written``: records the run (a new one in ``holder`` if empty), then the caller's."""
    outer = options.on_written

    def written(report: ImportReport) -> None:
        if not holder:
            run = ImportRun(user=user, source="cli" if user is None else "web")
            run.entity, run.mapping_name = report.entity[:32], report.mapping[:120]
            run.file_name, run.file_size = source.name[:255], len(source.data)
            run.options, run.status = options.to_dict(), report.status
            run.created, run.finished_at = report.created, timezone.now()
            run.save()
            holder.append(run)
        if outer is not None:
            outer(report)

    return written


def _run(
    report: ImportReport,
    entity: str,
    source: ImportSource,
    mapping: Mapping | str,
    options: ImportOptions,
) -> None:
    spec = get_entity(entity)
    report.entity = spec.name
    the_mapping = resolve_mapping(mapping)
    report.mapping = the_mapping.name
    em = the_mapping.for_entity(spec.name)
    if stream.eligible(spec, em, source.data, options.sheet) and run_streamed(
        report, spec, em, source, options
    ):
        return
    table = read_table(source.data, source.name, sheet=options.sheet)
    _describe_table(report, table)
    report.rows_read = len(table.rows)

    def tick(phase: str) -> Callable[[int], None] | None:
        if options.progress is None:
            return None
        progress = options.progress
        return lambda done: progress(phase, done, len(table.rows))

    validator = Validator(
        spec, em, table, accept_suggestions=options.accept_suggestions, progress=tick("validate")
    )
    validator.bind()
    validator.check_shape(the_mapping)
    report.columns = validator.column_map()
    report.unmapped_columns = validator.unmapped
    if validator.file_issues:
        report.errors = validator.file_issues
        report.status = Status.REFUSED
        report.message = "Refused: the file's columns do not fit the mapping. Nothing was written."
        return
    if not table.rows:
        raise ImportFailed("The file has a header but no data rows: there is nothing to import.")
    rows = validator.run()
    if em.mode == "replace" and options.skip_invalid:
        cascade_by_account(validator)
    valid = [r for r in rows if r.ok]
    invalid = [r for r in rows if not r.ok]
    report.valid = len(valid)
    report.reconciliation = reconcile(validator, rows, written=False)
    report.rejected = len(invalid)
    report.errors = sorted((e for r in invalid for e in r.errors), key=lambda e: e.line)
    report.warnings = validator.warnings.as_list()
    report.applied_suggestions = validator.applied_list()
    report.rejects_csv = rejects_csv(table, invalid)
    _observe(report, validator, rows, em.scale)
    if invalid and not options.skip_invalid:
        _refuse_rows(report, len(invalid), len(rows))
        return
    the_plan = (
        plan_replace(validator, valid) if em.mode == "replace" else writers.plan(validator, valid)
    )
    if the_plan.conflicts:
        # Rows that would break a unique column of the table: rejected like any invalid row.
        for row, issue in the_plan.conflicts:
            row.errors.append(issue)
        valid = [r for r in rows if r.ok]
        invalid = [r for r in rows if not r.ok]
        report.valid, report.rejected = len(valid), len(invalid)
        report.reconciliation = reconcile(validator, rows, written=False)
        report.errors = sorted((e for r in invalid for e in r.errors), key=lambda e: e.line)
        report.rejects_csv = rejects_csv(table, invalid)
        if not options.skip_invalid:
            _refuse_rows(report, len(invalid), len(rows))
            return
        the_plan = writers.plan(validator, valid)
    report.created = len(the_plan.creates)
    report.updated = len(the_plan.updates)
    report.unchanged = len(the_plan.unchanged)
    report.deleted = len(the_plan.deletes)
    if the_plan.scope is not None:
        report.observations.append(
            scope_observation(the_plan.scope, report.unchanged, report.deleted, report.created)
        )
    if options.dry_run:
        report.status = Status.DRY_RUN
        report.message = "Dry run: checked every row and wrote nothing."
        return
    try:
        with transaction.atomic():
            report.also_created = writers.write(validator, the_plan, tick("write"))
            report.status = Status.PARTIAL if invalid else Status.IMPORTED
            if options.on_written is not None:
                options.on_written(report)
            # Lost deals get their micro-plan in the same transaction (a few batched queries).
            create_micro_plans()
    except DatabaseError as exc:
        report.created = report.updated = report.unchanged = report.deleted = 0
        raise ImportFailed(f"The database refused the rows ({exc}); nothing was written.") from exc
    transaction.on_commit(rescore_after_import)
    if spec.name == "users":
        _users_without_deals(report, validator, valid)
    report.status = Status.PARTIAL if invalid else Status.IMPORTED
    report.reconciliation = reconcile(validator, rows, written=True)
    report.message = (
        f"Imported {len(valid):,} rows ({report.created:,} created, {report.updated:,} updated, "
        f"{report.unchanged:,} unchanged"
        + (f", {report.deleted:,} deleted" if the_plan.scope is not None else "")
        + ")"
        + (f"; {len(invalid):,} rejected rows are in the rejects CSV." if invalid else ".")
    )


def _refuse_rows(report: ImportReport, invalid: int, total: int) -> None:
    report.status = Status.REFUSED
    report.message = (
        f"Refused: {invalid:,} of {total:,} rows have problems, so nothing was written. "
        f"Fix them, or import the {total - invalid:,} valid rows with --skip-invalid "
        "(“Skip invalid rows” on the web)."
    )


def _describe_table(report: ImportReport, table: Table) -> None:
    report.format = table.format
    report.encoding = table.encoding
    report.encoding_note = table.encoding_note
    report.delimiter = table.delimiter_name
    report.sheet = table.sheet
    report.other_sheets = table.other_sheets
    if table.encoding_note and table.encoding not in ("utf-8", ""):
        report.observations.append(f"Encoding: {table.encoding_note}.")
    if table.other_sheets:
        report.observations.append(
            f"Read only the sheet {table.sheet!r}; the workbook also has "
            f"{', '.join(repr(s) for s in table.other_sheets)} (choose one with --sheet)."
        )
    if table.blank_lines:
        report.observations.append(f"{fmt.count(table.blank_lines, 'blank line')} skipped.")


def _observe(
    report: ImportReport, validator: Validator, rows: list[Row], scale: dict[str, Decimal]
) -> None:
    obs = report.observations
    for field, factor in scale.items():
        column = validator.bound.get(field, (0, field))[1]
        obs.append(
            f"{field}: values in column {column!r} are multiplied by {factor:,} "
            "(scale in the mapping; e.g. revenue given in millions)."
        )
    if report.unmapped_columns:
        obs.append(f"Columns not imported: {', '.join(report.unmapped_columns)}.")
    obs.extend(validator.notes)
    typos = [w for w in report.warnings if w["message"].startswith("looks like a typo")]
    if typos:
        obs.append(
            "Possible typos (kept as written, see warnings): "
            + ", ".join(f"{w['value']!r} {w['message']}" for w in typos)
        )
    for item in report.applied_suggestions:
        obs.append(
            f"{item['column']} {item['value']!r} resolved to {item['resolved_to']!r} "
            f"in {item['rows']:,} rows ({item['how']})."
        )
    if validator.spec.name == "opportunities":
        lost0 = sum(1 for r in rows if r.data.get("status") == "lost" and r.data.get("amount") == 0)
        if lost0:
            obs.append(
                f"{lost0:,} lost deals have amount 0: this source does not record the value of "
                "lost deals, so lost value cannot be measured from it."
            )
        won = sum(
            (
                r.data.get("amount") or Decimal(0)
                for r in rows
                if r.ok and r.data.get("status") == "won"
            ),
            Decimal(0),
        )
        obs.append(f"Won amount in the valid rows: {fmt.money(won, 2)}.")
        no_account = sum(
            1
            for r in rows
            if "account" in validator.bound
            and not r.data.get("account")
            and not validator.cell(r.raw, "account")
        )
        if no_account:
            obs.append(
                f"{no_account:,} rows have no account: rejected, an opportunity needs an account."
            )
    obs.extend(owner_observations(validator))


def _users_without_deals(report: ImportReport, validator: Validator, valid: list[Row]) -> None:
    from accountplan.core.models import User

    usernames = [r.data["username"] for r in valid if r.data.get("username")]
    users = list(User.objects.filter(username__in=usernames))
    if not Opportunity.objects.exists():
        report.observations.append("No opportunities in the book yet: deals per user unknown.")
        return
    with_deals = set(
        Opportunity.objects.filter(owner__in=users).values_list("owner_id", flat=True).distinct()
    )
    idle = [str(u) for u in users if u.pk not in with_deals]
    if idle:
        report.observations.append(
            f"{fmt.count(len(idle), 'imported user')} own no opportunity: "
            f"{', '.join(sorted(idle))}."
        )


def rejects_csv(table: Table, invalid: list[Row]) -> str:
    """The rejected rows with their original columns plus ``line`` and ``reason``."""
    if not invalid:
        return ""
    out = io.StringIO()
    writer = csv.writer(out)
    taken = {h.strip().casefold() for h in table.headers}
    extra = [name if name not in taken else f"import_{name}" for name in ("line", "reason")]
    writer.writerow(safe_header([*table.headers, *extra]))
    width = len(table.headers)
    for row in invalid:
        cells = (row.raw + [""] * width)[:width]
        reasons = "; ".join(
            f"{e.column + ': ' if e.column else ''}{e.reason}"
            + (f" (did you mean {e.suggestion!r}?)" if e.suggestion else "")
            for e in row.errors
        )
        writer.writerow(safe_row([*cells, row.line, reasons]))
    return out.getvalue()


def _record(
    report: ImportReport,
    source: ImportSource,
    options: ImportOptions,
    user: User | None,
    run: ImportRun | None,
) -> None:
    if run is None:
        run = ImportRun(user=user, source="cli" if user is None else "web")
    run.entity = report.entity[:32]
    run.mapping_name = report.mapping[:120]
    run.file_name = source.name[:255]
    run.file_size = len(source.data)
    run.options = options.to_dict()
    run.status = report.status
    run.rows_read = report.rows_read
    run.valid = report.valid
    run.created = report.created
    run.updated = report.updated
    run.unchanged = report.unchanged
    run.rejected = report.rejected
    run.report = report.to_dict()
    run.rejects_csv = report.rejects_csv
    run.finished_at = timezone.now()
    run.file_data = None  # the file is not needed once the run is done
    run.save()
    report.run_id = run.pk


@dataclass
class Preview:
    """The first rows of a file as the mapping reads them, before anything is written."""

    report: ImportReport
    fields: list[str]
    rows: list[dict[str, Any]]


def preview_import(
    entity: str,
    source: ImportSource,
    mapping: Mapping | str,
    *,
    options: ImportOptions,
    limit: int = 10,
) -> Preview:
    """Read ``source``, bind its columns and convert the first ``limit`` rows; write nothing."""
    report = ImportReport(entity=entity, file=source.name, mapping=str(mapping))
    fields: list[str] = []
    rows: list[dict[str, Any]] = []
    try:
        spec = get_entity(entity)
        the_mapping = resolve_mapping(mapping)
        report.mapping = the_mapping.name
        table = read_table(source.data, source.name, sheet=options.sheet)
        _describe_table(report, table)
        report.rows_read = len(table.rows)
        validator = Validator(
            spec,
            the_mapping.for_entity(spec.name),
            table,
            accept_suggestions=options.accept_suggestions,
        )
        validator.bind()
        validator.check_shape(the_mapping)
        report.columns = validator.column_map()
        report.unmapped_columns = validator.unmapped
        report.errors = list(validator.file_issues)
        if not table.rows:
            report.errors.append(Issue(1, "", "", "the file has a header but no data rows"))
        if report.errors:
            return Preview(report, fields, rows)
        fields = validator.written_fields
        for row in validator.run(limit=limit):
            shown = {f: _display(row, f, validator) for f in fields}
            rows.append({"line": row.line, "values": shown, "errors": row.errors})
            report.errors.extend(row.errors)
        report.warnings = validator.warnings.as_list()
    except ImportFailed as exc:
        report.errors.insert(0, Issue(1, "", "", exc.message))
    return Preview(report, fields, rows)


def _display(row: Row, field: str, validator: Validator) -> str:
    if field in row.pending:
        return f"{validator.cell(row.raw, field)} (a row of this file)"
    if field in row.create:
        return f"{row.create[field]} (new)"
    value = row.data.get(field)
    spec = validator.spec.field(field)
    if spec.kind == "ref":
        return validator.cell(row.raw, field) or "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "—" if value is None or value == "" else str(value)


def owner_observations(v: Validator) -> list[str]:
    """Known vs unknown values of warn-only references (owners)."""
    out = []
    for fs in v.spec.fields:
        if fs.kind == "ref" and fs.warn_unknown and fs.name in v.ref_values:
            values = v.ref_values[fs.name]
            unknown = sorted(value for value, known in values.items() if not known)
            line = (
                f"{fs.name.capitalize()}s: {len(values)} distinct in the file, "
                f"{len(values) - len(unknown)} known users, {len(unknown)} unknown"
            )
            if unknown:
                line += (
                    f" (left empty; import the users first, then re-import this file): "
                    f"{', '.join(unknown[:10])}{'…' if len(unknown) > 10 else ''}"
                )
            out.append(line)
    return out

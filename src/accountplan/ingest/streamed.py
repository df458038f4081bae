"""A streamed import from start to report: pass 1, pass 2, all or nothing, the report.

Called by ``services._run`` for the entities and files ``stream.eligible`` accepts; returns
False (nothing done) when the file turns out to need the classic reader.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, transaction

from accountplan.core import fmt
from accountplan.followup.services import create_micro_plans
from accountplan.ingest import stream, streamwrite
from accountplan.ingest.entities import EntitySpec
from accountplan.ingest.errors import ImportFailed
from accountplan.ingest.mappings import EntityMapping
from accountplan.ingest.replace import scope_observation
from accountplan.ingest.report import ImportReport, Status
from accountplan.ingest.validation import Row, Validator
from accountplan.portfolio.services import rescore_after_import

if TYPE_CHECKING:
    from accountplan.ingest.services import ImportOptions, ImportSource


def run_streamed(
    report: ImportReport,
    spec: EntitySpec,
    em: EntityMapping,
    source: ImportSource,
    options: ImportOptions,
) -> bool:
    """Import ``source`` the streaming way; False when the classic path must do it."""
    from accountplan.ingest import services

    if em.mode != "replace" and spec.model._default_manager.exists():
        return False  # upserting against lines already in the book: the classic path matches them
    table, start = stream.header_of(source.data)
    total = source.data.count(b"\n", start)
    validator = Validator(spec, em, table, accept_suggestions=options.accept_suggestions)
    validator.bind()
    if validator.file_issues or total == 0:
        return False  # the classic path words these refusals
    progress = options.progress

    def tick(phase: str) -> Any:
        if progress is None:
            return None
        return lambda done: progress(phase, done, total)

    started = time.monotonic()
    try:
        p1 = stream.read_stream(validator, source.data, start, tick("validate"))
    except stream.NotPlain:
        return False
    read = time.monotonic() - started
    try:
        wrote = _finish(report, p1, em, options, services, tick)
    finally:
        p1.folder.cleanup()
    report.observations.append(
        f"Read by the streaming importer in chunks ({fmt.count(len(p1.parts), 'chunk')}; read and "
        f"validated in {read:.1f} s, written in {wrote:.1f} s)."
    )
    return True


def _finish(
    report: ImportReport,
    p1: stream.Pass1,
    em: EntityMapping,
    options: ImportOptions,
    services: Any,
    tick: Any,
) -> float:
    """Pass 2 and the report; returns the seconds spent writing."""
    v = p1.validator
    services._describe_table(report, p1.table)
    report.rows_read = p1.rows
    report.columns = v.column_map()
    report.unmapped_columns = v.unmapped
    replace = em.mode == "replace"
    plan = streamwrite.StreamPlan()
    streamwrite.check_keys(p1, plan, replace)
    if replace and options.skip_invalid:
        streamwrite.cascade_accounts(p1, plan)
    invalid = sorted([*p1.invalid, *plan.rejected], key=lambda r: r.line)
    report.rejected = len(invalid)
    report.valid = p1.rows - len(invalid)
    report.errors = sorted((e for r in invalid for e in r.errors), key=lambda e: e.line)
    report.warnings = v.warnings.as_list()
    report.applied_suggestions = v.applied_list()
    report.rejects_csv = services.rejects_csv(p1.table, invalid)
    services._observe(report, v, invalid, em.scale)
    report.reconciliation = _reconcile(p1, plan, written=False)
    if invalid and not options.skip_invalid:
        services._refuse_rows(report, len(invalid), p1.rows)
        return 0.0
    if replace:
        streamwrite.plan_replace(p1, plan)
    plan.creates = report.valid - plan.unchanged
    report.created = plan.creates
    report.unchanged = plan.unchanged
    report.deleted = len(plan.deletes)
    if plan.scope is not None:
        report.observations.append(
            scope_observation(plan.scope, report.unchanged, report.deleted, report.created)
        )
    if options.dry_run:
        report.status = Status.DRY_RUN
        report.message = "Dry run: checked every row and wrote nothing."
        return 0.0
    started = time.monotonic()
    try:
        with transaction.atomic():
            streamwrite.write(p1, plan, tick("write"))
            if options.on_written is not None:
                options.on_written(report)
            # Lost deals get their micro-plan in the same transaction (a few batched queries).
            create_micro_plans()
    except DatabaseError as exc:
        report.created = report.updated = report.unchanged = report.deleted = 0
        raise ImportFailed(f"The database refused the rows ({exc}); nothing was written.") from exc
    transaction.on_commit(rescore_after_import)
    report.status = Status.PARTIAL if invalid else Status.IMPORTED
    report.reconciliation = _reconcile(p1, plan, written=True)
    report.message = (
        f"Imported {report.valid:,} rows ({report.created:,} created, 0 updated, "
        f"{report.unchanged:,} unchanged"
        + (f", {report.deleted:,} deleted" if plan.scope is not None else "")
        + ")"
        + (f"; {len(invalid):,} rejected rows are in the rejects CSV." if invalid else ".")
    )
    return time.monotonic() - started


def _reconcile(p1: stream.Pass1, plan: streamwrite.StreamPlan, *, written: bool) -> dict[str, Any]:
    """``reconcile.reconcile`` from the streamed sums (rows rejected in pass 2 moved over)."""
    rejected = len(p1.invalid) + len(plan.rejected)
    valid = p1.rows - rejected
    counts = {
        "file": p1.rows,
        "valid": valid,
        "rejected": rejected,
        "imported": valid if written else 0,
    }
    totals = []
    v = p1.validator
    for name, sums in p1.totals.items():
        moved = sum(
            (_value(r, name) for r in plan.rejected if v.cell(r.raw, name)), Decimal("0.00")
        )
        ok = sums.valid - moved
        bad = sums.file - ok
        totals.append(
            {
                "field": name,
                "column": v.bound[name][1],
                "file": str(sums.file),
                "valid": str(ok),
                "rejected": str(bad),
                "imported": str(ok if written else Decimal("0.00")),
                "not_numbers": len(sums.unread),
                "not_number_lines": sorted(sums.unread)[:5],
            }
        )
    return {"rows": counts, "totals": totals}


def _value(row: Row, name: str) -> Decimal:
    value = row.data.get(name)
    return value if isinstance(value, Decimal) else Decimal(0)

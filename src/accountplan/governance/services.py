"""Running the rules and keeping the findings: upsert, auto-close, snooze; plan health.

``run_rules`` evaluates every enabled rule over the whole book and reconciles the result with the
open findings in a few bulk statements: a finding found again keeps its ``opened_at``; a new one
is created; an open one not found again is closed. A rule that fails leaves its own findings as
they were (the error is recorded on the run) and the others still run.
"""

from __future__ import annotations

import datetime as dt
import time
import traceback
from collections import Counter
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accountplan.core.errors import DomainError
from accountplan.governance.health import Health, plan_health
from accountplan.governance.models import (
    SEVERITY_WEIGHT,
    Finding,
    FindingSnooze,
    PlanHealth,
    RuleRun,
    Severity,
)
from accountplan.governance.rules.context import RuleContext, chunks
from accountplan.governance.rules.registry import Hit, get, rules
from accountplan.governance.settings_toml import effective
from accountplan.plans.completeness import completeness
from accountplan.plans.models import AccountPlan, PlanSection, PlanStatus

Key = tuple[str, int, int | None, str]


def evaluate(ctx: RuleContext) -> tuple[dict[str, list[Hit]], dict[str, float], dict[str, str]]:
    """Every enabled rule's hits, the seconds each took (work several rules share under its own
    label, e.g. the relationship maps' pass), and the errors of those that failed."""
    settings = effective()
    found: dict[str, list[Hit]] = {}
    timings: dict[str, float] = {}
    errors: dict[str, str] = {}
    for rule in rules():
        enabled, values = settings[rule.code]
        if not enabled:
            found[rule.code] = []
            continue
        started = time.perf_counter()
        shared_before = sum(ctx.shared_seconds.values())
        try:
            found[rule.code] = rule.check(ctx, values)
        except Exception:
            errors[rule.code] = traceback.format_exc(limit=3)
        # Work shared by several rules (the relationship maps' pass) is reported on its own.
        shared = sum(ctx.shared_seconds.values()) - shared_before
        timings[rule.code] = round(max(0.0, time.perf_counter() - started - shared), 4)
    timings.update({label: round(s, 4) for label, s in ctx.shared_seconds.items()})
    return found, timings, errors


def _values(ctx: RuleContext, hits: list[Hit]) -> dict[int, Decimal]:
    return {aid: s.value for aid, s in ctx.scores(h.account_id for h in hits).items()}


@transaction.atomic
def store(ctx: RuleContext, found: dict[str, list[Hit]], now: dt.datetime) -> tuple[int, int, int]:
    """Reconcile the hits with the open findings of the rules that ran: (opened, kept, closed)."""
    all_hits = [h for hs in found.values() for h in hs]
    values = _values(ctx, all_hits)
    fields = ["rule_version", "severity", "summary", "evidence", "fix_url", "rank"]
    open_rows: dict[Key, tuple[Any, ...]] = {
        (row[1], row[2], row[3], row[4]): (row[0], *row[5:])
        for row in Finding.objects.open()
        .filter(rule__in=list(found))
        .values_list("pk", "rule", "account_id", "plan_id", "subject", *fields)
    }
    new: list[Finding] = []
    kept: list[Finding] = []
    seen: set[Key] = set()
    for code, hits in found.items():
        rule = get(code)
        assert rule is not None
        for h in hits:
            key = (code, h.account_id, h.plan_id, h.subject)
            if key in seen:
                continue
            seen.add(key)
            severity = h.severity or rule.severity
            row = Finding(
                rule=code,
                rule_version=rule.version,
                severity=severity,
                account_id=h.account_id,
                plan_id=h.plan_id,
                subject=h.subject,
                summary=h.summary[:500],
                evidence=[e.as_dict() for e in h.evidence],
                fix_url=h.fix_url,
                rank=values.get(h.account_id, Decimal(0)) * SEVERITY_WEIGHT[Severity(severity)],
                last_seen_at=now,
            )
            if key in open_rows:
                pk, *stored = open_rows[key]
                row.pk = pk
                if stored != [getattr(row, f) for f in fields]:
                    kept.append(row)  # only what changed is written back
            else:
                row.opened_at = now
                new.append(row)
    Finding.objects.bulk_create(new, batch_size=1000)
    # bulk_update writes one CASE per field and row: small batches keep each statement cheap.
    Finding.objects.bulk_update(kept, fields, batch_size=100)
    gone = [v[0] for key, v in open_rows.items() if key not in seen]
    for batch in chunks(gone):
        Finding.objects.filter(pk__in=batch).update(closed_at=now)
    Finding.objects.open().filter(rule__in=list(found)).update(last_seen_at=now)
    return len(new), len(seen) - len(new), len(gone)


def compute_health(today: dt.date, plan_ids: list[int] | None = None) -> dict[int, Health]:
    """The health of the active plans (or of ``plan_ids``), stored for the plans list."""
    plans = AccountPlan.objects.filter(status=PlanStatus.ACTIVE)
    if plan_ids is not None:
        plans = plans.filter(pk__in=plan_ids)
    changed = dict(plans.values_list("pk", "updated_at"))
    sections: dict[int, dict[str, Any]] = {pk: {} for pk in changed}
    counts: dict[int, Counter[str]] = {pk: Counter() for pk in changed}
    for batch in chunks(sorted(changed)):
        for pid, key, data, updated in PlanSection.objects.filter(plan_id__in=batch).values_list(
            "plan_id", "key", "data", "updated_at"
        ):
            sections[pid][key] = (data, updated)
        for pid, sev in (
            Finding.objects.open().filter(plan_id__in=batch).values_list("plan_id", "severity")
        ):
            counts[pid][sev] += 1
    out: dict[int, Health] = {}
    rows = []
    for pid, updated in changed.items():
        pct = completeness(sections[pid], today).percent
        days = max(0, (today - timezone.localtime(updated).date()).days)
        h = plan_health(pct, days, counts[pid]["red"], counts[pid]["amber"])
        out[pid] = h
        rows.append(
            PlanHealth(
                plan_id=pid,
                score=h.score,
                band=h.band,
                days_since_change=days,
                open_findings=counts[pid]["red"] + counts[pid]["amber"],
                parts=h.as_dict(),
                computed_at=timezone.now(),
            )
        )
    with transaction.atomic():
        for batch in chunks(sorted(changed)):
            PlanHealth.objects.filter(plan_id__in=batch).delete()
        if plan_ids is None:
            PlanHealth.objects.exclude(plan__status=PlanStatus.ACTIVE).delete()
        PlanHealth.objects.bulk_create(rows, batch_size=1000)
    return out


def run_rules(trigger: str = "cli", today: dt.date | None = None) -> RuleRun:
    """Run every enabled rule, reconcile the findings, refresh the plans' health."""
    day = today or timezone.localdate()
    run = RuleRun.objects.create(trigger=trigger)
    ctx = RuleContext(day)
    found, timings, errors = evaluate(ctx)
    started = time.perf_counter()
    run.opened, run.kept, run.closed = store(ctx, found, timezone.now())
    timings["(store)"] = round(time.perf_counter() - started, 4)
    started = time.perf_counter()
    compute_health(day)
    timings["(health)"] = round(time.perf_counter() - started, 4)
    run.timings, run.errors, run.finished_at = timings, errors, timezone.now()
    run.save()
    _refresh_statistics()
    return run


#: Tables the home page reads through their indexes; their statistics are refreshed after each
#: run (SQLite never gathers them by itself: without them the planner drove the home page's
#: action lists from every active plan, 100-250 ms, instead of the open-due index, under 1 ms).
HOME_TABLES = (
    "governance_finding",
    "plans_accountplan",
    "plans_planaction",
    "followup_review",
    "followup_lastreview",
    "followup_reviewdue",
)


def _refresh_statistics() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in HOME_TABLES:
            cursor.execute(f"ANALYZE {table}")


def snooze(finding: Finding, user: Any, reason: str, until: dt.date) -> FindingSnooze:
    """Hide an open finding until ``until`` (a future date) with a reason; the history is kept."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why you snooze this finding.")
    if until <= timezone.localdate():
        raise DomainError("Snooze until a date after today.")
    if finding.closed_at is not None:
        raise DomainError("This finding is closed already.")
    with transaction.atomic():
        row = FindingSnooze.objects.create(
            finding=finding, user=user, reason=reason[:300], until=until
        )
        Finding.objects.filter(pk=finding.pk).update(
            snoozed_until=until, snooze_reason=reason[:300]
        )
    return row


def last_run() -> RuleRun | None:
    found: RuleRun | None = RuleRun.objects.filter(finished_at__isnull=False).first()
    return found


def run_is_due(max_age: dt.timedelta = dt.timedelta(days=1)) -> bool:
    """True when no run finished in the last ``max_age`` (the worker then queues one)."""
    run = last_run()
    return run is None or run.finished_at is None or timezone.now() - run.finished_at > max_age

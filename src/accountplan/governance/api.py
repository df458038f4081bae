"""JSON endpoints of the findings and plan health (same scoping as the pages: core/scoping).

``GET /api/findings`` lists open findings the caller may see (``mine=true``: the home page's
"needs my attention"); ``POST /api/findings/{id}/snooze`` snoozes one (not for Viewers);
``GET /api/plans/{id}/health`` is the plan's health now, with its explained parts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from accountplan.core.api_auth import api_user
from accountplan.core.api_common import (
    AUTH_ERRORS,
    DETAIL_ERRORS,
    MAX_LIMIT,
    ErrorOut,
    ObjectId,
    get_visible,
)
from accountplan.core.errors import DomainError, Forbidden
from accountplan.governance import selectors, services
from accountplan.governance.api_rows import finding_row
from accountplan.governance.health import plan_health
from accountplan.governance.models import Finding
from accountplan.plans.completeness import completeness
from accountplan.plans.models import AccountPlan, PlanSection
from accountplan.plans.querysets import may_write_plans

router = Router(tags=["governance"])


class EvidenceOut(Schema):
    label: str
    date: str | None = None
    url: str | None = None


class FindingOut(Schema):
    id: int
    rule: str
    rule_label: str
    rule_version: int
    severity: str
    account_id: int
    account_external_id: str | None
    account: str
    plan_id: int | None
    plan_period: str | None
    summary: str
    evidence: list[EvidenceOut]
    link: str
    opened_at: str
    snoozed_until: str | None
    snooze_reason: str


class FindingPage(Schema):
    items: list[FindingOut]
    count: int
    limit: int
    offset: int


class FindingFilter(Schema):
    mine: bool = Field(False, description="Only what needs my attention (as on the home page).")
    rule: str | None = Field(None, max_length=64)
    severity: str | None = Field(None, pattern="^(red|amber)$")
    account: ObjectId | None = None
    plan: ObjectId | None = None
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000_000)


class SnoozeIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300)
    until: dt.date


class HealthPart(Schema):
    key: str
    label: str
    value: float
    weight: int
    explain: str


class HealthOut(Schema):
    plan_id: int
    score: int
    band: str
    parts: list[HealthPart]
    open_findings: list[FindingOut]


@router.get("/findings", response={200: FindingPage, **AUTH_ERRORS}, summary="List findings")
def list_findings(request: HttpRequest, filters: Query[FindingFilter]) -> dict[str, Any]:
    """Open findings the caller may see, best ranked (severity × account value) first."""
    user = api_user(request)
    if filters.mine:
        qs = selectors.attention(user, team=False)
    else:
        visible = Finding.objects.for_user(user).values("pk")
        qs = Finding.objects.open().filter(pk__in=visible).select_related("account", "plan")
        qs = qs.order_by("-rank", "-pk")
    for field, lookup in (
        ("rule", "rule"),
        ("severity", "severity"),
        ("account", "account_id"),
        ("plan", "plan_id"),
    ):
        value = getattr(filters, field)
        if value:
            qs = qs.filter(**{lookup: value})
    page = qs[filters.offset : filters.offset + filters.limit]
    return {
        "items": [finding_row(f) for f in page],
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
    }


@router.post(
    "/findings/{finding_id}/snooze",
    response={200: FindingOut, **DETAIL_ERRORS, 400: ErrorOut},
    summary="Snooze a finding",
)
def snooze_finding(request: HttpRequest, finding_id: ObjectId, body: SnoozeIn) -> Any:
    """Hide an open finding until a later date, with a reason (the history is kept)."""
    user = api_user(request)
    finding = get_visible(Finding.objects.for_user(user), finding_id, "Finding")
    if not may_write_plans(user):
        raise Forbidden("A Viewer cannot snooze findings.")
    try:
        services.snooze(finding, user, body.reason, body.until)
    except DomainError as exc:
        return 400, {"detail": exc.message}
    finding.refresh_from_db()
    return finding_row(finding)


@router.get(
    "/plans/{plan_id}/health", response={200: HealthOut, **DETAIL_ERRORS}, summary="Plan health"
)
def get_plan_health(request: HttpRequest, plan_id: ObjectId) -> dict[str, Any]:
    """The plan's health now: completeness, freshness and open findings, each explained."""
    user = api_user(request)
    plan = get_visible(AccountPlan.objects.for_user(user), plan_id, "Plan")
    today = timezone.localdate()
    sections = {
        key: (data, updated)
        for key, data, updated in PlanSection.objects.filter(plan=plan).values_list(
            "key", "data", "updated_at"
        )
    }
    findings = list(
        Finding.objects.open().filter(plan=plan).select_related("account", "plan").order_by("-rank")
    )
    count = Counter(f.severity for f in findings)
    days = max(0, (today - timezone.localtime(plan.updated_at).date()).days)
    h = plan_health(completeness(sections, today).percent, days, count["red"], count["amber"])
    return {"plan_id": plan.pk, **h.as_dict(), "open_findings": [finding_row(f) for f in findings]}

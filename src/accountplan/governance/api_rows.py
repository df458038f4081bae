"""One finding as plain JSON (CLI, API, digest share it)."""

from __future__ import annotations

from typing import Any

from accountplan.governance.models import Finding
from accountplan.governance.rules.registry import get


def finding_row(f: Finding, base: str = "") -> dict[str, Any]:
    rule = get(f.rule)
    return {
        "id": f.pk,
        "rule": f.rule,
        "rule_label": rule.label if rule else f.rule,
        "rule_version": f.rule_version,
        "severity": f.severity,
        "account_id": f.account_id,
        "account_external_id": f.account.external_id,
        "account": f.account.name,
        "plan_id": f.plan_id,
        "plan_period": f.plan.period if f.plan_id and f.plan else None,
        "summary": f.summary,
        "evidence": [
            {**e, "url": base + e["url"]} if e.get("url") else e for e in (f.evidence or [])
        ],
        "link": base + f.fix_url,
        "opened_at": f.opened_at.isoformat(),
        "snoozed_until": f.snoozed_until.isoformat() if f.snoozed_until else None,
        "snooze_reason": f.snooze_reason,
    }

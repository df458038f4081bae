"""Management commands of the follow-up; shared JSON shape of a micro-plan."""

from __future__ import annotations

from typing import Any

from accountplan.followup.models import LostDealPlan


def lost_deals_json(m: LostDealPlan) -> dict[str, Any]:
    """A micro-plan as JSON-ready data (money as decimal strings, dates ISO)."""

    def s(v: Any) -> str | None:
        return None if v is None else str(v)

    return {
        "id": m.pk,
        "opportunity_id": m.opportunity_id,
        "opportunity_external_id": m.opportunity.external_id,
        "account_id": m.account_id,
        "account_external_id": m.account.external_id,
        "account": m.account.name,
        "owner": m.owner.username if m.owner else None,
        "status": m.status,
        "reengage_on": m.reengage_on.isoformat(),
        "snapshot": {
            "lost_on": m.lost_on.isoformat(),
            "amount": s(m.amount),
            "product": m.product,
            "competitor": m.competitor,
            "reason": m.reason,
            "account_revenue": s(m.account_revenue),
            "whitespace_value": s(m.whitespace_value),
            "play": m.play,
            "tier": m.tier,
        },
        "winback_opportunity_id": m.winback_id,
    }

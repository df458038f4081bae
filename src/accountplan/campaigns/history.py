"""A campaign's history: who created, edited, launched or deleted it, when, and each field's
value before and after, written as the campaign page shows it (labels, money, dates, names).

The values are stored as text at the time of the change (``CampaignChange.changes``), so the
history reads the same after a product is renamed or the campaign is deleted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accountplan.campaigns.models import Campaign, CampaignChange, CampaignPlay, ChangeAction
from accountplan.core import fmt

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accountplan.core.models import User

#: Every field a person edits, with its label, in the form's order.
LABELS: dict[str, str] = {
    "name": "Name",
    "play": "Play",
    "products": "Target products",
    "families": "Target families",
    "start_date": "Start",
    "end_date": "End",
    "owner": "Owner",
    "budget": "Budget",
    "message_brief": "Message brief",
    "territory": "Territory",
    "industry": "Industry",
    "tier": "Tier",
    "min_whitespace": "Minimum white space in the target products",
    "propensity": "Only accounts whose next best products include a target product",
    "control_share": "Control share",
    "seed": "Seed",
    "influence_days": "Influenced window: days after the end",
}


def values(c: Campaign) -> dict[str, str]:
    """The campaign's editable fields as a reader sees them (a blank is an em dash)."""
    products = sorted(c.products.values_list("name", flat=True)) if c.pk else []
    return {
        "name": c.name,
        "play": str(CampaignPlay(c.play).label) if c.play in CampaignPlay.values else c.play,
        "products": ", ".join(products) or fmt.DASH,
        "families": ", ".join(c.families or []) or fmt.DASH,
        "start_date": fmt.date(c.start_date),
        "end_date": fmt.date(c.end_date),
        "owner": str(c.owner) if c.owner_id else fmt.DASH,
        "budget": fmt.money(c.budget, 2),
        "message_brief": c.message_brief or fmt.DASH,
        "territory": c.territory or "Any",
        "industry": c.industry or "Any",
        "tier": f"Tier {c.tier}" if c.tier else "Any",
        "min_whitespace": fmt.money(c.min_whitespace, 2),
        "propensity": "Yes" if c.propensity else "No",
        "control_share": fmt.percent(c.control_share, 1),
        "seed": str(c.seed),
        "influence_days": fmt.number(c.influence_days),
    }


def diff(before: dict[str, str], after: dict[str, str]) -> list[dict[str, str]]:
    """The fields whose shown value changed, in the form's order."""
    return [
        {"field": LABELS[k], "old": before[k], "new": after[k]}
        for k in LABELS
        if before.get(k) != after.get(k)
    ]


def record(
    campaign: Campaign,
    user: User | None,
    action: str,
    changes: list[dict[str, str]] | None = None,
) -> CampaignChange:
    """Write one history row (``campaign`` is None-linked for a deletion)."""
    return CampaignChange.objects.create(
        campaign=None if action == ChangeAction.DELETED else campaign,
        campaign_name=campaign.name,
        action=action,
        changes=changes or [],
        changed_by=user if user is not None and user.pk else None,
    )


def of(campaign: Campaign) -> QuerySet[CampaignChange]:
    """The campaign's history, newest first."""
    return campaign.changes.select_related("changed_by").order_by("-changed_at", "-pk")


def as_dict(row: CampaignChange) -> dict[str, Any]:
    """One history row for the API and the CLI."""
    return {
        "id": row.pk,
        "action": row.action,
        "campaign_name": row.campaign_name,
        "changed_at": row.changed_at.isoformat(),
        "changed_by": str(row.changed_by) if row.changed_by_id else None,
        "changes": list(row.changes or []),
    }

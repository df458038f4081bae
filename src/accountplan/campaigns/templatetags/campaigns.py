"""``{% campaigns_touching account %}``: the campaigns an account is (or was) frozen into, for the
account page and its plans; on a plan, also the campaigns its actions link to."""

from __future__ import annotations

from typing import Any

from django import template

from accountplan.campaigns.models import Campaign, CampaignMember
from accountplan.plans.selectors import stored_section_data

register = template.Library()


@register.inclusion_tag("campaigns/partials/touching.html")
def campaigns_touching(account: Any, plan: Any = None) -> dict[str, Any]:
    """The account's memberships (newest campaign first, at most 20) and, for a plan, the
    campaigns its actions link to. Two queries."""
    members = list(
        CampaignMember.objects.filter(account_id=account.pk)
        .select_related("campaign")
        .order_by("-campaign__start_date", "-campaign_id")[:20]
    )
    linked: list[dict[str, Any]] = []
    if plan is not None:
        actions = (stored_section_data(plan).get("actions") or {}).get("actions", [])
        ids = {a.get("campaign_id") for a in actions if a.get("campaign_id")}
        names = dict(Campaign.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
        linked = [
            {
                "action": a.get("title", ""),
                "campaign_id": a["campaign_id"],
                "campaign": names[a["campaign_id"]],
            }
            for a in actions
            if a.get("campaign_id") in names
        ]
    return {"members": members, "linked": linked, "account": account}

"""``{% salesforce_conflicts plan %}``: the conflicts the last Salesforce import left on a plan."""

from __future__ import annotations

from typing import Any

from django import template

from accountplan.salesforce.models import PlanLink

register = template.Library()


@register.inclusion_tag("salesforce/partials/conflicts.html", takes_context=True)
def salesforce_conflicts(context: dict[str, Any], plan: Any) -> dict[str, Any]:
    """The plan's open conflicts (none: nothing is shown)."""
    link = PlanLink.objects.filter(plan=plan).only("conflicts", "imported_at").first()
    return {
        "plan": plan,
        "conflicts": link.conflicts if link else [],
        "imported_at": link.imported_at if link else None,
        "can_edit": context.get("editable", False),
        "csrf_token": context.get("csrf_token"),
    }

"""The plan page's sharing card: what is shared, what is published, active links."""

from __future__ import annotations

from typing import Any

from django import template

from accountplan.plans.querysets import can_edit
from accountplan.sharing import links, services
from accountplan.sharing.models import Comment
from accountplan.sharing.views import visibility_rows

register = template.Library()


@register.inclusion_tag("sharing/owner/plan_card.html", takes_context=True)
def sharing_card(context: Any, plan: Any) -> dict[str, Any]:
    """The card, with the visibility form (editable for who may edit the plan)."""
    user = context["request"].user
    return {
        "plan": plan,
        "csrf_token": context.get("csrf_token"),
        "editable": can_edit(user, plan),
        "last": services.latest(plan),
        "active": len(links.active_links(plan)),
        "comments": Comment.objects.filter(plan=plan).count(),
        **visibility_rows(plan),
    }

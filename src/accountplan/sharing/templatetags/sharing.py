"""The plan page's sharing card: what is shared, what is published, active links."""

from __future__ import annotations

from typing import Any

from django import template

from accountplan.plans.querysets import can_edit
from accountplan.sharing import expectations, links, scorecard_services, services
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
        "session": expectations.latest_round(plan),
        **_scores(scorecard_services.history(plan)),
        **visibility_rows(plan, user),
    }


def _scores(rows: list[scorecard_services.PeriodRow]) -> dict[str, Any]:
    return {
        "score_last": rows[-1] if rows else None,
        "score_chart": scorecard_services.chart(rows),
    }


@register.inclusion_tag("sharing/owner/account_scorecard.html")
def customer_scorecard_card(account: Any) -> dict[str, Any]:
    """The account page's card: the customer's weighted score by quarter across its plans
    (nothing when the customer never scored us)."""
    rows = scorecard_services.account_history(account)
    return {"account": account, "rows": list(reversed(rows)), **_scores(rows)}

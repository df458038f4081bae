"""The account page's Plans card: this account's plans with period, status and completeness."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("plans/partials/account_plans_card.html", takes_context=True)
def account_plans_card(context: template.Context, account: Any) -> dict[str, Any]:
    """The visible plans of ``account`` (two queries: plans, their sections) and a New button."""
    from accountplan.plans.list_rows import plan_rows
    from accountplan.plans.models import AccountPlan
    from accountplan.plans.querysets import can_edit_account_plans
    from accountplan.plans.views import default_period

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"rows": [], "account": account}
    plans = list(AccountPlan.objects.for_user(user).filter(account=account).select_related("owner"))
    for p in plans:
        p.account = account  # already loaded: no query per row
    return {
        "rows": plan_rows(user, plans, with_tiers=False),
        "account": account,
        "can_start": can_edit_account_plans(user, account),
        "period": default_period(),
        "csrf_token": context.get("csrf_token"),
    }

"""Contexts of the customer's page, shared by the real page and the owner's preview (which
must look exactly the same, with its forms switched off)."""

from __future__ import annotations

import copy
from typing import Any

from accountplan.plans.models import AccountPlan
from accountplan.plans.sections import ActionStatus
from accountplan.sharing import customer, services
from accountplan.sharing.conf import our_name
from accountplan.sharing.models import ShareLink

#: The customer page's navigation: (anchor or path suffix, label). Later parts (joint
#: expectations, the scorecard) add their entries here.
CUSTOMER_NAV: list[tuple[str, str]] = [("#plan", "Shared plan")]


def _decorate(view: dict[str, Any] | None, plan: AccountPlan) -> dict[str, Any] | None:
    """The view with each item's comment thread attached (a copy: the stored JSON is not
    touched)."""
    if view is None:
        return None
    view = copy.deepcopy(view)
    threads = services.threads(plan)
    for section in view["sections"]:
        for ls in section["lists"]:
            for item in ls["items"]:
                item["thread"] = [
                    {
                        "author": c.author_label,
                        "from_customer": c.from_customer,
                        "at": c.created_at,
                        "body": c.body,
                    }
                    for c in threads.get((section["key"], item["id"]), [])
                ]
    return view


def customer_context(link: ShareLink, token: str, *, preview: bool) -> dict[str, Any]:
    """What the customer's page shows through ``link``."""
    return {
        "view": _decorate(customer.published_for(link), link.plan),
        "customer_name": link.plan.account.name,
        "period": link.plan.period,
        "us": our_name(),
        "link": link,
        "token": token,
        "preview": preview,
        "statuses": ActionStatus.choices,
        "nav": CUSTOMER_NAV,
    }


def preview_context(plan: AccountPlan) -> dict[str, Any]:
    """The owner's preview: the view a publish would freeze now, as the customer will see it."""
    return {
        "view": _decorate(services.current_view(plan), plan),
        "customer_name": plan.account.name,
        "period": plan.period,
        "us": our_name(),
        "link": None,
        "token": "",
        "preview": True,
        "statuses": ActionStatus.choices,
        "nav": CUSTOMER_NAV,
    }

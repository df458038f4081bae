"""Contexts of the customer's page, shared by the real page and the owner's preview (which
must look exactly the same, with its forms switched off)."""

from __future__ import annotations

import copy
from typing import Any

from django.utils import timezone

from accountplan.plans.models import AccountPlan
from accountplan.plans.section_choices import ActionStatus
from accountplan.sharing import customer, expectations, scorecard_services, services
from accountplan.sharing import scorecard as sc
from accountplan.sharing.conf import our_name
from accountplan.sharing.models import ShareLink, Side

#: The customer page's navigation: (anchor, label): the shared plan, joint expectations, the
#: customer's scorecard of us.
CUSTOMER_NAV: list[tuple[str, str]] = [
    ("#plan", "Shared plan"),
    ("#expectations", "Expectations"),
    ("#scorecard", "Scorecard"),
]


def joint_context(plan: AccountPlan) -> dict[str, Any]:
    """The customer's side of joint expectations and of the scorecard (no internal field: the
    customer's own writing, our expectations once revealed, the scores they gave)."""
    rows = scorecard_services.history(plan)
    metrics = scorecard_services.active_metrics(plan)
    return {
        "expect": expectations.side_view(expectations.latest_round(plan), Side.CUSTOMER),
        "metric_rows": scorecard_services.metric_rows(plan),
        "metrics": metrics,
        "metric_shares": dict(
            zip([m.pk for m in metrics], sc.shares([m.weight for m in metrics]), strict=True)
        ),
        "score_history": list(reversed(rows)),
        "score_chart": scorecard_services.chart(rows),
        "periods": sc.scoreable_periods(timezone.localdate()),
        "score_choices": [
            ("", "Choose…"),
            ("5", "5 (excellent)"),
            ("4", "4"),
            ("3", "3"),
            ("2", "2"),
            ("1", "1 (poor)"),
            ("na", "N/A"),
        ],
        "max_expectations": range(expectations.MAX_EXPECTATIONS),
    }


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
        **joint_context(link.plan),
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
        **joint_context(plan),
    }

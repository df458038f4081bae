"""The plans list's filters on plan health (stored by the last rules run, ``PlanHealth``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from accountplan.governance.models import Finding


def health_filters(plans: QuerySet[Any], f: dict[str, Any]) -> QuerySet[Any]:
    """Keep the plans whose health band is ``health``, last changed over ``stale`` days ago, and
    with (``yes``) or without (``no``) open findings."""
    if f.get("health"):
        plans = plans.filter(health__band=f["health"])
    if f.get("stale"):
        cutoff = timezone.now() - dt.timedelta(days=int(f["stale"]))
        plans = plans.filter(updated_at__lt=cutoff)
    if f.get("findings") in ("yes", "no"):
        has = Exists(Finding.objects.open().filter(plan_id=OuterRef("pk")))
        plans = plans.filter(has) if f["findings"] == "yes" else plans.filter(~has)
    return plans


def with_active_plan(accounts: QuerySet[Any], planned: str = "") -> QuerySet[Any]:
    """Accounts annotated ``has_active_plan``; ``planned`` "yes"/"no" keeps those with/without."""
    from accountplan.plans.models import AccountPlan, PlanStatus

    has = Exists(AccountPlan.objects.filter(account_id=OuterRef("pk"), status=PlanStatus.ACTIVE))
    accounts = accounts.annotate(has_active_plan=has)
    if planned == "yes":
        return accounts.filter(has_active_plan=True)
    if planned == "no":
        return accounts.filter(has_active_plan=False)
    return accounts

"""The demo book (scale 0.1) with its plans, follow-up, health and fit cases, as `accountplan demo`
writes them, once per module that asks for it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from accountplan.demo.fit_cases import write_fit_cases
from accountplan.demo.followup_cases import write_followup_cases
from accountplan.demo.health_cases import write_health_cases
from accountplan.demo.plans import write_demo_plans
from accountplan.demo.services import load_demo_book, wipe_book
from accountplan.plans.models import AccountPlan, PlanRevision
from accountplan.portfolio.models import Snapshot
from accountplan.portfolio.services import ensure_snapshot
from accountplan.sharing.demo import share_demo_plan

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def demo_plans(django_db_setup: Any, django_db_blocker: Any) -> Iterator[list[AccountPlan]]:
    with django_db_blocker.unblock():
        load_demo_book(7, AS_OF, scale=0.1)
        snapshot = ensure_snapshot(AS_OF, fresh=True)
        assert snapshot is not None
        assert write_demo_plans(snapshot) >= 1
        assert share_demo_plan(f"FY{AS_OF.year}", AS_OF)  # two scored quarters (issue 12)
        # As `accountplan demo` does: micro-plans and reviews, plans with a case for every
        # governance rule (the rules run, findings open), fit answers on open deals.
        write_followup_cases(snapshot.as_of)
        write_health_cases(snapshot)
        write_fit_cases()
        yield list(AccountPlan.objects.select_related("account", "owner").order_by("pk"))
        from accountplan.drafts.models import Draft
        from accountplan.followup.models import Target
        from accountplan.governance.models import RuleRun

        Draft.objects.all().delete()
        Target.objects.all().delete()
        RuleRun.objects.all().delete()
        PlanRevision.objects.all().delete()
        AccountPlan.objects.all().delete()
        Snapshot.objects.all().delete()
        wipe_book()

"""The demo book (scale 0.1) with its tier-1 plans, written once per module that asks for it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from accountplan.demo.plans import write_demo_plans
from accountplan.demo.services import load_demo_book, wipe_book
from accountplan.plans.models import AccountPlan, PlanRevision
from accountplan.portfolio.models import Snapshot
from accountplan.portfolio.services import ensure_snapshot

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def demo_plans(django_db_setup: Any, django_db_blocker: Any) -> Iterator[list[AccountPlan]]:
    with django_db_blocker.unblock():
        load_demo_book(7, AS_OF, scale=0.1)
        snapshot = ensure_snapshot(AS_OF, fresh=True)
        assert snapshot is not None
        assert write_demo_plans(snapshot) >= 1
        yield list(AccountPlan.objects.select_related("account", "owner").order_by("pk"))
        from accountplan.drafts.models import Draft

        Draft.objects.all().delete()
        PlanRevision.objects.all().delete()
        AccountPlan.objects.all().delete()
        Snapshot.objects.all().delete()
        wipe_book()

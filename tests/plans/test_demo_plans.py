"""The demo book ships with complete plans for its tier-1 accounts."""

from __future__ import annotations

import datetime as dt

import pytest

from accountplan.book.models import Contact
from accountplan.demo.plans import write_demo_plans
from accountplan.demo.services import load_demo_book
from accountplan.plans.models import AccountPlan, PlanRevision
from accountplan.plans.selectors import completeness_of
from accountplan.portfolio.models import AccountScore
from accountplan.portfolio.services import ensure_snapshot

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def snapshot(db: None):
    load_demo_book(7, AS_OF, scale=0.1)
    snap = ensure_snapshot(AS_OF, fresh=True)
    assert snap is not None
    return snap


def test_tier_1_accounts_get_complete_plans_tied_to_their_own_contacts(snapshot) -> None:
    written = write_demo_plans(snapshot)
    plans = list(AccountPlan.objects.select_related("account"))
    assert written == len(plans) >= 1
    tier1 = set(
        AccountScore.objects.filter(snapshot=snapshot, tier=1).values_list("account_id", flat=True)
    )
    done = completeness_of(plans, AS_OF)
    for plan in plans:
        assert plan.account_id in tier1
        assert (plan.period, plan.status) == ("FY2026", "active")
        assert done[plan.pk].percent >= 80, done[plan.pk].as_dict()
        rels = plan.sections.get(key="relationships").data["stakeholders"]
        own = set(Contact.objects.filter(account=plan.account).values_list("pk", flat=True))
        assert rels and {s["contact_id"] for s in rels} <= own
        assert PlanRevision.objects.filter(plan=plan).count() == 12  # create + 10 + status


def test_running_twice_adds_no_plan(snapshot) -> None:
    first = write_demo_plans(snapshot)
    assert write_demo_plans(snapshot) == 0
    assert AccountPlan.objects.count() == first

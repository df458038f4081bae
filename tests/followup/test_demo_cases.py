"""The demo book has follow-up cases: micro-plans (some due), compared reviews, targets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accountplan.core.models import Role, User
from accountplan.demo.followup_cases import write_followup_cases
from accountplan.demo.generator import DEMO_AE
from accountplan.demo.health_cases import write_health_cases
from accountplan.demo.plans import write_demo_plans
from accountplan.demo.services import load_demo_book
from accountplan.followup.models import LostDealPlan, Review, Target
from accountplan.followup.selectors import first_reviews_due, reengagements_due, reviews_due
from accountplan.governance.models import Finding
from accountplan.portfolio.services import ensure_snapshot

AS_OF = dt.date(2026, 6, 30)


@pytest.mark.django_db
def test_demo_followup_cases() -> None:
    load_demo_book(7, AS_OF, scale=0.1)
    snap = ensure_snapshot(AS_OF, fresh=True)
    assert snap is not None
    write_demo_plans(snap)
    counts = write_followup_cases(AS_OF)
    assert counts["micro_plans"] == LostDealPlan.objects.count() > 0
    assert counts["reviews"] == Review.objects.count() > 0
    assert Target.objects.filter(owner__isnull=True, territory="").exists()
    manager = User.objects.filter(role=Role.MANAGER).first()
    assert manager is not None
    assert reengagements_due(manager, AS_OF)
    assert reviews_due(manager, AS_OF + dt.timedelta(days=200))


@pytest.mark.django_db
def test_demo_book_has_findings_of_both_follow_up_rules() -> None:
    today = timezone.localdate()
    load_demo_book(7, today, scale=0.1)
    snap = ensure_snapshot(today, fresh=True)
    assert snap is not None
    write_demo_plans(snap)
    write_followup_cases(today)
    write_health_cases(snap, today)  # runs the rules
    found = Finding.objects.open()
    reviews = found.filter(rule="review.due")
    assert {"red", "amber"} <= set(reviews.values_list("severity", flat=True))
    lost = found.filter(rule="lostdeal.reengage")
    assert lost.exists()
    assert lost.filter(evidence__icontains="News signal").exists()
    ae = User.objects.get(username=DEMO_AE)
    mine = Finding.objects.open().filter(account__owner=ae)
    assert mine.filter(rule="review.due").exists()
    assert mine.filter(rule="lostdeal.reengage").exists()


@pytest.mark.django_db
def test_reviews_due_in_the_database_match_every_plan_read_one_by_one() -> None:
    """The due window is filtered in SQL per cadence; recomputed here plan by plan from the rows
    (last review or start, plus the tier's cadence) for windows on both sides of every due date.
    The home slot's first rows (read per cadence) are the whole list's first, its count all."""
    from accountplan.followup.selectors import review_days
    from accountplan.plans.models import AccountPlan, PlanStatus
    from accountplan.portfolio.models import AccountScore

    load_demo_book(7, AS_OF, scale=0.1)
    snap = ensure_snapshot(AS_OF, fresh=True)
    assert snap is not None
    write_demo_plans(snap)
    write_followup_cases(AS_OF)
    manager = User.objects.filter(role=Role.MANAGER).first()
    assert manager is not None
    tiers = dict(AccountScore.objects.filter(snapshot=snap).values_list("account_id", "tier"))
    expected: dict[int, dt.date] = {}
    for plan in AccountPlan.objects.for_user(manager).filter(status=PlanStatus.ACTIVE):
        last = max((r.reviewed_on for r in Review.objects.filter(plan=plan)), default=None)
        start = last or plan.created_at.astimezone(dt.UTC).date()
        expected[plan.pk] = start + dt.timedelta(days=review_days(tiers.get(plan.account_id)))
    assert len(set(expected.values())) > 1
    for today in sorted(set(expected.values()))[:6]:
        for after in (None, today - dt.timedelta(days=30)):
            rows = reviews_due(manager, today, 0, after=after)
            low = after or dt.date.min
            want = {pk for pk, due in expected.items() if low < due <= today}
            assert {r.plan.pk for r in rows if r.plan} == want
            assert all(r.due == expected[r.plan.pk] for r in rows if r.plan)
    # the home slot's first rows and count, read per cadence, against the whole list sorted
    spans = sorted(set(expected.values()))
    for today in spans[:: max(1, len(spans) // 5)]:
        for horizon, after in ((45, None), (45, today + dt.timedelta(days=14)), (400, None)):
            whole = reviews_due(manager, today, horizon, after=after)
            for limit in (1, 3, 20):
                first, count = first_reviews_due(manager, today, horizon, after, limit)
                assert count == len(whole)
                assert [(r.plan.pk, r.due) for r in first if r.plan] == [
                    (r.plan.pk, r.due) for r in whole[:limit] if r.plan
                ]

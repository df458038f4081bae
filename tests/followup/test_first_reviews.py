"""The home slot's reviews coming up are read per cadence, the first few of each, and counted in
the database (``first_reviews_due``): the same first rows, in the same order, and the same count
as the whole list read plan by plan (``reviews_due``), on a book whose plans start on many days,
some the same day, some reviewed, with tiers of both cadences and none."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accountplan.core.models import Role
from accountplan.followup import review_due
from accountplan.followup.models import Review
from accountplan.followup.selectors import first_reviews_due, review_days, reviews_due
from accountplan.plans import services as plan_services
from accountplan.plans.models import AccountPlan, PlanStatus
from accountplan.portfolio.models import AccountScore
from accountplan.portfolio.services import create_snapshot, run_snapshot
from tests.factories import AccountFactory, OpportunityFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 30)


def test_first_reviews_are_the_whole_lists_first_and_the_count_is_all() -> None:
    mgr = UserFactory(username="alice", role=Role.MANAGER)
    product = ProductFactory(name="Gizmo")
    plans = []
    for i in range(48):
        # plans start four a day, the later-created first by name; pairs share a name (ties on
        # the due day are broken by the account's name, then the plan)
        account = AccountFactory(name=f"Account {(100 - i) // 2:03d}", owner=mgr)
        if (i // 4) % 4:  # a quarter of the days' accounts have no revenue: no score, no tier
            OpportunityFactory(
                account=account, product=product, amount=Decimal(100 + i), close_date=TODAY
            )
        plans.append(plan_services.create_plan(account, "FY2026", mgr, status=PlanStatus.ACTIVE))
    snap = create_snapshot(as_of=TODAY, window_months=12)
    run_snapshot(snap)
    scores = AccountScore.objects.filter(snapshot=snap)
    for i, plan in enumerate(plans):  # the plans of a day share a tier
        scores.filter(account_id=plan.account_id).update(tier=1 + (i // 4) % 3)
    for i, plan in enumerate(plans):
        created = dt.datetime.combine(
            TODAY - dt.timedelta(days=(i // 4 * 13) % 300), dt.time(9 + i % 4), dt.UTC
        )
        AccountPlan.objects.filter(pk=plan.pk).update(created_at=created)
        if i % 4 < 2:  # two of each day's four were reviewed, the same day
            reviewed_on = TODAY - dt.timedelta(days=(i // 4 * 17) % 200)
            Review.objects.create(plan=plan, reviewed_on=reviewed_on)

    tiers = dict(scores.values_list("account_id", "tier"))
    assert {review_days(tiers.get(p.account_id)) for p in plans} == {91, 182}

    def same_as_the_whole_list() -> int:
        checked = 0
        for offset in range(-120, 200, 23):
            today = TODAY + dt.timedelta(days=offset)
            for horizon, after in ((45, None), (45, today + dt.timedelta(days=14)), (120, None)):
                whole = reviews_due(mgr, today, horizon, after=after)
                for limit in (1, 3, 7, 100):
                    first, count = first_reviews_due(mgr, today, horizon, after, limit)
                    assert count == len(whole)
                    assert [(r.plan.pk, r.due, r.overdue) for r in first if r.plan] == [
                        (r.plan.pk, r.due, r.overdue) for r in whole[:limit] if r.plan
                    ]
                    checked += len(whole) > limit
        return checked

    assert not review_due.fresh()  # no rules run yet: the days computed on read
    assert same_as_the_whole_list() > 10  # windows that hold more rows than the slot shows
    assert review_due.refresh_all() == len(plans)
    assert review_due.fresh()  # the stored days, read as an index range
    assert same_as_the_whole_list() > 10
    # the stored days follow a review added, a review deleted, a plan archived, a plan created
    Review.objects.create(plan=plans[5], reviewed_on=TODAY - dt.timedelta(days=3))
    Review.objects.filter(plan=plans[4]).delete()  # its only review: back to its start
    Review.objects.create(plan=plans[8], reviewed_on=TODAY - dt.timedelta(days=2)).delete()
    Review.objects.create(plan=plans[2], reviewed_on=TODAY - dt.timedelta(days=1))  # first one
    plan_services.update_plan(plans[9], mgr, status=PlanStatus.ARCHIVED)
    AccountPlan.objects.create(  # started within the windows above
        account=AccountFactory(name="Account 000", owner=mgr),
        period="FY2026",
        status=PlanStatus.ACTIVE,
        created_at=dt.datetime.combine(TODAY - dt.timedelta(days=100), dt.time(8), dt.UTC),
    )
    assert review_due.fresh() and same_as_the_whole_list() > 10
    # a new snapshot's tiers: the stored days are of the old ones, the days computed on read
    run_snapshot(create_snapshot(as_of=TODAY, window_months=12))
    assert not review_due.fresh() and same_as_the_whole_list() > 10


def test_each_plans_last_review_day_follows_its_reviews() -> None:
    """``LastReview`` against the latest review read from the reviews, after adding reviews out
    of order, deleting the latest, deleting the last one, and deleting a reviewed plan."""
    from django.db.models import Max

    from accountplan.followup.models import LastReview

    mgr = UserFactory(username="alice", role=Role.MANAGER)
    plans = [plan_services.create_plan(AccountFactory(owner=mgr), "FY2026", mgr) for _ in range(3)]

    def kept() -> dict[int, dt.date]:
        return dict(LastReview.objects.values_list("plan_id", "reviewed_on"))

    def recount() -> dict[int, dt.date]:
        rows = Review.objects.order_by().values("plan_id").annotate(day=Max("reviewed_on"))
        return {r["plan_id"]: r["day"] for r in rows}

    days = [TODAY, TODAY - dt.timedelta(days=40), TODAY + dt.timedelta(days=3)]
    reviews = [Review.objects.create(plan=plans[i % 2], reviewed_on=d) for i, d in enumerate(days)]
    assert kept() == recount() == {plans[0].pk: days[2], plans[1].pk: days[1]}
    reviews[2].delete()  # the latest of plans[0]
    assert kept() == recount() == {plans[0].pk: days[0], plans[1].pk: days[1]}
    reviews[1].reviewed_on = TODAY + dt.timedelta(days=9)
    reviews[1].save()
    assert kept() == recount() and kept()[plans[1].pk] == TODAY + dt.timedelta(days=9)
    reviews[1].delete()  # plans[1] has no review left
    assert kept() == recount() == {plans[0].pk: days[0]}
    plans[0].delete()
    assert kept() == recount() == {}


def test_a_bulk_write_of_reviews_is_followed_by_a_rebuild() -> None:
    from accountplan.followup.models import LastReview
    from accountplan.followup.signals import rebuild_last_reviews

    mgr = UserFactory(username="alice", role=Role.MANAGER)
    plan = plan_services.create_plan(AccountFactory(owner=mgr), "FY2026", mgr)
    Review.objects.bulk_create(
        [Review(plan=plan, reviewed_on=TODAY - dt.timedelta(days=d)) for d in (30, 5, 60)]
    )
    assert not LastReview.objects.exists()  # the signals do not see a bulk write
    rebuild_last_reviews()
    assert dict(LastReview.objects.values_list("plan_id", "reviewed_on")) == {
        plan.pk: TODAY - dt.timedelta(days=5)
    }

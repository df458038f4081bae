"""From the home page, the follow-up's two kinds of finding (review due or overdue, lost deal due
for re-engagement) link to where they are fixed; fixing them there in the browser (recording
the review, re-engaging the micro-plan) and rerunning the rules closes them (issue 11's
done-when, for the kinds tests/browser/test_home_findings.py leaves to this file)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accountplan.book.choices import OpportunityStatus, OpportunityType
from accountplan.book.models import Opportunity
from accountplan.core.models import Role
from accountplan.followup.models import LostDealPlan, MicroPlanStatus, Review
from accountplan.followup.services import create_micro_plans
from accountplan.governance.models import Finding
from accountplan.governance.services import run_rules
from accountplan.plans import services as plan_services
from accountplan.plans.models import AccountPlan, PlanStatus
from accountplan.portfolio.models import AccountScore, Snapshot
from tests.factories import AccountFactory, OpportunityFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_follow_up_findings_link_to_their_fix_and_close_after_it(
    live_server: Any, login: Any
) -> None:
    today = timezone.localdate()
    ae = UserFactory(username="bob", role=Role.ACCOUNT_EXECUTIVE)
    snap = Snapshot.objects.create(status="done", finished_at=timezone.now(), as_of=today)
    planned, lost_on = AccountFactory(owner=ae, name="Initech"), AccountFactory(owner=ae)
    for acc in (planned, lost_on):
        AccountScore.objects.create(snapshot=snap, account=acc, tier=1, value=Decimal(500))
    plan = plan_services.create_plan(planned, f"FY{today.year}", ae, status=PlanStatus.ACTIVE)
    # Started 120 days ago and never reviewed: a quarterly review 29 days overdue.
    AccountPlan.objects.filter(pk=plan.pk).update(
        created_at=timezone.now() - dt.timedelta(days=120)
    )
    OpportunityFactory(
        account=lost_on, status=OpportunityStatus.LOST, stage="Lost", competitor="Globex",
        close_date=today - dt.timedelta(days=200),
    )  # fmt: skip
    create_micro_plans(today)
    micro = LostDealPlan.objects.get()
    LostDealPlan.objects.filter(pk=micro.pk).update(reengage_on=today - dt.timedelta(days=2))
    run_rules(trigger="test", today=today)
    review = Finding.objects.open().get(rule="review.due")
    lost = Finding.objects.open().get(rule="lostdeal.reengage")
    assert review.severity == "red" and lost.severity == "amber"

    page = login(ae)
    base = live_server.url

    # The overdue review: its link opens the plan's review form; record the review there.
    page.goto(f"{base}/")
    link = page.locator(f'li[data-finding="{review.pk}"] a.fix')
    assert "review overdue" in link.inner_text()
    link.click()
    page.wait_for_url(lambda url: f"/plans/{plan.pk}/reviews/" in url)
    assert page.url == f"{base}/plans/{plan.pk}/reviews/#review-form"
    assert page.locator("#review-form").is_visible()
    page.fill("#findings", "Review was overdue\nDecision maker not mapped")
    page.fill("#recalibrations", "Book a meeting with the CFO")
    page.click("#review-submit")
    page.wait_for_selector("#review-table")
    assert Review.objects.filter(plan=plan, reviewed_on=today).exists()

    # The lost deal: its link opens the micro-plan; re-engage it there.
    page.goto(f"{base}/")
    link = page.locator(f'li[data-finding="{lost.pk}"] a.fix')
    assert "re-engage the lost deal" in link.inner_text()
    link.click()
    page.wait_for_url(lambda url: f"/lost-deals/{micro.pk}/" in url)
    assert page.url == f"{base}/lost-deals/{micro.pk}/"
    page.click("#reengage")
    page.wait_for_url(lambda url: "/opportunities/" in url)
    assert Opportunity.objects.filter(type=OpportunityType.WIN_BACK).count() == 1
    micro.refresh_from_db()
    assert micro.status == MicroPlanStatus.REENGAGED

    # The rules run again: both findings close and leave the home page.
    run_rules(trigger="test", today=today)
    page.goto(f"{base}/")
    for closed in (review, lost):
        closed.refresh_from_db()
        assert closed.closed_at is not None
        assert page.locator(f'li[data-finding="{closed.pk}"]').count() == 0
    assert (
        page.locator('li[data-rule="review.due"], li[data-rule="lostdeal.reengage"]').count() == 0
    )

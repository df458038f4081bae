"""The review form and the re-engage button work in a real browser, on a laptop and a phone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from accountplan.book.choices import OpportunityStatus, OpportunityType
from accountplan.book.models import Opportunity
from accountplan.core.models import Role
from accountplan.followup.models import LostDealPlan, Review
from accountplan.followup.services import create_micro_plans
from accountplan.plans import services as plan_services
from accountplan.plans.models import PlanStatus
from tests.factories import AccountFactory, OpportunityFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = "[document.documentElement.scrollWidth, window.innerWidth]"


@pytest.mark.parametrize("width", [1280, 390])
def test_review_form_and_reengage_button(live_server: Any, login: Any, width: int) -> None:
    ae = UserFactory(username=f"bob{width}", role=Role.ACCOUNT_EXECUTIVE)
    account = AccountFactory(owner=ae)
    plan = plan_services.create_plan(account, "FY2027", ae, status=PlanStatus.ACTIVE)
    OpportunityFactory(
        account=account, status=OpportunityStatus.LOST, stage="Lost", amount=Decimal("42"),
        competitor="Globex", close_date=dt.date(2026, 1, 10),
    )  # fmt: skip
    create_micro_plans()
    micro = LostDealPlan.objects.get()
    page = login(ae)
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(f"{live_server.url}/plans/{plan.pk}/reviews/")
    page.fill("#findings", "Goal build behind pace\nNo mobilizer")
    page.fill("#recalibrations", "Add a cross-sell component")
    page.click("#review-submit")
    page.wait_for_selector("#review-table")
    assert page.locator("#review-table tbody tr").count() == 1
    assert "No mobilizer" in page.inner_text("#review-table")
    scroll, inner = page.evaluate(OVERFLOW)
    assert scroll <= inner
    assert Review.objects.get().findings == ["Goal build behind pace", "No mobilizer"]

    page.goto(f"{live_server.url}/lost-deals/{micro.pk}/")
    scroll, inner = page.evaluate(OVERFLOW)
    assert scroll <= inner
    page.click("#reengage")
    page.wait_for_url(lambda url: "/opportunities/" in url)
    win = Opportunity.objects.get(type=OpportunityType.WIN_BACK)
    assert win.won_back_from_id == micro.opportunity_id
    assert page.url.endswith(f"/opportunities/{win.pk}/")


def test_a_half_typed_review_asks_before_a_link_leaves_it(live_server: Any, login: Any) -> None:
    ae = UserFactory(username="guarded", role=Role.ACCOUNT_EXECUTIVE)
    plan = plan_services.create_plan(AccountFactory(owner=ae), "FY2027", ae)
    page = login(ae)
    page.goto(f"{live_server.url}/plans/{plan.pk}/reviews/")
    page.fill("#findings", "Half typed")
    asked: list[str] = []

    def refuse(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", refuse)
    page.click("nav[aria-label=Breadcrumb] >> text=Plans")
    assert asked and "not saved" in asked[0]
    assert page.url.endswith(f"/plans/{plan.pk}/reviews/")
    assert page.input_value("#findings") == "Half typed"

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("nav[aria-label=Breadcrumb] >> text=Plans")
    page.wait_for_url(lambda url: url.endswith("/plans/"))
    assert Review.objects.count() == 0

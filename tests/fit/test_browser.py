"""Fill a deal's fit scorecard in the page (keyboard and pointer, laptop and phone) and see the
low-fit deal raise a finding on the owner's home page, whose link leads back to the scorecard."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from accountplan.book.choices import OpportunityStatus
from accountplan.core.models import Role
from accountplan.fit.models import FitAnswer, FitAnswerChange
from accountplan.governance.models import Finding
from accountplan.plans import services as plan_services
from accountplan.plans.models import PlanStatus
from tests.factories import AccountFactory, OpportunityFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = "[document.documentElement.scrollWidth, window.innerWidth]"


def choose(page: Any, key: str, value: str) -> None:
    """Click (tap) the label of one answer of one question."""
    page.locator(f"[data-question={key}] label.fit-choice:has(input[value={value}])").click()


@pytest.mark.parametrize("width", [1280, 390])
def test_fill_the_scorecard_and_see_the_low_fit_finding(
    live_server: Any, login: Any, width: int
) -> None:
    ae = UserFactory(username=f"fitae{width}", role=Role.ACCOUNT_EXECUTIVE)
    account = AccountFactory(owner=ae, name=f"Fitco {width}")
    plan_services.create_plan(account, "FY2027", ae, status=PlanStatus.ACTIVE)
    opp = OpportunityFactory(
        account=account, owner=ae, status=OpportunityStatus.OPEN, name="Risky rollout",
        amount=Decimal("50000"),
    )  # fmt: skip
    page = login(ae)
    page.set_viewport_size({"width": width, "height": 900})
    base = live_server.url

    page.goto(f"{base}/opportunities/{opp.pk}/")
    page.click("[data-testid=opp-fit] a")
    page.wait_for_url(lambda url: url.endswith(f"/opportunities/{opp.pk}/fit/"))
    assert page.inner_text("[data-testid=fit-score]") == "0.0"
    scroll, inner = page.evaluate(OVERFLOW)
    assert scroll <= inner

    # Keyboard: focus the first gate's "Yes" and select it with the space bar.
    page.focus("input[name=a_meaningful_spend][value=yes]")
    page.keyboard.press("Space")
    # Pointer (a tap on a phone): the label of the second gate's "No".
    choose(page, "financially_sound", "no")
    page.fill("#e_financially_sound", "Two loss-making years in the annual report")
    choose(page, "pressure_business", "yes")
    # Enter in a text field submits the form, like the Save button.
    page.press("#e_financially_sound", "Enter")
    page.wait_for_selector(".flash")
    assert page.inner_text("[data-testid=fit-band]") == "Disqualified"
    assert "Two loss-making years" in page.inner_text("[data-testid=fit-history]")
    scroll, inner = page.evaluate(OVERFLOW)
    assert scroll <= inner
    assert dict(FitAnswer.objects.filter(opportunity=opp).values_list("key", "value")) == {
        "meaningful_spend": "yes",
        "financially_sound": "no",
        "pressure_business": "yes",
    }
    assert FitAnswerChange.objects.filter(opportunity=opp, changed_by=ae).count() == 3

    page.goto(f"{base}/")
    item = page.locator('li[data-rule="fit.low"]')
    assert item.count() == 1
    assert "Risky rollout" in item.inner_text()
    item.locator("a.fix").click()
    page.wait_for_url(lambda url: f"/opportunities/{opp.pk}/fit/" in url)
    assert Finding.objects.open().get(rule="fit.low").account_id == account.pk

    # Passing the gate and answering the rest yes lifts the deal out of the finding.
    choose(page, "financially_sound", "yes")
    for key in ("pressure_deadline", "discontent_named", "discontent_cost", "receptive_insight",
                "receptive_change", "emerging_unsolved"):  # fmt: skip
        choose(page, key, "yes")
    page.click("#fit-save")
    page.wait_for_selector(".flash")
    assert page.inner_text("[data-testid=fit-score]") == "60.0"
    assert not Finding.objects.open().filter(rule="fit.low").exists()


def test_a_half_filled_scorecard_asks_before_a_link_leaves_it(live_server: Any, login: Any) -> None:
    ae = UserFactory(username="fitguard", role=Role.ACCOUNT_EXECUTIVE)
    opp = OpportunityFactory(account=AccountFactory(owner=ae), owner=ae, status="open")
    page = login(ae)
    page.goto(f"{live_server.url}/opportunities/{opp.pk}/fit/")
    choose(page, "meaningful_spend", "yes")
    asked: list[str] = []

    def refuse(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", refuse)
    page.click("nav[aria-label=Breadcrumb] li:nth-child(2) a")
    assert asked and "not saved" in asked[0]
    assert page.url.endswith(f"/opportunities/{opp.pk}/fit/")
    assert not FitAnswer.objects.filter(opportunity=opp).exists()


@pytest.mark.parametrize("width", [1280, 390])
def test_settings_form_fits_a_phone_and_saves_a_weight(
    live_server: Any, login: Any, width: int
) -> None:
    from accountplan.fit import selectors

    manager = UserFactory(username=f"fitmgr{width}", role=Role.MANAGER)
    page = login(manager)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/fit/settings/")
    scroll, inner = page.evaluate(OVERFLOW)
    assert scroll <= inner
    page.fill("#w_block_pressure", "30")
    page.press("#w_block_pressure", "Enter")
    page.wait_for_selector(".flash")
    assert selectors.current_layout()["blocks"][0]["weight"] == 30
    assert page.input_value("#w_block_pressure") == "30"

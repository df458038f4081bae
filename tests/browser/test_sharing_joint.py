"""Joint expectations and the customer scorecard in a real browser (issue 12's done-when): a
browser with no session opens a link, writes and hands in expectations, chooses metrics and
scores a quarter; the plan shows all of it with the recipient as author; our expectations
reveal theirs; the side-by-side review marks alignment and its agreed action joins the plan's
action plan."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from accountplan.plans.models import PlanSection
from accountplan.sharing import links
from accountplan.sharing.models import ExpectationRound
from tests.sharing import conftest as sharing_conftest

book = sharing_conftest.book
shared = sharing_conftest.shared

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THEIRS = "A named engineer who answers within four hours"


@pytest.fixture
def guest(browser: Any) -> Iterator[Any]:
    """A browser context of its own at phone width: no cookies, no session."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_the_customer_writes_expectations_and_scores_and_we_review(
    shared: Any, live_server: Any, guest: Any, login: Any
) -> None:
    book = shared.book
    new = links.create_link(book.plan, book.bob, email="carol@acme.test", name="Carol Customer")
    url = f"{live_server.url}/s/{new.raw}/"
    guest.goto(url)
    assert guest.locator(".customer-nav a", has_text="Scorecard").count() == 1

    # Expectations: written, handed in; ours are not in, so nothing of ours shows.
    form = guest.locator("#expectations-form")
    form.locator("textarea[name=expectation]").nth(0).fill(THEIRS)
    form.locator("textarea[name=expectation]").nth(1).fill("Quarterly roadmap reviews")
    form.locator("button", has_text="Hand in").click()
    guest.locator("[data-testid=my-expectations] li", has_text=THEIRS).wait_for()
    assert "has not handed in its expectations yet" in guest.locator("#expectations").inner_text()

    # The scorecard: a suggested metric and one of their own, then a quarter scored.
    metrics = guest.locator("#metrics-form")
    metrics.locator("input[name=weight_0]").fill("3")  # Responsiveness, our first suggestion
    metrics.locator("input[name=name_8]").fill("Invoices right first time")
    metrics.locator("input[name=weight_8]").fill("1")
    metrics.locator("button", has_text="Save metrics").click()
    guest.locator("[data-testid=metrics] li", has_text="Invoices right first time").wait_for()
    scores = guest.locator("#scores-form")
    scores.locator(".score-row[data-metric=Responsiveness] select").select_option("4")
    row = scores.locator(".score-row[data-metric='Invoices right first time']")
    row.locator("select").select_option("na")
    row.locator("textarea").fill("No invoice yet this quarter")
    scores.locator("button", has_text="Send the scores").click()
    guest.locator("[data-testid=score-history] td.weighted", has_text="4.00").wait_for()
    assert "N/A" in guest.locator("[data-testid=score-history]").inner_text()
    assert guest.locator("[data-testid=score-chart] circle").count() == 1

    # The plan: the history names the recipient; the card shows the score and its chart.
    owner = login(book.bob)
    owner.goto(f"{live_server.url}/plans/{book.plan.pk}/history/")
    rows = owner.locator("table.data tbody tr", has_text="Carol Customer")
    text = rows.all_inner_texts()
    assert any("Handed in 2 expectations" in t for t in text)
    assert any("Set the scorecard's metrics" in t for t in text)
    assert any("weighted score 4.00" in t for t in text)
    assert all(THEIRS not in t for t in text)
    owner.goto(f"{live_server.url}/plans/{book.plan.pk}/")
    assert owner.locator("[data-testid=plan-weighted]").inner_text() == "4.00"
    assert owner.locator("#sharing-card [data-testid=score-chart]").count() == 1

    # Our expectations: theirs stay hidden until ours are handed in.
    owner.goto(f"{live_server.url}/plans/{book.plan.pk}/sharing/expectations/")
    assert THEIRS not in owner.locator("body").inner_text()
    owner.locator("#ours-form textarea[name=expectation]").nth(0).fill("A reference case")
    owner.locator("#hand-in-ours").click()
    owner.locator("[data-testid=customer-expectations] li", has_text=THEIRS).wait_for()
    assert "Carol Customer" in owner.locator("[data-testid=customer-expectations]").inner_text()

    # The review: the first pair partly aligned, with an agreed action.
    first = owner.locator(".review-row[data-row='0']")
    first.locator("select[name=alignment_0]").select_option("partly")
    first.locator("input[name=action_0]").fill("Agree a four-hour answer for urgent tickets")
    owner.locator(".review-row[data-row='1'] select[name=alignment_1]").select_option("aligned")
    owner.locator("#save-review").click()
    owner.locator("[data-testid=review-state]", has_text="done").wait_for()
    stored = PlanSection.objects.get(plan=book.plan, key="actions").data["actions"]
    assert any(a["title"] == "Agree a four-hour answer for urgent tickets" for a in stored)
    assert ExpectationRound.objects.get(plan=book.plan).reviewed_by == book.bob
    owner.goto(f"{live_server.url}/plans/{book.plan.pk}/")
    assert "Agree a four-hour answer for urgent tickets" in owner.locator("body").inner_text()

    # The customer sees the outcome: the pair, its alignment and the agreed action.
    guest.reload()
    outcome = guest.locator("[data-testid=review-outcome]").inner_text()
    assert "Partly aligned" in outcome and "A reference case" in outcome
    assert "Agree a four-hour answer for urgent tickets" in outcome
    cookies = {c["name"] for c in guest.context.cookies()}
    assert "sessionid" not in cookies

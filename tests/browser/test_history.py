"""The history in Chromium: a revision reads as track changes, and a compare mistake is
explained on the history page instead of a bare error."""

from __future__ import annotations

from typing import Any

import pytest

from accountplan.plans import services
from accountplan.plans.models import PlanRevision
from tests.plans import conftest as plans_conftest

#: The plans tests' small book (bob's account, its team, contacts, products, a plan).
book = plans_conftest.book
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_compare_with_nothing_ticked_or_two_sections_says_what_to_tick(
    book: Any, live_server: Any, login: Any
) -> None:
    services.save_section(book.plan, "customer_goals", {"north_star_metric": "NRR"}, 1, book.bob)
    services.save_section(book.plan, "needs", {"needs": [{"need": "Faster close"}]}, 1, book.bob)
    goals = PlanRevision.objects.get(plan=book.plan, key="customer_goals")
    needs = PlanRevision.objects.get(plan=book.plan, key="needs")
    page = login(book.bob)
    page.goto(f"{live_server.url}/plans/{book.plan.pk}/history/")

    page.get_by_role("button", name="Compare selected").click()
    problem = page.locator("#compare-problem")
    problem.wait_for()
    assert "Tick two versions to compare" in problem.inner_text()
    assert page.get_by_role("heading", name="History").is_visible()

    page.locator(f"input[name=a][value='{goals.pk}']").check()
    page.locator(f"input[name=b][value='{needs.pk}']").check()
    page.get_by_role("button", name="Compare selected").click()
    page.wait_for_url(lambda url: f"b={needs.pk}" in url)
    text = page.locator("#compare-problem").inner_text()
    assert "two different sections (Customer goals and KPIs and Needs mapping)" in text
    # The choice is kept, so the user changes one tick instead of starting over.
    assert page.locator(f"input[name=a][value='{goals.pk}']").is_checked()


def test_a_revision_reads_as_track_changes(book: Any, live_server: Any, login: Any) -> None:
    contact = book.contacts[0]
    data = {"stakeholders": [{"contact_id": contact.pk, "buying_role": "economic_buyer"}]}
    services.save_section(book.plan, "relationships", data, 1, book.bob)
    revision = PlanRevision.objects.get(plan=book.plan, key="relationships")
    page = login(book.bob)
    page.goto(f"{live_server.url}/plans/{book.plan.pk}/history/{revision.pk}/")
    changes = page.locator("ul.changes").inner_text()
    assert f"Stakeholder “{contact.full_name}”" in changes
    assert "Economic buyer" in changes
    body = (
        page.locator("main").inner_text()
        if page.locator("main").count()
        else page.inner_text("body")
    )
    assert "economic_buyer" not in body and "contact_id" not in body and "{'" not in body

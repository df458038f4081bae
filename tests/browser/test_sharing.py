"""Sharing in a real browser: a browser with no session opens a link, sees exactly the
published shared sections and nothing internal, completes an action on its side and comments;
the plan shows both with the recipient as author; the link stops working when revoked and
when expired."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from accountplan.plans.models import PlanSection
from accountplan.sharing import links
from accountplan.sharing.models import ShareLink
from tests.sharing import conftest as sharing_conftest
from tests.sharing.conftest import VISIBLE, mk
from tests.sharing.test_safety import INTERNAL_LABELS

#: The sharing tests' full plan (everything shareable shared, view 1 published).
book = sharing_conftest.book
shared = sharing_conftest.shared

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLISHED = [
    "company_overview",
    "customer_goals",
    "needs",
    "goals",
    "actions",
    "dashboard",
    "team_support",
]


@pytest.fixture
def guest(browser: Any) -> Iterator[Any]:
    """A browser context of its own: no cookies, no session, like the customer's."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_customer_opens_acts_comments_and_loses_access(
    shared: Any, live_server: Any, guest: Any, login: Any
) -> None:
    book = shared.book
    new = links.create_link(book.plan, book.bob, email="carol@acme.test", name="Carol Customer")
    url = f"{live_server.url}/s/{new.raw}/"
    guest.goto(url)
    keys = guest.locator("[data-section]").evaluate_all("els => els.map(e => e.dataset.section)")
    assert keys == PUBLISHED
    text = guest.locator("body").inner_text()
    assert all(m in text for m in VISIBLE)
    assert mk("rl.notes") not in text and mk("ac.notes") not in text
    assert mk("opp.loss_reason") not in text and not [x for x in INTERNAL_LABELS if x in text]
    assert "Acme Corp" in text and "Our team" in text

    # Complete the action on the customer's side, with a new date.
    item = guest.locator("#item-act2")
    item.locator("select[name=status]").select_option("done")
    item.locator("input[name=due_date]").fill("2027-04-15")
    item.locator("button", has_text="Update").click()
    guest.locator("#item-act2 dd", has_text="Done").wait_for()
    assert "Apr 15, 2027" in guest.locator("#item-act2").inner_text()
    # Our own action offers no form.
    assert guest.locator("#item-act1 select[name=status]").count() == 0

    # Comment on a need.
    need = guest.locator("#item-need1")
    need.locator("summary", has_text="Comment").click()
    need.locator("textarea[name=body]").fill("We also need <b>training</b>")
    need.locator("button", has_text="Send").click()
    guest.locator("#item-need1 .from-customer", has_text="We also need <b>training</b>").wait_for()
    cookies = {c["name"] for c in guest.context.cookies()}
    assert "sessionid" not in cookies

    stored = PlanSection.objects.get(plan=book.plan, key="actions").data["actions"]
    assert next(a for a in stored if a["id"] == "act2")["status"] == "done"

    # The plan shows both, written by the recipient.
    owner = login(book.bob)
    owner.goto(f"{live_server.url}/plans/{book.plan.pk}/history/")
    rows = owner.locator("table.data tbody tr")
    assert rows.filter(has_text="Carol Customer").count() == 2
    assert "Updated" in rows.filter(has_text="Action plan").first.inner_text()
    owner.goto(f"{live_server.url}/plans/{book.plan.pk}/sharing/")
    thread = owner.locator(".thread-block[data-item=need1]")
    assert "We also need <b>training</b>" in thread.inner_text()
    thread.locator("textarea[name=body]").fill("Training is on us.")
    thread.locator("button", has_text="Answer").click()
    owner.locator(".thread-block[data-item=need1] .from-us").wait_for()
    guest.reload()
    assert "Training is on us." in guest.locator("#item-need1").inner_text()

    # Revoked: the same plain 404 as any unknown link.
    owner.once("dialog", lambda dialog: dialog.accept())
    owner.locator(f"#active-links tr[data-link='{new.link.pk}'] button", has_text="Revoke").click()
    owner.locator("#links-card details").wait_for()
    assert ShareLink.objects.get(pk=new.link.pk).revoked_at is not None
    response = guest.goto(url)
    assert response.status == 404 and guest.locator("body").inner_text().strip() == "Not found."


def test_an_expired_link_stops_working(shared: Any, live_server: Any, guest: Any) -> None:
    book = shared.book
    new = links.create_link(book.plan, book.bob, email="dan@acme.test")
    url = f"{live_server.url}/s/{new.raw}/"
    assert guest.goto(url).status == 200
    ShareLink.objects.filter(pk=new.link.pk).update(expires_at=timezone.now())
    response = guest.goto(url)
    assert response.status == 404 and guest.locator("body").inner_text().strip() == "Not found."


def test_the_owner_shares_publishes_and_creates_a_link(
    shared: Any, live_server: Any, login: Any
) -> None:
    book = shared.book
    page = login(book.bob)
    page.goto(f"{live_server.url}/plans/{book.plan.pk}/sharing/")
    assert "No change since the last publish" in page.locator("#publish-card").inner_text()
    page.locator("#visibility-form input[name=section][value=needs]").uncheck()
    page.locator("#visibility-save").click()
    page.locator("#changes li", has_text="Needs is no longer shared").wait_for()
    page.locator("#publish").click()
    page.locator("#publish-card", has_text="No change since the last publish").wait_for()
    page.fill("#link-email", "erin@acme.test")
    page.locator("#link-create").click()
    link = page.locator("#new-link").input_value()
    assert "/s/" in link
    page.goto(link)
    keys = page.locator("[data-section]").evaluate_all("els => els.map(e => e.dataset.section)")
    assert "needs" not in keys and "actions" in keys

"""Typed work is never thrown away and nobody's change is silently reverted, in a real browser:
a dirty section form asks before Esc, Cancel, a link or closing the tab discards it; a save on
top of someone else's version merges field by field and asks only about the fields both
changed; a Viewer on the account team sees no edit control and every write is refused."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from accountplan.book.choices import TeamFunction
from accountplan.plans import services
from accountplan.plans.models import PlanMember, PlanRevision, PlanSection
from tests.factories import PASSWORD, TeamMemberFactory
from tests.plans import conftest as plans_conftest

#: The plans tests' small book (bob's account, its team, contacts, products, a plan).
book = plans_conftest.book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_plan(page: Any, live_server: Any, book: Any) -> None:
    page.goto(f"{live_server.url}/plans/{book.plan.pk}/")


def edit(page: Any, key: str) -> Any:
    page.click(f"#sec-{key} .edit-btn")
    form = page.locator(f"#sec-{key} form.section-form")
    form.wait_for()
    return form


class Dialogs:
    """Answers the page's dialogs with the next queued answer and records their messages."""

    def __init__(self, page: Any) -> None:
        self.answers: list[bool] = []
        self.seen: list[tuple[str, str]] = []
        page.on("dialog", self._on)

    def _on(self, dialog: Any) -> None:
        self.seen.append((dialog.type, dialog.message))
        if self.answers.pop(0) if self.answers else False:
            dialog.accept()
        else:
            dialog.dismiss()


def test_esc_and_cancel_on_a_dirty_form_ask_first(book: Any, live_server: Any, login: Any) -> None:
    page = login(book.bob)
    dialogs = Dialogs(page)
    open_plan(page, live_server, book)
    # A form nobody typed in closes on Esc without a question (Esc again if the freshly swapped
    # form was not listening yet: on a loaded machine the first press can come before it is).
    edit(page, "customer_goals")
    closed = page.locator("#sec-customer_goals .edit-btn")
    for _ in range(5):
        page.keyboard.press("Escape")
        try:
            closed.wait_for(timeout=2_000)
            break
        except PlaywrightTimeoutError:
            continue
    closed.wait_for()
    assert dialogs.seen == []
    # Typed: Esc asks; "cancel" keeps the form and the text.
    form = edit(page, "customer_goals")
    metric = form.locator("[name=north_star_metric]")
    metric.fill("Net revenue retention")
    dialogs.answers = [False]
    metric.press("Escape")
    assert dialogs.seen == [("confirm", "Discard your unsaved changes to Customer goals and KPIs?")]
    assert form.is_visible()
    assert metric.input_value() == "Net revenue retention"
    # The Cancel button asks too; "OK" discards.
    dialogs.answers = [False]
    form.locator("button.cancel").click()
    assert len(dialogs.seen) == 2 and metric.input_value() == "Net revenue retention"
    dialogs.answers = [True]
    metric.press("Escape")
    page.locator("#sec-customer_goals .edit-btn").wait_for()
    assert len(dialogs.seen) == 3
    assert "Net revenue retention" not in page.locator("#sec-customer_goals").inner_text()
    assert not PlanSection.objects.filter(plan=book.plan, key="customer_goals").exists()


def test_a_link_or_closing_the_tab_on_a_dirty_form_asks_first(
    book: Any, live_server: Any, login: Any
) -> None:
    page = login(book.bob)
    dialogs = Dialogs(page)
    open_plan(page, live_server, book)
    plan_url = page.url
    form = edit(page, "company_overview")
    form.locator("[name=description]").fill("Family-owned grocer, 120 stores")
    # A link away asks; cancelling stays on the page with the text.
    dialogs.answers = [False]
    page.locator("a", has_text="History").click()
    assert dialogs.seen[-1][0] == "confirm"
    assert "company overview" in dialogs.seen[-1][1].lower()
    assert page.url == plan_url
    assert form.locator("[name=description]").input_value() == "Family-owned grocer, 120 stores"
    # An in-page anchor (the table of contents) does not leave the page: no question.
    page.locator("nav.toc a[href='#sec-needs']").click()
    assert len(dialogs.seen) == 1
    # Closing the tab: the browser's own "leave site?" prompt, dismissed keeps the page open.
    dialogs.answers = [False]
    page.close(run_before_unload=True)
    page.wait_for_function("window.accountplanDirtyForms().length === 1")
    assert dialogs.seen[-1][0] == "beforeunload"
    assert not page.is_closed()
    # Saving makes the form clean: the link then leaves without a question.
    form.locator("button[type=submit]", has_text="Save").click()
    page.locator("#sec-company_overview .saved-note").wait_for()
    asked = len(dialogs.seen)
    page.locator("a", has_text="History").click()
    page.wait_for_url(lambda url: url.endswith("/history/"))
    assert len(dialogs.seen) == asked


def login_in_new_context(browser: Any, live_server: Any, user: Any) -> Any:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(10_000)
    pg = ctx.new_page()
    pg.goto(f"{live_server.url}/login/")
    pg.fill("input[name=username]", user.username)
    pg.fill("input[name=password]", PASSWORD)
    pg.click("button[type=submit]")
    pg.wait_for_url(lambda url: "/login/" not in url)
    return pg


def test_concurrent_edits_of_different_fields_merge_and_keep_both(
    book: Any, live_server: Any, browser: Any
) -> None:
    bob = login_in_new_context(browser, live_server, book.bob)
    dave = login_in_new_context(browser, live_server, book.dave)
    try:
        for pg in (bob, dave):
            open_plan(pg, live_server, book)
        f1 = edit(bob, "customer_goals")
        f2 = edit(dave, "customer_goals")
        f1.locator("[name=north_star_metric]").fill("Same-store sales")
        f1.locator("button[type=submit]", has_text="Save").click()
        bob.locator("#sec-customer_goals .saved-note").wait_for()
        # Dave, still on version 1, changes another field: merged, no question.
        f2.locator("[name=biggest_challenge]").fill("Supply chain")
        f2.locator("button[type=submit]", has_text="Save").click()
        note = dave.locator("#sec-customer_goals .saved-note")
        note.wait_for()
        assert "their changes and yours are both kept" in note.inner_text()
        text = dave.locator("#sec-customer_goals").inner_text()
        assert "Same-store sales" in text and "Supply chain" in text
        saved = PlanSection.objects.get(plan=book.plan, key="customer_goals")
        assert saved.version == 3
        assert saved.data["north_star_metric"] == "Same-store sales"  # Bob's change kept
        assert saved.data["biggest_challenge"] == "Supply chain"  # Dave's too
    finally:
        for pg in (bob, dave):
            pg.context.close()


def test_a_conflict_asks_only_about_the_field_both_changed(
    book: Any, live_server: Any, login: Any
) -> None:
    services.save_section(
        book.plan,
        "customer_goals",
        {"north_star_metric": "NRR", "efforts_made": "Pilots"},
        1,
        book.bob,
    )
    page = login(book.dave)
    open_plan(page, live_server, book)
    form = edit(page, "customer_goals")
    # Meanwhile Bob (another user, through the service) changes the metric and the efforts.
    services.save_section(
        book.plan,
        "customer_goals",
        {"north_star_metric": "Gross margin", "efforts_made": "Pilots in 3 regions"},
        2,
        book.bob,
    )
    form.locator("[name=north_star_metric]").fill("Same-store sales")
    form.locator("[name=biggest_challenge]").fill("Supply chain")
    form.locator("button[type=submit]", has_text="Save").click()
    panel = page.locator("#sec-customer_goals [data-testid=conflict]")
    panel.wait_for()
    rows = panel.locator("[data-testid=conflict-fields] tbody tr")
    assert rows.count() == 1  # only the metric: the efforts were theirs alone
    assert rows.first.locator("th").inner_text() == "North-star metric"
    assert rows.first.locator("td.theirs").inner_text() == "Gross margin"
    assert rows.first.locator("td.mine").inner_text() == "Same-store sales"
    form = page.locator("#sec-customer_goals form.section-form")
    # The form holds the merge: my typing, and their change to the field I never touched.
    assert form.locator("[name=north_star_metric]").input_value() == "Same-store sales"
    assert form.locator("[name=biggest_challenge]").input_value() == "Supply chain"
    assert form.locator("[name=efforts_made]").input_value() == "Pilots in 3 regions"
    page.screenshot(path="/tmp/plan-conflict-merge.png")
    rows.first.locator("button.use-theirs").click()
    assert form.locator("[name=north_star_metric]").input_value() == "Gross margin"
    form.locator("button[type=submit]", has_text="Save").click()
    page.locator("#sec-customer_goals .saved-note").wait_for()
    saved = PlanSection.objects.get(plan=book.plan, key="customer_goals")
    assert saved.version == 4
    assert saved.data["north_star_metric"] == "Gross margin"
    assert saved.data["efforts_made"] == "Pilots in 3 regions"
    assert saved.data["biggest_challenge"] == "Supply chain"


#: Every write of the plans app, as the page's own script would send it: (method, url, body).
WRITES = [
    ("POST", "/plans/new/", "form", {"period": "FY2029", "account": "{account}"}),
    ("GET", "/plans/{plan}/sections/needs/?edit=1", "form", {}),
    ("POST", "/plans/{plan}/sections/customer_goals/", "form", {"base_version": "2"}),
    ("POST", "/plans/{plan}/goals/white-space/", "form", {"cell": "p1"}),
    ("POST", "/plans/{plan}/status/", "form", {"status": "archived"}),
    ("POST", "/plans/{plan}/clone/", "form", {"period": "FY2028"}),
    ("POST", "/plans/{plan}/history/{rev}/restore/", "form", {}),
    ("POST", "/api/plans", "json", {"account_id": "{account}", "period": "FY2029"}),
    ("PATCH", "/api/plans/{plan}", "json", {"status": "archived"}),
    ("POST", "/api/plans/{plan}/clone", "json", {"period": "FY2028"}),
    ("PUT", "/api/plans/{plan}/sections/customer_goals", "json", {"base_version": 2, "data": {}}),
    ("POST", "/api/plans/{plan}/revisions/{rev}/restore", "json", {}),
]

SEND = """async ([method, url, kind, body]) => {
  const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  const headers = {"X-CSRFToken": token, "HX-Request": "true"};
  let payload;
  if (kind === "json") {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  } else if (method !== "GET") {
    payload = new URLSearchParams(body);
  }
  const r = await fetch(url, {method, headers, body: payload, credentials: "same-origin"});
  return r.status;
}"""


@pytest.mark.parametrize(
    ("method", "path", "kind", "body"), WRITES, ids=[f"{w[0]} {w[1]}" for w in WRITES]
)
def test_a_viewer_on_the_team_sees_no_edit_control_and_every_write_is_refused(
    book: Any, live_server: Any, login: Any, method: str, path: str, kind: str, body: Any
) -> None:
    TeamMemberFactory.create(account=book.account, user=book.vera, function=TeamFunction.SALES)
    PlanMember.objects.create(plan=book.plan, user=book.vera, function=TeamFunction.SALES)
    services.save_section(book.plan, "customer_goals", {"north_star_metric": "NRR"}, 1, book.bob)
    rev = PlanRevision.objects.get(plan=book.plan, key="customer_goals", version=2)
    revisions = PlanRevision.objects.count()
    page = login(book.vera)
    open_plan(page, live_server, book)
    assert "read only" in page.locator(".plan-header").inner_text()
    for control in (".edit-btn", "form[action$='/status/']", ".clone-form", "button.add-row"):
        assert page.locator(control).count() == 0, control
    ids = {"plan": book.plan.pk, "account": book.account.pk, "rev": rev.pk}
    url = path.format(**ids)
    data = {k: (v.format(**ids) if isinstance(v, str) else v) for k, v in body.items()}
    if kind == "json" and "account_id" in data:
        data["account_id"] = int(data["account_id"])
    status = page.evaluate(SEND, [method, url, kind, data])
    assert status in (403, 404), (method, url, status)
    assert PlanRevision.objects.count() == revisions
    book.plan.refresh_from_db()
    assert book.plan.status == "draft"

"""Steps the home-page fix tests share (tests/browser/test_home_fix_*.py): open a finding's link
from the home page, edit a plan section or log an activity there as a user does, rerun the rules
and see the finding close and leave the home page (issue 11's done-when)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accountplan.governance.models import Finding
from accountplan.governance.services import run_rules
from tests.governance.conftest import World


def open_finding(rule: str, **where: Any) -> Finding:
    """The one open finding of ``rule`` (on the plan or account named in ``where``); it fails
    when the finding is not open, e.g. closed by an earlier fix meant for another kind."""
    return Finding.objects.open().get(rule=rule, **where)


def follow(page: Any, base: str, finding: Finding) -> None:
    """From the home page (filtered to the finding's kind), follow its link to where it is fixed."""
    page.goto(f"{base}/?rule={finding.rule}")
    link = page.locator(f'li[data-finding="{finding.pk}"] a.fix')
    href = link.get_attribute("href")
    with page.expect_navigation():
        link.click()
    assert page.url == f"{base}{href}", finding.rule
    anchor = href.partition("#")[2]
    if anchor:
        assert page.locator(f"#{anchor}").count() == 1, finding.rule


def submit(page: Any, button: Any) -> None:
    """Click a button that posts a whole-page form and wait for the page it leads to."""
    with page.expect_navigation():
        button.click()


def edit(page: Any, key: str) -> Any:
    """Open a plan section's form in place (htmx) and return it."""
    page.click(f"#sec-{key} .edit-btn")
    form = page.locator(f"#sec-{key} form.section-form")
    form.wait_for()
    return form


def save(page: Any, key: str) -> None:
    """Save the open section form and wait for the saved note."""
    page.locator(f"#sec-{key} form.section-form button[type=submit]", has_text="Save").click()
    page.locator(f"#sec-{key} .saved-note").wait_for()


def row(form: Any, name: str, value: str) -> Any:
    """The row of the form's item list whose ``*.name`` field holds ``value`` (a text input's
    value or a select's chosen option)."""
    inner = (
        f"input[name$='.{name}'][value='{value}'], "
        f"select[name$='.{name}'] option[selected][value='{value}']"
    )
    found = form.locator(".item-row").filter(has=form.page.locator(inner))
    assert found.count() == 1, (name, value)
    return found


def add_row(form: Any, items: str) -> Any:
    """Add a row to the item list ``items`` (its "+ Add" button) and return the new row."""
    rows = form.locator(f"fieldset[data-list={items}] .item-rows .item-row")
    before = rows.count()
    form.locator(f"fieldset[data-list={items}] .add-row").click()
    rows.nth(before).wait_for()
    return rows.nth(before)


def pick(where: Any, name: str, value: str) -> None:
    """Choose ``value`` in the select ``*.name`` inside ``where`` (a row or a form)."""
    where.locator(f"select[name$='{name}']").select_option(value)


def log_activity(page: Any, subject: str, contact: str = "") -> None:
    """Log a call from the account page's timeline (with the contact whose id is ``contact``,
    when given); it heads the timeline."""
    box = page.locator("[data-testid=log-activity]")
    box.locator("summary").click()
    box.locator("select[name=kind]").select_option("call")
    box.locator("input[name=subject]").fill(subject)
    if contact:
        box.locator("select[name=contact]").select_option(contact)
    submit(page, box.locator("button[type=submit]"))
    page.locator(".flash.success", has_text=f"Logged: {subject}").wait_for()
    assert subject in page.locator("#timeline .timeline-item").first.inner_text()


def assert_closed(page: Any, base: str, world: World, *findings: Finding) -> None:
    """Rerun the rules: each finding is closed and gone from its kind's list on the home page."""
    run_rules(trigger="test", today=world.today)
    for f in findings:
        f.refresh_from_db()
        assert f.closed_at is not None, f"{f.rule} still open after its fix: {f.summary}"
        page.goto(f"{base}/?rule={f.rule}")
        assert page.locator(f'li[data-finding="{f.pk}"]').count() == 0, f.rule


def in_row(name: str, value: str, field: str, choice: str) -> Callable[[Any], None]:
    """A change to a section form: in the row whose ``name`` is ``value``, choose ``choice`` in
    ``field`` (e.g. the stakeholder of contact 7: mobilizer → "mobilizer")."""
    return lambda form: pick(row(form, name, value), field, choice)


def fill(name: str, text: str) -> Callable[[Any], None]:
    """A change to a section form: type ``text`` into its field ``name``."""
    return lambda form: form.locator(f"[name={name}]").fill(text)


def fix_in_section(
    page: Any, base: str, world: World, finding: Finding, key: str, change: Callable[[Any], None]
) -> None:
    """Follow the finding's link, make ``change`` in the plan's section ``key``, save, and see
    the finding close at the next run of the rules."""
    follow(page, base, finding)
    change(edit(page, key))
    save(page, key)
    assert_closed(page, base, world, finding)

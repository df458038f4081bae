"""From the home page, every kind of finding links to where it is fixed (issue 11's done-when).
tests/browser/test_home_fix_*.py then fix each kind there through the UI and see it close."""

from __future__ import annotations

from typing import Any

from accountplan.governance.models import Finding
from accountplan.governance.services import run_rules
from tests.governance.conftest import World
from tests.governance.conftest import world as world  # the case book (a fixture)

#: Where each kind's link must land: the element its anchor names, or the page's own heading.
TARGETS = {
    "plan.key_account_unplanned": "#plans",
    "people.silent_account": "#timeline",
    "exec.overdue_actions": "#sec-actions",
    "exec.milestones_behind": "#sec-dashboard",
    "exec.goal_pace": "#sec-goals",
    "play.expand_no_growth": "#sec-goals",
    "play.nurture_no_satisfaction": "#sec-goals",
    "rel.no_decision_maker": "#sec-relationships",
    "rel.decider_detractor": "#sec-relationships",
    "rel.only_talkers": "#sec-relationships",
    "rel.no_mobilizer": "#sec-relationships",
    "rel.department_gap": "#sec-relationships",
    "people.stale_contacts": "#sec-relationships",
    "plan.stale": "#health",
    "plan.period_ended": "#health",
}


def test_each_kind_links_to_where_it_is_fixed(
    transactional_db: None,
    world: World,
    live_server: Any,
    login: Any,
) -> None:
    run_rules(trigger="test", today=world.today)
    page = login(world.bob)
    base = live_server.url
    page.goto(f"{base}/")
    kinds = sorted({f.rule for f in Finding.objects.open()})
    assert kinds == sorted(TARGETS)
    for code in kinds:
        page.goto(f"{base}/")
        link = page.locator(f'li[data-rule="{code}"] a.fix').first
        href = link.get_attribute("href")
        with page.expect_navigation():
            link.click()
        assert page.url == f"{base}{href}", code
        assert page.locator(TARGETS[code]).count() >= 1, code

"""From the home page, every kind of finding links to where it is fixed; fixing one there and
rerunning the rules closes it (issue 11's done-when)."""

from __future__ import annotations

from typing import Any

from accountplan.governance.models import Finding
from accountplan.governance.services import run_rules
from accountplan.plans.services import save_section, section_of
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


def test_each_kind_links_to_its_fix_and_a_fix_closes_it(
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
        link.click()
        page.wait_for_load_state("load")
        assert page.url == f"{base}{href}", code
        assert page.locator(TARGETS[code]).count() >= 1, code

    # Fix the unplanned tier-1 account where the link leads: start a plan, make it active.
    f = Finding.objects.get(rule="plan.key_account_unplanned", severity="red")
    page.goto(f"{base}/")
    page.locator(f'li[data-finding="{f.pk}"] a.fix').click()
    page.wait_for_load_state("load")
    page.locator("#plans button[type=submit]").click()
    page.wait_for_url(lambda url: "/plans/" in url)
    page.locator("button[name=status][value=active]").click()
    page.wait_for_load_state("load")
    # Fix the overdue action as its owner does: mark it done.
    plan = world.plans["P1"]
    section = section_of(plan, "actions")
    data = section.data
    for a in data["actions"]:
        if a["title"] == "Late one":
            a["status"] = "done"
    save_section(plan, "actions", data, section.version, world.bob)
    overdue = Finding.objects.get(rule="exec.overdue_actions")

    run_rules(trigger="test", today=world.today)
    page.goto(f"{base}/")
    for closed in (f, overdue):
        closed.refresh_from_db()
        assert closed.closed_at is not None
        assert page.locator(f'li[data-finding="{closed.pk}"]').count() == 0
    assert page.locator('li[data-rule="rel.decider_detractor"]').count() == 1

"""Plan and execution findings, each fixed where its home-page link lands, as a user fixes it:
start and activate a plan for the unplanned key account, clone last year's plan into this year,
touch the stale plan, mark the overdue action done, put the late milestone back on track, and
recalibrate a goal far ahead of the deals won (issue 11's done-when)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from accountplan.governance.services import run_rules
from accountplan.plans.models import AccountPlan, PlanStatus
from tests.browser.home_fix_steps import (
    assert_closed,
    fill,
    fix_in_section,
    follow,
    in_row,
    open_finding,
    submit,
)
from tests.factories import OpportunityFactory
from tests.governance.conftest import World
from tests.governance.conftest import world as world  # the case book (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_findings_close_once_fixed_where_they_link(
    world: World, live_server: Any, login: Any
) -> None:
    run_rules(trigger="test", today=world.today)
    page = login(world.bob)
    base = live_server.url

    # A tier-1 account with no active plan: start one from the account's Plans card, activate it.
    unplanned = open_finding("plan.key_account_unplanned", account=world.accounts["a5"])
    follow(page, base, unplanned)
    submit(page, page.locator("#plans button[type=submit]", has_text="New plan"))
    assert "/plans/" in page.url
    submit(page, page.locator("button[name=status][value=active]"))
    assert_closed(page, base, world, unplanned)
    assert AccountPlan.objects.get(account=world.accounts["a5"]).status == PlanStatus.ACTIVE

    # Last year's plan with nothing after it: clone it into this year (the form offers the next
    # period) and make the new plan active.
    ended = open_finding("plan.period_ended", plan=world.plans["P4"])
    follow(page, base, ended)
    period = page.locator("#clone-period").input_value()
    assert period == f"FY{world.today.year}"
    submit(page, page.locator(".clone-form button"))
    submit(page, page.locator("button[name=status][value=active]"))
    assert_closed(page, base, world, ended)
    assert world.accounts["a4"].plans.filter(period=period, status=PlanStatus.ACTIVE).exists()

    # A plan untouched for two months: bring its strategy up to date.
    stale = open_finding("plan.stale", plan=world.plans["P1"])
    change = fill("strategy", "Land the Finance department this half")
    fix_in_section(page, base, world, stale, "goals", change)


def test_execution_findings_close_once_fixed_where_they_link(
    world: World, live_server: Any, login: Any
) -> None:
    p1 = world.plans["P1"]
    # A deal won this year on the account: the 10M goal is far ahead of it.
    OpportunityFactory(account=world.accounts["a1"], amount=Decimal(50_000), close_date=world.today)
    run_rules(trigger="test", today=world.today)
    page = login(world.bob)
    steps = [
        # The overdue action: done.
        ("exec.overdue_actions", "actions", in_row("title", "Late one", ".status", "done")),
        # The late milestone: back on track.
        ("exec.milestones_behind", "dashboard", in_row("title", "Pilot", ".status", "on_track")),
        # Behind pace: recalibrate the objective to what the account buys.
        ("exec.goal_pace", "goals", fill("objective_amount", "50,000")),
    ]
    for rule, key, change in steps:
        finding = open_finding(rule, plan=p1)
        fix_in_section(page, live_server.url, world, finding, key, change)

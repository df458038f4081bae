"""Relationship, contact and play findings, each fixed where its home-page link lands, as a user
fixes it: on the plan's relationship map (judge a mobilizer, name the decision maker, map the
missing department, win the detractor over), on the account's timeline (log a call with the
stakeholder nobody touched, a meeting on the silent account), and in the goal build (a cross-sell
part for the Expand account, a satisfaction goal for the Nurture one) (issue 11's done-when)."""

from __future__ import annotations

from typing import Any

import pytest

from accountplan.governance.services import run_rules
from tests.browser.home_fix_steps import (
    add_row,
    assert_closed,
    fill,
    fix_in_section,
    follow,
    in_row,
    log_activity,
    open_finding,
    pick,
    submit,
)
from tests.governance.conftest import World
from tests.governance.conftest import world as world  # the case book (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(world: World, login: Any) -> Any:
    run_rules(trigger="test", today=world.today)
    return login(world.bob)


def _add_stakeholder(contact_id: int, role: str) -> Any:
    def change(form: Any) -> None:
        new = add_row(form, "stakeholders")
        pick(new, ".contact_id", str(contact_id))
        pick(new, ".buying_role", role)

    return change


def _add_component(kind: str, amount: str) -> Any:
    def change(form: Any) -> None:
        part = add_row(form, "components")
        pick(part, ".kind", kind)
        part.locator("[name$='.amount']").fill(amount)

    return change


def test_relationship_findings_close_once_the_map_is_fixed(
    world: World, live_server: Any, login: Any
) -> None:
    page, base = _signed_in(world, login), live_server.url
    p1, p2 = world.plans["P1"], world.plans["P2"]
    c = {key: str(contact.pk) for key, contact in world.contacts.items()}
    steps = [
        # P1: only talkers (c1, c2); c2 is a mobilizer after all.
        ("rel.only_talkers", p1, in_row("contact_id", c["c2"], ".mobilizer", "mobilizer")),
        # P1: nobody deciding; c1 turns out to be the decision maker.
        (
            "rel.no_decision_maker",
            p1,
            in_row("contact_id", c["c1"], ".buying_role", "decision_maker"),
        ),
        # P1: Finance has contacts, none on the map; add c3.
        ("rel.department_gap", p1, _add_stakeholder(world.contacts["c3"].pk, "influencer")),
        # P2: the decision maker c4 is a detractor; after the workshop, neutral.
        ("rel.decider_detractor", p2, in_row("contact_id", c["c4"], ".attitude", "neutral")),
        # P2: nobody judged a mobilizer; the champion c5 is one.
        ("rel.no_mobilizer", p2, in_row("contact_id", c["c5"], ".mobilizer", "mobilizer")),
    ]
    for rule, plan, change in steps:
        finding = open_finding(rule, plan=plan)
        fix_in_section(page, base, world, finding, "relationships", change)


def test_touch_findings_close_once_an_activity_is_logged(
    world: World, live_server: Any, login: Any
) -> None:
    page, base = _signed_in(world, login), live_server.url

    # P1: c1 not touched for 100 days. From the map, go to the account and log a call with c1.
    stale = open_finding("people.stale_contacts", plan=world.plans["P1"])
    follow(page, base, stale)
    assert "One" in page.locator("#sec-relationships").inner_text()
    submit(page, page.locator(".breadcrumb a", has_text=world.accounts["a1"].name))
    log_activity(page, "Catch-up call", contact=str(world.contacts["c1"].pk))
    assert_closed(page, base, world, stale)

    # a5: a tier-1 account with no activity at all; the link lands on its timeline.
    silent = open_finding("people.silent_account", account=world.accounts["a5"])
    follow(page, base, silent)
    log_activity(page, "Intro meeting with the new CIO")
    assert_closed(page, base, world, silent)


def test_play_findings_close_once_the_goal_build_follows_the_play(
    world: World, live_server: Any, login: Any
) -> None:
    page, base = _signed_in(world, login), live_server.url
    # P2 (Expand): the goal build is renewal only; add a cross-sell part.
    expand = open_finding("play.expand_no_growth", plan=world.plans["P2"])
    fix_in_section(page, base, world, expand, "goals", _add_component("cross_sell", "120000"))
    # P4 (Nurture): no satisfaction goal; name one.
    nurture = open_finding("play.nurture_no_satisfaction", plan=world.plans["P4"])
    change = fill("objective_text", "Lift customer satisfaction to 8/10")
    fix_in_section(page, base, world, nurture, "goals", change)

"""Relationship, contact and play findings, each fixed where its home-page link lands, as a user
fixes it: on the plan's relationship map (name the decision maker, judge a mobilizer, map the
missing department, win the detractor over), on the account's timeline (log a call with the
stakeholder nobody touched, a note on the silent account), and in the goal build (a cross-sell
part for the Expand account, a satisfaction goal for the Nurture one) (issue 11's done-when)."""

from __future__ import annotations

from typing import Any

import pytest

from accountplan.governance.services import run_rules
from tests.browser.home_fix_steps import (
    add_row,
    assert_closed,
    edit,
    follow,
    log_activity,
    open_finding,
    pick,
    row,
    save,
    submit,
)
from tests.governance.conftest import World
from tests.governance.conftest import world as world  # the case book (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(world: World, login: Any) -> Any:
    run_rules(trigger="test", today=world.today)
    return login(world.bob)


def test_relationship_findings_close_once_the_map_is_fixed(
    world: World, live_server: Any, login: Any
) -> None:
    page, base = _signed_in(world, login), live_server.url
    p1, p2, c = world.plans["P1"], world.plans["P2"], world.contacts

    # P1: only talkers (c1, c2). Judge c2 a mobilizer after all.
    talkers = open_finding("rel.only_talkers", plan=p1)
    follow(page, base, talkers)
    form = edit(page, "relationships")
    pick(row(form, "contact_id", str(c["c2"].pk)), ".mobilizer", "mobilizer")
    save(page, "relationships")
    assert_closed(page, base, world, talkers)

    # P1: nobody deciding. c1 turns out to be the decision maker.
    no_dm = open_finding("rel.no_decision_maker", plan=p1)
    follow(page, base, no_dm)
    form = edit(page, "relationships")
    pick(row(form, "contact_id", str(c["c1"].pk)), ".buying_role", "decision_maker")
    save(page, "relationships")
    assert_closed(page, base, world, no_dm)

    # P1: Finance has contacts, none on the map: add c3.
    gap = open_finding("rel.department_gap", plan=p1)
    follow(page, base, gap)
    form = edit(page, "relationships")
    new = add_row(form, "stakeholders")
    pick(new, ".contact_id", str(c["c3"].pk))
    pick(new, ".buying_role", "influencer")
    save(page, "relationships")
    assert_closed(page, base, world, gap)

    # P2: the decision maker c4 is a detractor; after the workshop, neutral.
    detractor = open_finding("rel.decider_detractor", plan=p2)
    follow(page, base, detractor)
    form = edit(page, "relationships")
    pick(row(form, "contact_id", str(c["c4"].pk)), ".attitude", "neutral")
    save(page, "relationships")
    assert_closed(page, base, world, detractor)

    # P2: nobody judged a mobilizer; the champion c5 is one.
    no_mob = open_finding("rel.no_mobilizer", plan=p2)
    follow(page, base, no_mob)
    form = edit(page, "relationships")
    pick(row(form, "contact_id", str(c["c5"].pk)), ".mobilizer", "mobilizer")
    save(page, "relationships")
    assert_closed(page, base, world, no_mob)


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
    follow(page, base, expand)
    form = edit(page, "goals")
    part = add_row(form, "components")
    pick(part, ".kind", "cross_sell")
    part.locator("[name$='.amount']").fill("120000")
    save(page, "goals")
    assert_closed(page, base, world, expand)

    # P4 (Nurture): no satisfaction goal; name one.
    nurture = open_finding("play.nurture_no_satisfaction", plan=world.plans["P4"])
    follow(page, base, nurture)
    form = edit(page, "goals")
    form.locator("[name=objective_text]").fill("Lift customer satisfaction to 8/10")
    save(page, "goals")
    assert_closed(page, base, world, nurture)

"""The home page's plan actions are read in the database: the first few of each list, soonest
first, and counts of them all; recomputed here from the plans' sections one by one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from accountplan.governance import selectors
from accountplan.governance.digest import TOP, digest_text
from accountplan.plans.models import AccountPlan, PlanSection, PlanStatus
from accountplan.plans.services import save_section
from tests.governance.conftest import World


def _add_actions(world: World, n: int) -> None:
    """``n`` more actions on bob's first active plan: owners bob, bob, alice, nobody in turn,
    dates spread on both sides of today, every fifth one done, one without a date."""
    plan = AccountPlan.objects.filter(owner=world.bob, status=PlanStatus.ACTIVE).first()
    assert plan is not None
    section = PlanSection.objects.get(plan=plan, key="actions")
    items = list(section.data["actions"])
    owners = [world.bob.pk, world.bob.pk, world.alice.pk, None]
    for i in range(n):
        due = world.today + dt.timedelta(days=(i * 7) % 50 - 30)
        items.append(
            {
                "title": f"Task {i:02d}",
                "owner_id": owners[i % 4],
                "due_date": due.isoformat(),
                "status": "done" if i % 5 == 0 else "todo",
            }
        )
    items.append({"title": "No date", "owner_id": world.bob.pk})
    save_section(plan, "actions", {"actions": items}, section.version, world.bob)


def _expected(world: World, who: list[int] | None) -> tuple[list[Any], list[Any]]:
    horizon = world.today + dt.timedelta(days=selectors.UPCOMING_DAYS)
    rows = []
    for s in PlanSection.objects.filter(key="actions", plan__status=PlanStatus.ACTIVE):
        for position, a in enumerate(s.data.get("actions", [])):
            if a.get("status") == "done" or not a.get("due_date"):
                continue
            if who is not None and a.get("owner_id") not in who:
                continue
            due = dt.date.fromisoformat(a["due_date"])
            if due <= horizon:
                rows.append((due, s.plan.account.name, a["title"], s.plan_id, position))
    rows.sort(key=lambda r: (r[0], r[3], r[4]))  # soonest first, then plan, then list order
    return [r for r in rows if r[0] < world.today], [r for r in rows if r[0] >= world.today]


def test_first_of_each_list_and_counts_of_all(world: World) -> None:
    _add_actions(world, 80)
    for user, team, who in ((world.bob, False, [world.bob.pk]), (world.alice, True, None)):
        ids = selectors.people(user, team)
        want_over, want_up = _expected(world, ids if ids is not None else who)
        got = selectors.actions(user, team, world.today, limit=3)
        assert got.overdue_count == len(want_over) > 3
        assert got.upcoming_count == len(want_up) > 3
        assert [(a.due, a.account, a.title) for a in got.overdue] == [r[:3] for r in want_over[:3]]
        assert [(a.due, a.account, a.title) for a in got.upcoming] == [r[:3] for r in want_up[:3]]
        assert all(a.overdue for a in got.overdue) and not any(a.overdue for a in got.upcoming)


def test_home_shows_the_counts_and_says_the_list_is_cut(world: World) -> None:
    _add_actions(world, 190)
    over, up = _expected(world, [world.bob.pk])
    assert len(over) > max(selectors.ACTIONS_SHOWN, TOP)
    client = Client()
    client.force_login(world.bob)
    html = client.get("/?view=mine").content.decode()
    assert f"The {selectors.ACTIONS_SHOWN} most overdue of {len(over)}" in html
    text, count = digest_text(world.bob, world.today)
    assert f"… and {len(over) - TOP} more" in text
    assert count >= len(over) + len(up)

"""A finding keeps its since-date while open, closes by itself when its condition clears, and
can be snoozed with a reason and a date (the history is kept)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accountplan.core.errors import DomainError
from accountplan.governance import selectors
from accountplan.governance.models import Finding, FindingSnooze, PlanHealth
from accountplan.governance.services import run_rules, snooze
from accountplan.plans.services import save_section, section_of
from tests.governance.conftest import World


def test_rerun_keeps_since_date_and_closes_what_cleared(world: World) -> None:
    first = run_rules(trigger="test", today=world.today)
    assert first.opened > 0 and first.closed == 0
    overdue = Finding.objects.get(rule="exec.overdue_actions")
    stale = Finding.objects.get(rule="plan.stale")
    opened = stale.opened_at
    # Fix the overdue action the way a user does: save the section with it done.
    plan = world.plans["P1"]
    section = section_of(plan, "actions")
    data = section.data
    for a in data["actions"]:
        if a["title"] == "Late one":
            a["status"] = "done"
    save_section(plan, "actions", data, section.version, world.bob)
    second = run_rules(trigger="test", today=world.today)
    overdue.refresh_from_db()
    assert overdue.closed_at is not None
    # The save changed the plan: it is no longer stale either.
    stale.refresh_from_db()
    assert stale.closed_at is not None and stale.opened_at == opened
    assert second.closed == 2
    kept = Finding.objects.get(rule="rel.decider_detractor")
    assert kept.closed_at is None and kept.opened_at < second.started_at
    # A new case later opens a new finding; the closed one stays closed (history).
    data["actions"].append(
        {"title": "New late", "owner_id": world.bob.pk, "due_date": "2000-01-01"}
    )
    save_section(plan, "actions", data, section_of(plan, "actions").version, world.bob)
    run_rules(trigger="test", today=world.today)
    rows = Finding.objects.filter(rule="exec.overdue_actions").order_by("pk")
    assert [r.closed_at is None for r in rows] == [False, True]


def test_snooze_hides_until_the_date_and_keeps_history(world: World) -> None:
    run_rules(trigger="test", today=world.today)
    f = Finding.objects.get(rule="rel.decider_detractor")
    assert f in selectors.attention(world.bob, today=world.today)
    until = world.today + dt.timedelta(days=7)
    snooze(f, world.bob, "Meeting the CFO next week", until)
    assert f not in selectors.attention(world.bob, today=world.today)
    assert f in selectors.attention(world.bob, today=until + dt.timedelta(days=1))
    run_rules(trigger="test", today=world.today)
    f.refresh_from_db()
    assert f.closed_at is None and f.snoozed_until == until
    snooze(f, world.alice, "Pushed again", until + dt.timedelta(days=7))
    assert list(FindingSnooze.objects.filter(finding=f).values_list("reason", flat=True)) == [
        "Pushed again",
        "Meeting the CFO next week",
    ]


@pytest.mark.parametrize(
    ("reason", "days", "message"),
    [("", 3, "Say why"), ("ok", 0, "after today"), ("ok", -1, "after today")],
)
def test_snooze_needs_a_reason_and_a_future_date(
    world: World, reason: str, days: int, message: str
) -> None:
    run_rules(trigger="test", today=world.today)
    f = Finding.objects.get(rule="rel.decider_detractor")
    with pytest.raises(DomainError, match=message):
        snooze(f, world.bob, reason, timezone.localdate() + dt.timedelta(days=days))


def test_health_is_stored_and_reproducible_from_its_parts(world: World) -> None:
    run_rules(trigger="test", today=world.today)
    h = PlanHealth.objects.get(plan=world.plans["P1"])
    parts = {p["key"]: p for p in h.parts["parts"]}
    total = sum(p["value"] * p["weight"] for p in parts.values()) / 100
    assert abs(h.score - total) <= 0.5
    open_red = Finding.objects.open().filter(plan=world.plans["P1"], severity="red").count()
    open_amber = Finding.objects.open().filter(plan=world.plans["P1"], severity="amber").count()
    assert parts["findings"]["value"] == max(0, 100 - 25 * open_red - 10 * open_amber)
    assert parts["freshness"]["value"] == pytest.approx(100 * (120 - 61) / 90, abs=0.1)
    assert h.band == ("green" if h.score >= 70 else "amber" if h.score >= 40 else "red")
    control = PlanHealth.objects.get(plan=world.plans["P3"])
    assert control.score > h.score

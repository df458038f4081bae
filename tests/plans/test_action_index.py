"""Each plan's actions are kept as rows (``PlanAction``) that follow the section's data through
every write: a save, a second save, a clone, a delete."""

from __future__ import annotations

import datetime as dt

import pytest

from accountplan.core.models import Role
from accountplan.plans.action_index import sync_sections
from accountplan.plans.cloning import clone_plan
from accountplan.plans.models import AccountPlan, PlanAction, PlanSection
from accountplan.plans.services import create_plan, save_section
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


def _rows(plan: AccountPlan) -> list[tuple[str, int | None, dt.date | None, str, bool]]:
    return list(
        PlanAction.objects.filter(plan=plan)
        .order_by("pk")
        .values_list("title", "owner_id", "due_date", "status", "done")
    )


def _from_data(plan: AccountPlan) -> list[tuple[str, int | None, dt.date | None, str, bool]]:
    data = PlanSection.objects.get(plan=plan, key="actions").data
    return [
        (
            a["title"],
            a.get("owner_id"),
            dt.date.fromisoformat(a["due_date"]) if a.get("due_date") else None,
            a.get("status") or "",
            a.get("status") == "done",
        )
        for a in data["actions"]
    ]


def test_rows_follow_every_write_of_the_action_plan() -> None:
    user = UserFactory(role=Role.MANAGER)
    plan = create_plan(AccountFactory(owner=user), "FY2026", user)
    actions = [
        {"title": "Call", "owner_id": user.pk, "due_date": "2026-03-01"},
        {"title": "Demo", "due_date": "2026-04-01", "status": "done"},
        {"title": "Someday"},
    ]
    save_section(plan, "actions", {"actions": actions}, 1, user)
    assert _rows(plan) == _from_data(plan) and len(_rows(plan)) == 3
    assert _rows(plan)[1][4] is True and _rows(plan)[2][2] is None

    section = PlanSection.objects.get(plan=plan, key="actions")
    changed = [dict(a) for a in section.data["actions"][:2]]
    changed[0]["status"] = "in_progress"
    save_section(plan, "actions", {"actions": changed}, section.version, user)
    assert _rows(plan) == _from_data(plan) and len(_rows(plan)) == 2

    new = clone_plan(plan, "FY2027", user)
    if PlanSection.objects.filter(plan=new, key="actions").exists():
        assert _rows(new) == _from_data(new)

    # a bulk write (a loader) calls the sync itself, and it is idempotent
    assert sync_sections(PlanSection.objects.filter(plan=plan)) == 2
    assert _rows(plan) == _from_data(plan)

    PlanSection.objects.filter(plan=plan, key="actions").delete()
    assert not PlanAction.objects.filter(plan=plan).exists()


def test_rows_say_whether_their_plan_is_active_through_status_changes() -> None:
    """The home page counts the open actions of active plans in the index alone: each row
    carries its plan's status, through the plan's own status changes and a bulk sync."""
    from accountplan.governance.action_rows import action_lists
    from accountplan.plans.models import PlanStatus
    from accountplan.plans.plan_writes import update_plan

    user = UserFactory(role=Role.MANAGER)
    plan = create_plan(AccountFactory(owner=user), "FY2026", user)
    other = create_plan(AccountFactory(owner=user), "FY2026", user)
    today = dt.date(2026, 6, 1)
    actions = [
        {"title": "Late", "owner_id": user.pk, "due_date": "2026-05-01"},
        {"title": "Soon", "owner_id": user.pk, "due_date": "2026-06-05"},
    ]
    for p in (plan, other):
        save_section(p, "actions", {"actions": actions}, 1, user)
    horizon = today + dt.timedelta(days=14)

    def counts() -> tuple[int, int]:
        lists = action_lists(None, None, today, horizon, 20)
        return lists.overdue_count, lists.upcoming_count

    def flags(p: AccountPlan) -> set[bool]:
        return set(PlanAction.objects.filter(plan=p).values_list("plan_active", flat=True))

    statuses = dict(AccountPlan.objects.values_list("pk", "status"))
    active = sum(1 for p in (plan, other) if statuses[p.pk] == PlanStatus.ACTIVE)
    assert flags(plan) == {statuses[plan.pk] == PlanStatus.ACTIVE}
    assert counts() == (active, active)

    for p in (plan, other):
        update_plan(p, user, status=PlanStatus.ACTIVE)
    assert flags(plan) == flags(other) == {True} and counts() == (2, 2)
    update_plan(plan, user, status=PlanStatus.ARCHIVED)
    assert flags(plan) == {False} and flags(other) == {True} and counts() == (1, 1)
    # a bulk sync reads the plans' statuses again
    assert sync_sections(PlanSection.objects.filter(plan__in=[plan, other])) == 4
    assert flags(plan) == {False} and counts() == (1, 1)
    update_plan(plan, user, status=PlanStatus.ACTIVE)
    assert flags(plan) == {True} and counts() == (2, 2)

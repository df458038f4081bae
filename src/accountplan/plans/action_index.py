"""The plans' actions as rows (``PlanAction``), rewritten whenever an action section is saved.

Every write of a section goes through ``save()`` or ``create()`` (the plan services, cloning,
the customer's page), so a ``post_save`` receiver keeps the rows; a bulk write (a bench loader)
calls ``sync_sections`` itself. A section's rows are deleted with it (foreign key). Each row
says whether its plan is active; a plan's status changes through ``save()`` (the plan services,
the admin), and a second receiver carries the change to the plan's rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from accountplan.plans.models import AccountPlan, PlanAction, PlanSection, PlanStatus

ACTIONS = "actions"


def rows_of(section: PlanSection, active: bool) -> list[PlanAction]:
    """The rows a section's data gives (none for a section other than the action plan);
    ``active``: whether its plan is active."""
    if section.key != ACTIONS:
        return []
    out = []
    for a in (section.data or {}).get("actions", []) or []:
        if not isinstance(a, dict):
            continue
        due = a.get("due_date")
        owner = a.get("owner_id")
        out.append(
            PlanAction(
                section_id=section.pk,
                plan_id=section.plan_id,
                item_id=str(a.get("id") or "")[:64],
                title=str(a.get("title") or ""),
                owner_id=int(owner)
                if isinstance(owner, int | str) and str(owner).isdigit()
                else None,
                due_date=dt.date.fromisoformat(due) if isinstance(due, str) and due else None,
                status=str(a.get("status") or "")[:20],
                done=a.get("status") == "done",
                plan_active=active,
            )
        )
    return out


def sync_sections(sections: Iterable[PlanSection]) -> int:
    """Rewrite the rows of these (saved) sections; how many rows they now have."""
    chosen = [s for s in sections if s.key == ACTIONS and s.pk is not None]
    if not chosen:
        return 0
    PlanAction.objects.filter(section_id__in=[s.pk for s in chosen]).delete()
    active = set(
        AccountPlan.objects.filter(
            pk__in={s.plan_id for s in chosen}, status=PlanStatus.ACTIVE
        ).values_list("pk", flat=True)
    )
    rows = [row for s in chosen for row in rows_of(s, s.plan_id in active)]
    PlanAction.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def on_section_saved(sender: Any, instance: PlanSection, **kwargs: Any) -> None:
    """``post_save`` receiver: an action section's rows follow its data."""
    if instance.key == ACTIONS:
        sync_sections([instance])


def on_plan_saved(sender: Any, instance: AccountPlan, **kwargs: Any) -> None:
    """``post_save`` receiver: a plan's action rows follow its status."""
    active = instance.status == PlanStatus.ACTIVE
    PlanAction.objects.filter(plan_id=instance.pk).exclude(plan_active=active).update(
        plan_active=active
    )

"""The rules as a background task: daily, after every rescore (which every import queues) and on
demand.

Daily: the worker queues a run at start when the last run finished more than a day ago, and each
daily run queues the next one for a day later (``run_after``) unless one is waiting already.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.tasks import task
from django.utils import timezone

DAY = dt.timedelta(days=1)


@task()
def run_rules_task(trigger: str = "task") -> str:
    from accountplan.governance.services import run_rules

    run = run_rules(trigger=trigger)
    if trigger == "daily":
        queue_next_daily()
    return f"opened {run.opened}, kept {run.kept}, closed {run.closed}"


def _daily_waiting() -> bool:
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path__endswith="run_rules_task", status="READY"
    ).values_list("args_kwargs", flat=True)
    return any("daily" in (a or {}).get("args", []) for a in waiting)


def queue_next_daily() -> None:
    """Queue tomorrow's daily run unless one is waiting."""
    if not _daily_waiting():
        run_rules_task.using(run_after=timezone.now() + DAY).enqueue("daily")


def enqueue_rules(trigger: str) -> None:
    """Queue a run once the current transaction commits (after a rescore, an import…)."""
    transaction.on_commit(lambda: run_rules_task.enqueue(trigger))


def enqueue_if_due() -> bool:
    """Queue a run now when the last one finished more than a day ago and none is waiting."""
    from accountplan.governance.services import run_is_due

    if run_is_due(DAY) and not _daily_waiting():
        run_rules_task.enqueue("daily")
        return True
    return False

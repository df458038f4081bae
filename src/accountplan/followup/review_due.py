"""Each active plan's next review day, stored (``ReviewDue``), so the home page's "reviews coming
up" reads an index range of the plans due instead of testing the date ranges of every cadence
on every candidate plan and its tier (21 ms at 15,000 plans started over a year; see
docs/performance.md).

The day is the last review (``LastReview``), else the plan's creation day (UTC), plus the cadence
of the account's tier in the current snapshot (``selectors.review_days``). It is written:

- for one plan when one of its reviews is saved or deleted, and when the plan is saved (created,
  its status changed): ``signals.py``;
- for the whole book by each rules run (after every rescore and import, and daily), which also
  records the snapshot and cadences it used (``ReviewDueState``).

Readers ask ``fresh()`` first: after a rescore and before the next rules run (or with other
cadences configured) the stored days may be of the old tiers, and the readers compute the days
anew (``selectors._due_plans``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from accountplan.followup.models import ReviewDue, ReviewDueState
from accountplan.plans.models import AccountPlan, PlanStatus
from accountplan.portfolio.models import Snapshot

BATCH = 2000


def _key(snapshot_id: int | None) -> tuple[int | None, str]:
    from accountplan.followup.selectors import UNTIERED_DAYS, _cadences

    days = sorted(_cadences()[1].items())
    return snapshot_id, ",".join(f"{t}:{d}" for t, d in days) + f",*:{UNTIERED_DAYS}"


def _current() -> int | None:
    snap = Snapshot.objects.current()
    return snap.pk if snap is not None else None


def fresh() -> bool:
    """Whether the stored days were computed with the current snapshot's tiers and cadences."""
    state = ReviewDueState.objects.order_by("-pk").first()
    return state is not None and (state.snapshot_id, state.cadences) == _key(_current())


def _rows(plans: Any) -> list[ReviewDue]:
    """The next review day of each of ``plans``, with the current snapshot's tiers."""
    from accountplan.followup.selectors import annotated, next_review_on

    values = annotated(plans).values_list("pk", "last_review", "created_at", "_tier")
    return [
        ReviewDue(plan_id=pk, due_on=next_review_on(last, created, tier))
        for pk, last, created, tier in values.order_by()
    ]


def refresh(plan_ids: Iterable[int]) -> None:
    """The days of these plans: written for the active ones, removed for the others."""
    ids = list(plan_ids)
    if not ids:
        return
    plans = AccountPlan.objects.filter(pk__in=ids, status=PlanStatus.ACTIVE)
    rows = _rows(plans)
    with transaction.atomic():
        ReviewDue.objects.filter(plan_id__in=ids).delete()
        ReviewDue.objects.bulk_create(rows)


def move(plan_id: int) -> None:
    """A plan's day after one of its reviews was deleted: the stored row updated, never a new
    one (in a plan's cascade the plan is about to go too)."""
    rows = _rows(AccountPlan.objects.filter(pk=plan_id, status=PlanStatus.ACTIVE))
    if rows:
        ReviewDue.objects.filter(plan_id=plan_id).update(due_on=rows[0].due_on)


def refresh_all() -> int:
    """Every active plan's day, with the current snapshot's tiers; records what it used."""
    snapshot_id = _current()
    rows = _rows(AccountPlan.objects.filter(status=PlanStatus.ACTIVE))
    with transaction.atomic():
        ReviewDue.objects.all().delete()
        ReviewDue.objects.bulk_create(rows, batch_size=BATCH)
        ReviewDueState.objects.all().delete()
        key = _key(snapshot_id)
        ReviewDueState.objects.create(snapshot_id=key[0], cadences=key[1])
    return len(rows)

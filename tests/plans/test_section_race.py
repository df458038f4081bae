"""A section's first save racing another request's first save of the same section (issue 14
point 8): never an IntegrityError on ``plan_section_unique_key`` (a 500). The other request's
section is written at the last moment, between our read and our insert, by wrapping the
connection's execution (as tests/plans/test_period_race.py does for clone and rename); our save
then lands on top of theirs (merged three-way like any stale save) or is a 409 conflict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from accountplan.plans.models import PlanRevision, PlanSection
from accountplan.plans.services import SectionConflict, save_section
from tests.plans.conftest import Book

pytestmark = pytest.mark.django_db


def another_request_saves(book: Book, data: dict[str, Any]) -> Callable[..., Any]:
    """Right after our read of the section (none yet), commit theirs: version 2 with ``data``."""
    done = False

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any):
        nonlocal done
        result = execute(sql, params, many, context)
        if not done and sql.startswith("SELECT") and 'FROM "plans_plansection"' in sql:
            done = True
            now = timezone.now()
            PlanSection.objects.create(
                plan=book.plan, key="customer_goals", data=data, version=2, updated_at=now
            )
            PlanRevision.objects.create(
                plan=book.plan,
                key="customer_goals",
                version=2,
                data=data,
                author=book.dave,
                created_at=now,
                summary="theirs",
            )
        return result

    return wrapper


def _goals(**values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "north_star_metric": "",
        "priorities_12m": [],
        "efforts_made": "",
        "biggest_challenge": "",
        "success_measures": "",
        "how_they_achieve": "",
    }
    return {**base, **values}


def test_first_saves_of_different_fields_both_land(book: Book) -> None:
    theirs = _goals(efforts_made="Theirs")
    with connection.execute_wrapper(another_request_saves(book, theirs)):
        section = save_section(
            book.plan, "customer_goals", _goals(north_star_metric="NRR"), 1, book.bob
        )
    assert section.version == 3
    stored = PlanSection.objects.get(plan=book.plan, key="customer_goals")
    assert stored.data["north_star_metric"] == "NRR"
    assert stored.data["efforts_made"] == "Theirs"  # no lost update
    revisions = PlanRevision.objects.filter(plan=book.plan, key="customer_goals")
    assert sorted(revisions.values_list("version", flat=True)) == [2, 3]


def test_first_saves_of_the_same_field_are_a_conflict(book: Book) -> None:
    with (
        connection.execute_wrapper(another_request_saves(book, _goals(north_star_metric="ARR"))),
        pytest.raises(SectionConflict) as raised,
    ):
        save_section(book.plan, "customer_goals", _goals(north_star_metric="NRR"), 1, book.bob)
    # The 409 shows the user theirs (ours is not written); their row, simulated inside our
    # transaction, went with its rollback.
    assert raised.value.current_version == 2
    assert raised.value.current_data["north_star_metric"] == "ARR"
    assert not PlanRevision.objects.filter(author=book.bob, key="customer_goals").exists()

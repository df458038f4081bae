"""Clone or rename into a period another request takes at the same moment: a 409 with a
message, never a 500 (issue 14.8). The other request's plan is written at the last moment,
between our check and our write, by wrapping the connection's execution (Django's hook for it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from accountplan.core.errors import Conflict
from accountplan.plans.cloning import clone_plan
from accountplan.plans.models import AccountPlan
from accountplan.plans.plan_writes import update_plan
from tests.plans.conftest import Book


def another_request_takes(book: Book, period: str, statement: str) -> Callable[..., Any]:
    """Before the first statement starting with ``statement`` on the plans table, insert a
    plan of the same account for ``period``, as a concurrent request would have committed."""
    done = False

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any):
        nonlocal done
        if not done and sql.startswith(statement) and '"plans_accountplan"' in sql:
            done = True
            theirs = AccountPlan(account=book.plan.account, period=period, status="draft")
            theirs.save_base(raw=True)  # its own INSERT, through this wrapper (done is set)
        return execute(sql, params, many, context)

    return wrapper


def test_a_clone_into_a_period_taken_meanwhile_is_a_conflict(book: Book) -> None:
    with (
        connection.execute_wrapper(another_request_takes(book, "FY2031", "INSERT")),
        pytest.raises(Conflict, match="already has a plan for FY2031"),
    ):
        clone_plan(book.plan, "FY2031", book.dave)
    # Our clone wrote nothing (theirs, simulated inside our transaction, went with it).
    assert list(AccountPlan.objects.values_list("period", flat=True)) == ["FY2027"]


def test_a_rename_into_a_period_taken_meanwhile_is_a_conflict(book: Book) -> None:
    with (
        connection.execute_wrapper(another_request_takes(book, "FY2032", "UPDATE")),
        pytest.raises(Conflict, match="already has a plan for FY2032"),
    ):
        update_plan(book.plan, book.dave, period="FY2032")
    book.plan.refresh_from_db()
    assert book.plan.period == "FY2027"

"""The current snapshot is looked up once per read request, and never served stale to a write
or outside a request."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accountplan.core.request_memo import RequestMemoMiddleware, memo
from accountplan.portfolio.models import Snapshot


def test_outside_a_request_every_call_computes() -> None:
    calls: list[int] = []
    assert memo("k", lambda: calls.append(1) or len(calls)) == 1
    assert memo("k", lambda: calls.append(1) or len(calls)) == 2


@pytest.mark.parametrize(("method", "expected_calls"), [("GET", 1), ("HEAD", 1), ("POST", 2)])
def test_a_read_request_computes_each_key_once(method: str, expected_calls: int) -> None:
    calls: list[str] = []

    def view(request: Any) -> Any:
        memo("k", lambda: calls.append("x"))
        memo("k", lambda: calls.append("x"))
        return "answer"

    class Request:
        pass

    request = Request()
    request.method = method  # type: ignore[attr-defined]
    assert RequestMemoMiddleware(view)(request) == "answer"  # type: ignore[arg-type]
    assert len(calls) == expected_calls
    memo("k", lambda: calls.append("after"))
    assert calls[-1] == "after"  # the request's memo is gone with it


@pytest.mark.django_db
def test_a_page_asks_for_the_current_snapshot_once(client: Client, manager: Any) -> None:
    from django.utils import timezone

    Snapshot.objects.create(status="done", level="product", finished_at=timezone.now())
    from accountplan.plans.models import AccountPlan
    from tests.factories import AccountFactory

    plan = AccountPlan.objects.create(account=AccountFactory(owner=manager), period="FY2027")
    client.force_login(manager)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/plans/{plan.pk}/").status_code == 200
    asked = [q["sql"] for q in queries if 'FROM "portfolio_snapshot"' in q["sql"]]
    assert len(asked) == len(set(asked)), asked  # no question asked twice

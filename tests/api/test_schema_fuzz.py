"""Every operation of the API, with generated parameters and bodies (schemathesis), answers as
its OpenAPI document says: a documented status, JSON, a body of the documented shape, never a
500. This is the attack that found two schemas sharing a name (issue 14.4); it stays in CI."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accountplan.config.api import api
from accountplan.config.wsgi import application
from accountplan.core.models import User
from accountplan.core.tokens import create_token

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api"))
schema.app = application

#: Generated cases per operation in the long attack suite (ACCOUNTPLAN_ATTACK_LONG=1); CI: 4.
LONG_EXAMPLES = 50

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def keep_the_tests_connection() -> Iterator[None]:
    """Requests go through the WSGI handler, whose end-of-request signal closes a connection
    that is inside a transaction (the test's): PostgreSQL then fails the next query. Django's
    own test client detaches that signal for the same reason; so does this test."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(book: Any, manager: User) -> str:
    """A manager's token on the small book of the API tests (accounts, deals, plans)."""
    return create_token(manager, "schemathesis").raw


@schema.parametrize()
@settings(
    max_examples=LONG_EXAMPLES if os.environ.get("ACCOUNTPLAN_ATTACK_LONG") == "1" else 4,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case: Any, bearer: str) -> None:
    headers = {"Authorization": f"Bearer {bearer}", "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers, checks=CHECKS)

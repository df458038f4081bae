"""The other unique constraints' check-then-insert paths under a competing insert (issue 14
point 8's audit): the default scorecard, created on first read, when another request creates it
between our read and our insert, is theirs, not a 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from accountplan.portfolio.models import Scorecard
from accountplan.portfolio.scorecard import get_scorecard

pytestmark = pytest.mark.django_db


def test_default_scorecard_created_meanwhile_is_used() -> None:
    done = False

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any):
        nonlocal done
        result = execute(sql, params, many, context)
        if not done and sql.startswith("SELECT") and 'FROM "portfolio_scorecard"' in sql:
            done = True
            Scorecard.objects.bulk_create([Scorecard(name="default", weight_growth=7)])
        return result

    with connection.execute_wrapper(wrapper):
        card = get_scorecard()
    assert done
    assert Scorecard.objects.count() == 1
    assert card.weight_growth == 7  # theirs

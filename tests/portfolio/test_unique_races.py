"""The other unique constraints' check-then-insert paths under a competing insert (issue 14
point 8's audit), never a 500: the default scorecard, created on first read, when another request
creates it between our read and our insert, is theirs; a saved mapping's new name taken meanwhile
is refused with a message. (Plan periods: tests/plans/test_period_race.py; sections:
tests/plans/test_section_race.py.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from accountplan.portfolio.models import Scorecard
from accountplan.portfolio.scorecard import get_scorecard

pytestmark = pytest.mark.django_db


def test_default_scorecard_created_meanwhile_is_used() -> None:
    # The race needs a book without its default scorecard yet (a server test run before this
    # one in the same process may have left one committed).
    Scorecard.objects.filter(name="default").delete()
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


def test_a_saved_mapping_name_taken_meanwhile_is_a_clear_refusal(manager) -> None:
    """Two people saving the same new mapping name: the second is told, not a 500."""
    from accountplan.ingest.errors import ImportFailed
    from accountplan.ingest.models import SavedMapping
    from accountplan.ingest.saved import save_mapping

    toml = '[accounts.columns]\nFirma = "name"\n'
    done = False

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any):
        nonlocal done
        result = execute(sql, params, many, context)
        if not done and sql.startswith("SELECT") and 'FROM "ingest_savedmapping"' in sql:
            done = True
            SavedMapping.objects.bulk_create([SavedMapping(name="ERP", toml=toml)])
        return result

    with (
        connection.execute_wrapper(wrapper),
        pytest.raises(ImportFailed, match="already exists"),
    ):
        save_mapping(name="ERP", toml_text=toml, user=manager)
    assert done

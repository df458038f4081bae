"""A 100,000-row opportunities file imports in well under a minute (bulk writes, no per-row SQL)."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accountplan.book.models import Opportunity
from tests.factories import AccountFactory, ProductFactory
from tests.ingest.conftest import ImportFn

pytestmark = pytest.mark.django_db

ROWS = 100_000


def test_100k_opportunities_import_fast_with_few_queries(do_import: ImportFn):
    accounts = [AccountFactory(name=f"Account {i}", external_id=f"A{i}") for i in range(50)]
    products = [ProductFactory(name=f"Product {i}") for i in range(5)]
    lines = ["opportunity_id,product,account,deal_stage,engage_date,close_date,close_value"]
    stages = ["Won", "Lost", "Engaging"]
    for i in range(ROWS):
        lines.append(
            f"OP{i:06d},{products[i % 5].name},{accounts[i % 50].name},{stages[i % 3]},"
            f"2024-01-{i % 28 + 1:02d},2024-03-{i % 28 + 1:02d},{i % 5000}"
        )
    data = ("\n".join(lines) + "\n").encode()

    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        report = do_import("opportunities", "big.csv", data=data)
    elapsed = time.monotonic() - started

    assert report.created == ROWS
    assert Opportunity.objects.count() == ROWS
    assert elapsed < 60, f"took {elapsed:.1f}s"
    # Lookups once per table, inserts in batches of 1,000: a few hundred queries, not 100,000.
    assert len(queries) < ROWS / 200

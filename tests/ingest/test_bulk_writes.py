"""Imports write in bulk: the number of queries does not grow with the rows.

Speed is measured by bench/import_opportunities.py (100,000 rows), not here.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accountplan.book.models import Opportunity
from tests.factories import AccountFactory, ProductFactory
from tests.ingest.conftest import ImportFn

pytestmark = pytest.mark.django_db

ROWS = 20_000


def test_a_big_opportunities_file_imports_with_batched_queries(do_import: ImportFn):
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

    with CaptureQueriesContext(connection) as queries:
        report = do_import("opportunities", "big.csv", data=data)

    assert report.created == ROWS
    assert Opportunity.objects.count() == ROWS
    # Lookups once per table, inserts in batches of 1,000: a few dozen queries, not one per row.
    assert len(queries) < ROWS / 200


def test_reimporting_a_big_file_writes_nothing(do_import: ImportFn):
    accounts = [AccountFactory(name=f"Account {i}", external_id=f"A{i}") for i in range(10)]
    product = ProductFactory(name="Product X")
    lines = ["opportunity_id,product,account,deal_stage,engage_date,close_date,close_value"]
    for i in range(5_000):
        lines.append(f"OP{i:06d},{product.name},{accounts[i % 10].name},Won,,2024-03-01,{i}")
    data = ("\n".join(lines) + "\n").encode()
    do_import("opportunities", "big.csv", data=data)
    with CaptureQueriesContext(connection) as queries:
        report = do_import("opportunities", "big.csv", data=data)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 5_000)
    inserts = [q for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]
    # Only the import's own history row is written.
    assert all("ingest_" in q["sql"] for q in inserts)

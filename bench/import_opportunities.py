"""Bench: import a synthetic opportunities CSV of N rows and print time, rows/s and queries.

Usage: .venv/bin/python bench/import_opportunities.py [ROWS]   (default 100,000)
Runs against a throwaway SQLite database, or PostgreSQL when DATABASE_URL is set
(the bench creates and drops its own ``bench_import`` tables through Django's test runner).
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time


def main(rows: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accountplan.config.settings")
    os.environ.setdefault("ACCOUNTPLAN_DATA_DIR", tempfile.mkdtemp(prefix="ap-bench-"))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, get_runner, setup_test_environment

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        from accountplan.book.models import Account, Opportunity, Product
        from accountplan.ingest.services import ImportOptions, ImportSource, run_import

        accounts = Account.objects.bulk_create(
            Account(name=f"Account {i}", external_id=f"A{i}") for i in range(500)
        )
        products = Product.objects.bulk_create(Product(name=f"Product {i}") for i in range(20))
        lines = ["opportunity_id,product,account,deal_stage,engage_date,close_date,close_value"]
        stages = ["Won", "Lost", "Engaging"]
        for i in range(rows):
            lines.append(
                f"OP{i:07d},{products[i % 20].name},{accounts[i % 500].name},{stages[i % 3]},"
                f"2024-01-{i % 28 + 1:02d},2024-03-{i % 28 + 1:02d},{i % 5000}"
            )
        data = ("\n".join(lines) + "\n").encode()

        for label in ("first import", "re-import (no changes)"):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                report = run_import(
                    "opportunities",
                    ImportSource("bench.csv", data),
                    "maven",
                    options=ImportOptions(),
                    user=None,
                )
            elapsed = time.perf_counter() - started
            print(
                f"{label}: {rows:,} rows in {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s), "
                f"{len(queries):,} queries; created {report.created:,}, "
                f"updated {report.updated:,}, unchanged {report.unchanged:,}"
            )
        assert Opportunity.objects.count() == rows
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"database: {connection.vendor}; peak memory {peak:,.0f} MB")
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)

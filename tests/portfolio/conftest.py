"""Fixtures for portfolio tests: the Maven sample imported with the real importer."""

from __future__ import annotations

from pathlib import Path

import pytest

from accountplan.ingest.report import Status
from accountplan.ingest.services import ImportOptions, ImportSource, run_import

MAVEN_AS_OF = "2017-12-31"


def import_file(entity: str, path: Path, mapping: str = "maven", **options: bool) -> None:
    """Import one file through the import service (as the CLI does), and check it landed."""
    report = run_import(
        entity,
        ImportSource(path.name, path.read_bytes()),
        mapping,
        options=ImportOptions(**options),
        user=None,
    )
    assert report.status in (Status.IMPORTED, Status.PARTIAL), report.message


@pytest.fixture
def maven_book(db: None, maven_dir: Path) -> Path:
    """Accounts, products and the pipeline of the Maven sample, GTXPro resolved by suggestion."""
    import_file("accounts", maven_dir / "accounts.csv")
    import_file("products", maven_dir / "products.csv")
    import_file(
        "opportunities",
        maven_dir / "sales_pipeline.csv",
        skip_invalid=True,
        accept_suggestions=True,
    )
    return maven_dir

"""A manager uploads a bad file in Chromium and reads its problems; nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from accountplan.core.models import User
from accountplan.ingest.models import ImportRun
from tests.ingest.conftest import table_counts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BAD_ACCOUNTS = (
    "account,sector,year_established,revenue,employees,office_location,subsidiary_of\n"
    "Acme Corporation,technology,1996,1100.04,2822,United States,\n"
    "Betatech,medical,1986,lots,1185,Kenya,\n"
    "Cheapsoft,software,2001,10.5,80,Norway,Nowhere Ltd\n"
)


def test_a_bad_file_is_reported_in_the_preview_and_nothing_is_written(
    live_server: Any, login: Callable[[User], Any], manager: User, tmp_path: Path
) -> None:
    bad = tmp_path / "accounts.csv"
    bad.write_text(BAD_ACCOUNTS, encoding="utf-8")
    before = table_counts()

    page = login(manager)
    page.goto(f"{live_server.url}/imports/")
    page.click("text=New import")
    page.set_input_files("input[name=file]", str(bad))
    page.select_option("select[name=entity]", "accounts")
    page.select_option("select[name=mapping]", "maven")
    page.click("button:has-text('Upload and preview')")

    page.wait_for_url(lambda url: "/preview/" in url)
    assert page.input_value("select[data-header='revenue']") == "annual_revenue"

    # The preview checks every row as the run would, and lists each problem in the file's terms.
    rows = page.locator("#errors tr.error-row")
    assert rows.count() == 2
    first = rows.nth(0).inner_text()
    assert "3" in first and "revenue" in first and "lots" in first and "not a number" in first
    second = rows.nth(1).inner_text()
    assert "4" in second and "Nowhere Ltd" in second and "unknown account" in second
    assert "2 rows with problems" in page.inner_text("#preview-verdict")
    assert page.locator("#run-import").is_disabled()

    assert table_counts() == before
    assert ImportRun.objects.get().status == "pending"

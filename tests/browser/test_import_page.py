"""Imports in the page: the preview checks every row as the run will; columns mapped in the page."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from accountplan.book.models import Account
from accountplan.core.models import User
from accountplan.ingest.models import ImportRun, SavedMapping
from tests.ingest.conftest import run_queued_imports

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DUPLICATE_ID = (
    "account,sector,year_established,revenue,employees,office_location,subsidiary_of\n"
    "Acme Corporation,technology,1996,1100.04,2822,United States,\n"
    "Betatech,medical,1986,647.18,1185,Kenya,\n"
    "Acme Corporation,software,2001,10.5,80,Norway,\n"
    "Cheapsoft,software,2001,10.5,80,Norway,\n"
)


def upload(page: Any, url: str, path: Path, entity: str, mapping_label: str) -> None:
    page.goto(f"{url}/imports/new/")
    page.set_input_files("input[name=file]", str(path))
    page.select_option("select[name=entity]", entity)
    page.select_option("select[name=mapping]", label=mapping_label)
    page.click("button:has-text('Upload and preview')")
    page.wait_for_url(lambda u: "/preview/" in u)


def finish_in_the_worker(page: Any) -> None:
    """The run's page came back at once and shows the queued run; the worker (here, in this
    process) imports it, and the polling page turns into the report by itself."""
    page.wait_for_url(lambda u: u.rstrip("/").split("/")[-1].isdigit())
    assert "waiting for the background worker" in page.inner_text("#import-progress")
    assert run_queued_imports() == ["done"]
    page.wait_for_selector("#import-counts")


def test_a_duplicate_id_is_a_problem_in_the_preview_and_the_valid_rows_import(
    live_server: Any, login: Callable[[User], Any], manager: User, tmp_path: Path
) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text(DUPLICATE_ID, encoding="utf-8")
    page = login(manager)
    upload(page, live_server.url, path, "accounts", "Maven CRM sample")

    # The preview checked the whole file: line 4 repeats line 2's id and is not "ok".
    duplicate = page.locator("#preview-rows tr[data-line='4']")
    assert "problem-row" in (duplicate.get_attribute("class") or "")
    assert "duplicate: line 2 has the same account" in duplicate.inner_text()
    assert page.locator("#preview-rows tr.ok-row").count() == 3
    assert "1 row with problems" in page.inner_text("#preview-verdict")

    # "Run import" (all or nothing) cannot be clicked and says why; no button is primary.
    run = page.locator("#run-import")
    assert run.is_disabled()
    assert "btn-primary" not in (run.get_attribute("class") or "")
    assert "would write nothing" in page.inner_text("#run-why")
    assert page.locator("#import-actions .btn-primary").count() == 0
    assert "--" not in page.inner_text("main")
    assert Account.objects.count() == 0
    assert list(ImportRun.objects.values_list("status", flat=True)) == ["pending"]

    page.click("#import-valid")
    finish_in_the_worker(page)
    assert page.inner_text("#import-status") == "Imported with rejects"
    assert sorted(Account.objects.values_list("name", flat=True)) == [
        "Acme Corporation",
        "Betatech",
        "Cheapsoft",
    ]
    # The first Acme row is the one kept, not the duplicate.
    assert Account.objects.get(name="Acme Corporation").employees == 2822

    assert "btn-primary" in (page.get_attribute("#download-rejects", "class") or "")
    with page.expect_download() as info:
        page.click("#download-rejects")
    text = Path(info.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["line"], r["account"], r["sector"]) for r in rows] == [
        ("4", "Acme Corporation", "software")
    ]
    assert rows[0]["reason"] == "account: duplicate: line 2 has the same account"


HEADER = "Kundennummer;Firma;Branche;Mitarbeiter;Notiz\n"
UNUSUAL = HEADER + "K-1;Acme GmbH;Maschinenbau;120;x\nK-2;Beta AG;Chemie;80;\n"
UNUSUAL_2 = HEADER + "K-3;Gamma KG;Handel;15;\nK-1;Acme GmbH;Maschinenbau;125;\n"


def test_columns_mapped_in_the_page_are_saved_and_reused_on_the_next_upload(
    live_server: Any, login: Callable[[User], Any], manager: User, tmp_path: Path
) -> None:
    first = tmp_path / "kunden.csv"
    first.write_text(UNUSUAL, encoding="utf-8")
    page = login(manager)
    upload(page, live_server.url, first, "accounts", "Map the columns myself in the next step")

    # No column is named like a field: nothing can be checked until the columns are mapped.
    assert "No column is mapped yet" in page.inner_text("#mapping-error")
    assert page.locator("#run-import").count() == 0
    # Each column shows an example value from the file to recognise it by.
    assert "Maschinenbau" in page.inner_text("#column-mapping")
    page.select_option("select[data-header='Kundennummer']", "external_id")
    page.select_option("select[data-header='Firma']", "name")
    page.select_option("select[data-header='Branche']", "industry")
    page.select_option("select[data-header='Mitarbeiter']", "employees")
    page.click("#apply-mapping")
    page.wait_for_selector("#preview-verdict")
    assert "All 2 rows are valid" in page.inner_text("#preview-verdict")
    assert "Acme GmbH" in page.inner_text("#preview-rows")

    page.fill("#mapping-name", "ERP Kunden")
    page.click("#save-mapping")
    page.wait_for_selector(".flash")
    assert "Saved the mapping “ERP Kunden”" in page.inner_text(".flash")
    saved = SavedMapping.objects.get()
    assert (saved.name, saved.created_by) == ("ERP Kunden", manager)
    assert 'Kundennummer = "external_id"' in saved.toml

    page.click("#run-import")
    finish_in_the_worker(page)
    assert page.inner_text("#import-status") == "Imported"
    assert Account.objects.get(external_id="K-1").employees == 120

    # The next file of the same layout: pick the saved mapping, and it reads the file as is.
    second = tmp_path / "kunden-2.csv"
    second.write_text(UNUSUAL_2, encoding="utf-8")
    upload(page, live_server.url, second, "accounts", "Saved: ERP Kunden (accounts)")
    assert page.locator("select[data-header='Firma']").input_value() == "name"
    assert "All 2 rows are valid" in page.inner_text("#preview-verdict")
    assert "1 new, 1 to update" in page.inner_text("#preview-verdict")
    assert page.input_value("#mapping-name") == "ERP Kunden"
    page.click("#run-import")
    finish_in_the_worker(page)
    assert sorted(Account.objects.values_list("external_id", "employees")) == [
        ("K-1", 125),
        ("K-2", 80),
        ("K-3", 15),
    ]
    assert ImportRun.objects.filter(mapping_name="ERP Kunden").count() == 2

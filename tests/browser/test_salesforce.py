"""The Salesforce round trip in a real browser: the plans list's "Export for Salesforce" downloads
the zip of the four files; the upload page imports them and says what it did, or lists every
problem with file, line and column. At 1280 px and 390 px."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from accountplan.core.models import Role
from accountplan.plans.models import AccountPlan
from accountplan.plans.services import create_plan
from tests.factories import AccountFactory, OpportunityFactory, ProductFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXTURES = Path(__file__).parent.parent / "fixtures" / "salesforce" / "labels"


@pytest.fixture
def manager() -> Any:
    owner = UserFactory(external_id="005000000000001AAA")
    account = AccountFactory(name="Acme Logistics", external_id="001000000000001AAA", owner=owner)
    OpportunityFactory(
        account=account, product=ProductFactory(name="Sync Pro"), external_id="006000000000001AAA"
    )
    boss = UserFactory(role=Role.MANAGER)
    create_plan(account, "FY2026", boss, owner=owner)
    return boss


@pytest.mark.parametrize("width", [1280, 390])
def test_export_button_downloads_the_four_files(
    manager: Any, login: Any, live_server: Any, width: int
) -> None:
    page = login(manager)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/plans/")
    button = page.get_by_role("link", name="Export for Salesforce")
    assert button.is_visible()
    with page.expect_download() as download:
        button.click()
    path = download.value.path()
    names = sorted(zipfile.ZipFile(io.BytesIO(Path(path).read_bytes())).namelist())
    assert names == [
        "AccountPlan.csv",
        "AccountPlanObjMeasRela.csv",
        "AccountPlanObjective.csv",
        "AccountPlanObjectiveMeasure.csv",
        "report.json",
    ]
    assert "Acme Logistics — FY2026" in zipfile.ZipFile(path).read("AccountPlan.csv").decode()


@pytest.mark.parametrize("width", [1280, 390])
def test_upload_page_imports_the_files(
    manager: Any, login: Any, live_server: Any, width: int
) -> None:
    page = login(manager)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/plans/")
    page.get_by_role("link", name="Import from Salesforce").click()
    page.wait_for_url("**/plans/salesforce/import/")
    page.set_input_files("#sf-files", [str(p) for p in sorted(FIXTURES.glob("*.csv"))])
    page.get_by_role("button", name="Import").click()
    result = page.locator("#sf-result")
    result.wait_for()
    assert "1 plan created, 0 updated, 0 unchanged; 0 conflicts." in result.inner_text()
    page.get_by_role("link", name="Acme Logistics FY2027").click()
    page.wait_for_url(f"**/plans/{AccountPlan.objects.get(period='FY2027').pk}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Acme Logistics")
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


def test_upload_page_lists_problems_and_writes_nothing(
    manager: Any, login: Any, live_server: Any, tmp_path: Path
) -> None:
    broken = tmp_path / "AccountPlan.csv"
    broken.write_text(
        (FIXTURES / "AccountPlan.csv").read_text().replace("001000000000001,", "001000000000009,")
    )
    page = login(manager)
    page.goto(f"{live_server.url}/plans/salesforce/import/")
    page.set_input_files("#sf-files", [str(broken)])
    page.get_by_role("button", name="Import").click()
    table = page.locator("#sf-problems")
    table.wait_for()
    row = table.locator("tbody tr").first.inner_text()
    assert "AccountPlan.csv" in row and "Account ID" in row and "2" in row
    assert "No account has the Salesforce Id 001000000000009AAA" in row
    assert page.get_by_role("heading", name="Nothing was imported: 1 problem").is_visible()
    assert not AccountPlan.objects.filter(period="FY2027").exists()

"""The plans list's download, the upload page and the API: scoped to what the user may see or
do, errors in words (pages) and JSON (API)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.test import Client

from accountplan.core.models import Role
from accountplan.plans.models import AccountPlan
from accountplan.plans.services import create_plan
from tests.factories import AccountFactory, OpportunityFactory, ProductFactory, UserFactory
from tests.salesforce.helpers import sf

FIXTURES = Path(__file__).parent.parent / "fixtures" / "salesforce" / "labels"


@pytest.fixture
def book(db: None) -> dict:
    ae = UserFactory(external_id=sf("005", 1))
    other = UserFactory(external_id=sf("005", 2))
    mine = AccountFactory(name="Acme Logistics", external_id="001000000000001AAA", owner=ae)
    theirs = AccountFactory(name="Zeta Corp", external_id=sf("001", 2), owner=other)
    OpportunityFactory(
        account=mine, product=ProductFactory(name="Sync Pro"), external_id="006000000000001AAA"
    )
    create_plan(mine, "FY2026", ae)
    create_plan(theirs, "FY2026", other)
    return {"ae": ae, "manager": UserFactory(role=Role.MANAGER)}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _plans_in(content: bytes) -> list[str]:
    zf = zipfile.ZipFile(io.BytesIO(content))
    lines = zf.read("AccountPlan.csv").decode().splitlines()[1:]
    return sorted(line.split(",")[1] for line in lines)


def _uploads() -> list:
    files = []
    for path in sorted(FIXTURES.glob("*.csv")):
        f = io.BytesIO(path.read_bytes())
        f.name = path.name
        files.append(f)
    return files


def test_the_download_holds_only_the_plans_the_user_sees(book: dict) -> None:
    response = _client(book["ae"]).get("/plans/salesforce/export.zip?period=FY2026")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert _plans_in(response.content) == ["Acme Logistics — FY2026"]
    everything = _client(book["manager"]).get("/plans/salesforce/export.zip")
    assert _plans_in(everything.content) == ["Acme Logistics — FY2026", "Zeta Corp — FY2026"]


def test_the_api_export_is_scoped_too(book: dict) -> None:
    response = _client(book["ae"]).get("/api/salesforce/export")
    assert response.status_code == 200
    assert _plans_in(response.content) == ["Acme Logistics — FY2026"]


def test_the_upload_page_imports_and_shows_what_it_did(book: dict) -> None:
    client = _client(book["manager"])
    assert client.get("/plans/salesforce/import/").status_code == 200
    response = client.post("/plans/salesforce/import/", {"files": _uploads()})
    assert response.status_code == 200
    assert "1 plan created" in response.content.decode()
    assert AccountPlan.objects.filter(period="FY2027").count() == 1


def test_the_upload_page_lists_every_problem_and_writes_nothing(book: dict) -> None:
    files = _uploads()
    plan_file = next(f for f in files if f.name == "AccountPlan.csv")
    broken = io.BytesIO(plan_file.read().replace(b"001000000000001,", b"001000000000009,"))
    broken.name = "AccountPlan.csv"
    files = [broken if f is plan_file else f for f in files]
    response = _client(book["manager"]).post("/plans/salesforce/import/", {"files": files})
    assert response.status_code == 422
    text = response.content.decode()
    assert "Nothing was imported" in text and "Account ID" in text
    assert "No account has the Salesforce Id 001000000000009AAA" in text
    assert not AccountPlan.objects.filter(period="FY2027").exists()


def test_an_account_executive_may_not_import(book: dict) -> None:
    client = _client(book["ae"])
    assert client.get("/plans/salesforce/import/").status_code == 403
    response = client.post("/api/salesforce/import", {"files": _uploads()})
    assert response.status_code == 403
    assert "managers and admins" in response.json()["detail"]
    assert not AccountPlan.objects.filter(period="FY2027").exists()


def test_the_api_import_answers_json_problems(book: dict) -> None:
    bad = io.BytesIO(b"Account Plan ID,Account Plan Name\n0Ap000000000001,X\n")
    bad.name = "AccountPlan.csv"
    response = _client(book["manager"]).post("/api/salesforce/import", {"files": [bad]})
    assert response.status_code == 422
    assert response.json()["problems"] == [
        {
            "file": "AccountPlan.csv",
            "line": 1,
            "column": "",
            "value": "",
            "reason": "Missing column: AccountId (Account ID). Export the file again with "
            "these fields.",
        }
    ]


def test_the_api_import_creates_the_plan(book: dict) -> None:
    response = _client(book["manager"]).post("/api/salesforce/import", {"files": _uploads()})
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1

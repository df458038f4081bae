"""The analytics API: scoped rows, pagination, filters, 404 / 403 / 422, rescore."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from accountplan.book.models import Account
from accountplan.core.models import User
from accountplan.portfolio.models import AccountScore, CellScore, Snapshot
from tests.portfolio.conftest import MAVEN_AS_OF


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def scored(maven_book: Path, ae: User, tmp_path: Path) -> Account:
    """The Maven book analyzed, with bob (AE) owning Acme Corporation."""
    acme = Account.objects.get(name="Acme Corporation")
    acme.owner = ae
    acme.save()
    call_command("analyze", "--as-of", MAVEN_AS_OF, "--out", str(tmp_path), stdout=io.StringIO())
    return acme


def test_no_snapshot_yet_is_a_404_that_says_what_to_do(manager: User):
    response = client_for(manager).get("/api/analytics/snapshot")
    assert response.status_code == 404
    assert "accountplan analyze" in response.json()["detail"]


def test_the_current_snapshot(scored: Account, manager: User):
    body = client_for(manager).get("/api/analytics/snapshot").json()
    assert body["as_of"] == MAVEN_AS_OF
    assert body["status"] == "done"
    assert body["account_count"] == 85


def test_a_manager_sees_every_account_an_ae_theirs_an_outsider_none(
    scored: Account, manager: User, ae: User, outsider: User
):
    everyone = client_for(manager).get("/api/analytics/accounts?limit=200").json()
    bobs = client_for(ae).get("/api/analytics/accounts").json()
    nobody = client_for(outsider).get("/api/analytics/accounts").json()

    assert everyone["count"] == 85
    assert [a["account_name"] for a in bobs["items"]] == ["Acme Corporation"]
    assert nobody["count"] == 0
    # without an account: the stored cells (revenue, deal markers); with one: its every item
    bobs_cells = client_for(ae).get("/api/analytics/cells?limit=200").json()
    assert bobs_cells["count"] == CellScore.objects.filter(account=scored).count() > 0
    assert {c["account_id"] for c in bobs_cells["items"]} == {scored.pk}
    acme_row = client_for(ae).get(f"/api/analytics/cells?account={scored.pk}").json()
    assert acme_row["count"] == 7  # every product
    assert client_for(outsider).get(f"/api/analytics/cells?account={scored.pk}").status_code == 404
    assert client_for(outsider).get("/api/analytics/cells").json()["count"] == 0


def test_an_account_score_and_its_explanation_or_404(scored: Account, ae: User, outsider: User):
    url = f"/api/analytics/accounts/{scored.pk}"
    mine = client_for(ae).get(url)
    assert mine.status_code == 200
    body = mine.json()
    assert "Acme Corporation" in body["explanation"]
    assert {p["attribute"] for p in body["score_parts"]} >= {"whitespace_value"}
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(ae).get("/api/analytics/accounts/999999999").status_code == 404


def test_pagination_filters_and_sorts(scored: Account, manager: User):
    client = client_for(manager)
    page = client.get("/api/analytics/accounts?limit=10&offset=80&sort=current_revenue").json()
    assert (page["count"], page["limit"], page["offset"], len(page["items"])) == (85, 10, 80, 5)
    top = client.get("/api/analytics/accounts?sort=current_revenue&limit=200").json()["items"]
    revenues = [Decimal(a["current_revenue"]) for a in top]  # exact money, as decimal text
    assert revenues == sorted(revenues, reverse=True)
    expand = client.get("/api/analytics/accounts?play=Expand&limit=200").json()
    assert expand["count"] == AccountScore.objects.filter(play="Expand").count() > 0
    assert {a["play"] for a in expand["items"]} == {"Expand"}
    tier1 = client.get("/api/analytics/accounts?tier=1&limit=200").json()
    assert {a["tier"] for a in tier1["items"]} == {1}
    white = client.get(f"/api/analytics/cells?account={scored.pk}&state=none&limit=200").json()
    assert white["count"] > 0
    assert {c["state"] for c in white["items"]} == {"none"}
    assert all(c["propensity"] is not None for c in white["items"])
    gtx = client.get(f"/api/analytics/cells?account={scored.pk}&family=GTX&limit=200").json()
    assert gtx["count"] == 4
    stored_gtx = client.get("/api/analytics/cells?family=GTX&limit=200").json()
    assert {c["family"] for c in stored_gtx["items"]} == {"GTX"}


@pytest.mark.parametrize(
    "query",
    ["accounts?play=Grow", "accounts?sort=name", "accounts?limit=500", "cells?state=empty"],
)
def test_bad_parameters_are_422(scored: Account, manager: User, query: str):
    response = client_for(manager).get(f"/api/analytics/{query}")
    assert response.status_code == 422
    assert response.json()["detail"]


def test_the_grid_has_points_thresholds_and_counts(scored: Account, manager: User, ae: User):
    grid = client_for(manager).get("/api/analytics/grid").json()
    assert sum(grid["counts"].values()) + grid["unscored"] == 85
    assert len(grid["points"]) == sum(grid["counts"].values())
    for point in grid["points"]:
        high_rev = Decimal(point["current_revenue"]) >= Decimal(grid["revenue_threshold"])
        high_pot = point["potential_score"] >= grid["score_threshold"]
        expected = {(True, True): "Expand", (True, False): "Penetrate"}
        expected |= {(False, True): "Nurture", (False, False): "Manage"}
        assert point["play"] == expected[(high_pot, high_rev)]
    mine = client_for(ae).get("/api/analytics/grid").json()
    assert [p["account_name"] for p in mine["points"]] == ["Acme Corporation"]
    assert mine["revenue_threshold"] == grid["revenue_threshold"]


def test_rescore_is_for_managers(db: None, manager: User, ae: User):
    refused = client_for(ae).post("/api/analytics/rescore")
    assert refused.status_code == 403
    assert "managers and admins" in refused.json()["detail"]
    queued = client_for(manager).post("/api/analytics/rescore")
    assert queued.status_code == 202
    assert queued.json()["status"] == "queued"
    assert Snapshot.objects.get(pk=queued.json()["id"]).requested_by == manager


def test_anonymous_is_401(db: None):
    assert Client().get("/api/analytics/accounts").status_code == 401


def test_the_grid_pages_and_samples_its_points(scored: Account, manager: User):
    from accountplan.portfolio.grid_data import forget

    forget()
    c = client_for(manager)
    whole = c.get("/api/analytics/grid").json()
    total = whole["points_total"]
    assert total == len(whole["points"]) == sum(whole["counts"].values())
    ids = [p["account_id"] for p in whole["points"]]
    assert ids == sorted(ids)
    first = c.get("/api/analytics/grid", {"limit": 10}).json()
    second = c.get("/api/analytics/grid", {"limit": 10, "offset": 10}).json()
    assert [p["account_id"] for p in first["points"] + second["points"]] == ids[:20]
    assert first["points_total"] == total and not first["sampled"]
    sample = c.get("/api/analytics/grid", {"limit": 10, "sample": "true"}).json()
    step = -(-total // 10)
    assert sample["sampled"]
    assert [p["account_id"] for p in sample["points"]] == [i for i in ids if i % step == 0][:10]
    assert c.get("/api/analytics/grid", {"limit": 5001}).status_code == 422

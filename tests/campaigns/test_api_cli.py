"""Campaigns over the API and the CLI: create, preview, launch, export and results."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook

from accountplan.campaigns import targeting
from accountplan.campaigns.models import Campaign
from accountplan.core.models import User
from tests.portfolio_web.conftest import ScoredBook, signed_in

pytestmark = pytest.mark.django_db


def _cli(*args: str) -> str:
    out = io.StringIO()
    call_command("campaign", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_cli_creates_previews_launches_exports_and_measures(
    scored: ScoredBook, marketer: User, tmp_path: Path
) -> None:
    created = json.loads(
        _cli("--user", "mia", "create", "--name", "Sync push", "--play", "penetrate",
             "--product", "P-SYNC", "--start", "2024-07-01", "--end", "2024-09-30",
             "--budget", "1500.50", "--control-share", "0", "--json")
    )  # fmt: skip
    assert created["status"] == "draft" and created["budget"] == "1500.50"
    pk = str(created["id"])
    preview = json.loads(_cli("preview", pk, "--json"))
    assert preview["accounts"] == 3 and Decimal(preview["whitespace"]) > 0
    launched = json.loads(_cli("--user", "mia", "launch", pk, "--on", "2024-07-01", "--json"))
    assert (launched["status"], launched["target_count"]) == ("launched", 3)
    with pytest.raises(CommandError, match="already launched"):
        _cli("launch", pk)
    out = tmp_path / "contacts.xlsx"
    _cli("export", pk, "--format", "xlsx", "--output", str(out))
    assert next(load_workbook(out).active.iter_rows(values_only=True))[0] == "contact_name"
    res = json.loads(_cli("results", pk, "--model", "first_touch", "--json"))
    assert [w["key"] for w in res["windows"]] == ["reached", "influenced"]
    assert res["credit"]["model"] == "first_touch"
    assert "Reached (launch → end) 2024-07-01 – 2024-09-30" in _cli("results", pk)


def test_the_api_creates_previews_launches_and_refuses_a_second_launch(
    client: Client, scored: ScoredBook, marketer: User, ae: User
) -> None:
    body = {
        "name": "API push", "play": "penetrate", "product_ids": [scored.products[1].pk],
        "start_date": "2024-07-01", "end_date": "2024-09-30", "control_share": "0.2", "seed": 4,
    }  # fmt: skip
    signed_in(client, ae)
    refused = client.post("/api/campaigns", body, content_type="application/json")
    assert refused.status_code == 403 and "detail" in refused.json()
    signed_in(client, marketer)
    made = client.post("/api/campaigns", body, content_type="application/json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert client.get(f"/api/campaigns/{pk}/preview").json()["accounts"] == 3
    bad = client.post(
        "/api/campaigns", {**body, "end_date": "2024-01-01"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "end date" in bad.json()["detail"]
    launched = client.post(f"/api/campaigns/{pk}/launch")
    assert launched.status_code == 200
    again = client.post(f"/api/campaigns/{pk}/launch")
    assert again.status_code == 409
    c = Campaign.objects.get(pk=pk)
    assert c.target_count + c.control_count == 3
    res = client.get(f"/api/campaigns/{pk}/results?model=nope")
    assert res.status_code == 400
    assert client.get(f"/api/campaigns/{pk}/export?format=csv").status_code == 200
    assert client.get("/api/campaigns/999999/results").status_code == 404


def test_the_propensity_filter_keeps_accounts_whose_next_best_include_a_target(
    scored: ScoredBook, marketer: User
) -> None:
    suite = scored.products[0]
    plain = targeting.Criteria(quadrant="Penetrate", product_ids=[suite.pk])
    likely = targeting.Criteria(quadrant="Penetrate", product_ids=[suite.pk], propensity=True)
    assert targeting.preview(marketer, plain).accounts == 3
    # Only Shop 00 (which does not buy Suite yet) has Suite among its next best products.
    found = targeting.preview(marketer, likely)
    assert [r["name"] for r in found.top] == ["Shop 00"]

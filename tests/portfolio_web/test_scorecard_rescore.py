"""The scorecard page (edit, validation, TOML) and the rescore button."""

from __future__ import annotations

import tomllib

from django.test import Client

from accountplan.core.models import User
from accountplan.portfolio.models import Scorecard, Snapshot, SnapshotStatus
from accountplan.portfolio.scorecard import ATTRIBUTE_KEYS
from tests.portfolio_web.conftest import signed_in

URL = "/scorecard/"


def payload(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {f"weight_{k}": 10 for k in ATTRIBUTE_KEYS}
    data |= {
        "industries": "Retail, Banking",
        "regions": "",
        "icp_min_employees": "100",
        "icp_max_employees": "5000",
        "tier1_min_percentile": "85",
        "full_share": "0.75",
        "min_peers": "3",
    }
    data |= changes
    return data


def test_manager_saves_and_a_rescore_is_queued(client: Client, manager: User) -> None:
    response = signed_in(client, manager).post(URL, payload())
    assert response.status_code == 302
    card = Scorecard.objects.get(name="default")
    assert card.icp_industries == ["Retail", "Banking"]
    assert card.full_share == 0.75 and card.min_peers == 3
    queued = Snapshot.objects.get()
    assert queued.status == SnapshotStatus.QUEUED and queued.requested_by == manager
    assert "Rescore queued" in client.get(URL).content.decode()


def test_invalid_scorecard_is_a_400_with_messages(client: Client, manager: User) -> None:
    signed_in(client, manager)
    zero = {f"weight_{k}": 0 for k in ATTRIBUTE_KEYS}
    response = client.post(URL, payload(tier1_min_percentile="95", **zero))
    assert response.status_code == 400
    html = response.content.decode()
    assert "At least one weight must be above 0" in html or "80" in html
    response = client.post(URL, payload(icp_min_employees="900", icp_max_employees="10"))
    assert response.status_code == 400
    assert "must not exceed" in response.content.decode()
    response = client.post(URL, payload(full_share="lots"))
    assert response.status_code == 400
    assert "Enter a number" in response.content.decode()
    assert not Snapshot.objects.exists()


def test_ae_reads_but_cannot_change(client: Client, ae: User) -> None:
    signed_in(client, ae)
    html = client.get(URL).content.decode()
    assert "Read only" in html and "disabled" in html
    assert client.post(URL, payload()).status_code == 403
    assert not Snapshot.objects.exists()


def test_toml_download_reads_back(client: Client, manager: User) -> None:
    signed_in(client, manager).post(URL, payload())
    response = client.get("/scorecard/scorecard.toml")
    data = tomllib.loads(response.content.decode())
    assert data["icp"]["industries"] == ["Retail", "Banking"]
    assert data["thresholds"]["min_peers"] == 3


def test_rescore_button(client: Client, manager: User, ae: User) -> None:
    signed_in(client, ae)
    assert client.post("/rescore/").status_code == 403
    assert client.get("/rescore/").status_code == 405
    assert not Snapshot.objects.exists()
    client.logout()
    signed_in(client, manager)
    response = client.post("/rescore/", {"next": "/grid/?play=Expand"})
    assert response.status_code == 302 and response["Location"] == "/grid/?play=Expand"
    assert Snapshot.objects.get().status == SnapshotStatus.QUEUED
    html = client.get("/whitespace/").content.decode()
    assert "Rescore queued" in html and "Rescore queued (snapshot" in html
    evil = client.post("/rescore/", {"next": "https://evil.example/"})
    assert evil["Location"] == "/whitespace/"

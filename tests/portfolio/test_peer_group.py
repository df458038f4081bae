"""The peer group is a choice of the scorecard: TOML, the page, the API, the analysis, the CLI."""

from __future__ import annotations

import datetime as dt
import io
from html import unescape
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accountplan.core.models import User
from accountplan.portfolio.models import PeerField, Snapshot, SnapshotStatus
from accountplan.portfolio.scorecard import (
    ScorecardError,
    config_to_json,
    export_toml,
    get_scorecard,
    import_toml,
    peer_warning,
    to_config,
)
from tests.factories import AccountFactory, ProductFactory, PurchaseLineFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2024, 6, 30)
SEGMENT_EMPTY = (
    "Peer group 'segment' is empty for 75 % of accounts (3 of 4): their potentials come from "
    "all accounts. Choose another peer group on the scorecard page."
)
VALID = "industry, segment, territory, country, none"


def book_with_few_segments() -> None:
    """Four accounts with an industry, only one with a segment (the ERP case, reversed)."""
    suite = ProductFactory(external_id="P-SUITE", name="Suite")
    for i, segment in enumerate(["Wholesale", "", "", ""]):
        account = AccountFactory(segment=segment, employees=100 * (i + 1))
        PurchaseLineFactory(
            account=account, product=suite, date=dt.date(2024, 3, 1), amount=1000 * (i + 1)
        )


def choose(peer_field: str) -> None:
    card = get_scorecard()
    card.peer_field = peer_field
    card.save()


# --- TOML --------------------------------------------------------------------------------------


def test_toml_round_trip_keeps_the_peer_group(tmp_path: Path) -> None:
    assert '[peers]\ngroup = "industry"' in export_toml(get_scorecard())
    source = tmp_path / "in.toml"
    source.write_text('[peers]\ngroup = "segment"\n', encoding="utf-8")
    call_command("scorecard", "import", str(source), stdout=io.StringIO())
    assert get_scorecard().peer_field == PeerField.SEGMENT

    exported = tmp_path / "out.toml"
    call_command("scorecard", "export", str(exported), stdout=io.StringIO())
    assert '[peers]\ngroup = "segment"' in exported.read_text(encoding="utf-8")
    choose(PeerField.COUNTRY)
    call_command("scorecard", "import", str(exported), stdout=io.StringIO())
    assert get_scorecard().peer_field == PeerField.SEGMENT
    assert export_toml(get_scorecard()) == exported.read_text(encoding="utf-8")


def test_a_file_without_peers_uses_industry() -> None:
    choose(PeerField.SEGMENT)
    import_toml("[thresholds]\nmin_peers = 4\n")
    assert get_scorecard().peer_field == PeerField.INDUSTRY


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[peers]\ngroup = "sector"', f"Peer group must be one of {VALID}"),
        ("[peers]\ngroup = 3", "got 3"),
        ('[peers]\nfield = "segment"', "Unknown key 'peers.field': expected group."),
        ('peers = "segment"', "[peers] must be a table"),
    ],
)
def test_a_bad_peer_group_is_refused_naming_the_valid_values(toml: str, message: str) -> None:
    with pytest.raises(ScorecardError) as excinfo:
        import_toml(toml)
    assert message in excinfo.value.message
    assert get_scorecard().peer_field == PeerField.INDUSTRY


def test_the_cli_import_error_names_the_valid_values(tmp_path: Path) -> None:
    source = tmp_path / "bad.toml"
    source.write_text('[peers]\ngroup = "sector"\n', encoding="utf-8")
    with pytest.raises(CommandError, match=r"Peer group must be one of industry, segment"):
        call_command("scorecard", "import", str(source), stdout=io.StringIO())


# --- the analysis' settings --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("peer_field", "segment_field"),
    [
        (PeerField.INDUSTRY, "industry"),
        (PeerField.SEGMENT, "segment"),
        (PeerField.TERRITORY, "territory"),
        (PeerField.COUNTRY, "country"),
        (PeerField.NONE, None),
    ],
)
def test_to_config_maps_the_peer_group(peer_field: str, segment_field: str | None) -> None:
    choose(peer_field)
    config = to_config(get_scorecard(), AS_OF)
    assert config.segment_field == segment_field
    stored = config_to_json(config)
    assert stored["segment_field"] == segment_field
    assert stored["peer_group"] == peer_field


# --- the warning from the database -------------------------------------------------------------


def test_peer_warning_counts_blank_accounts_in_one_query(
    django_assert_num_queries: object,
) -> None:
    book_with_few_segments()
    AccountFactory(segment="   ", industry="")  # spaces only: blank too
    with django_assert_num_queries(1):  # type: ignore[operator]
        warning = peer_warning("segment")
    assert warning == SEGMENT_EMPTY.replace(
        "75 % of accounts (3 of 4)", "80 % of accounts (4 of 5)"
    )
    assert peer_warning("industry") is None  # 1 of 5 blank
    assert peer_warning(None) is None
    assert peer_warning("none") is None


# --- the scorecard page ------------------------------------------------------------------------


def page_payload(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "weight_whitespace_value": 30,
        "weight_icp_fit": 20,
        "weight_growth": 20,
        "weight_satisfaction": 15,
        "weight_share_of_wallet_gap": 15,
        "industries": "",
        "regions": "",
        "tier1_min_percentile": "90",
        "full_share": "0.8",
        "min_peers": "5",
    }
    return data | changes


def test_the_page_form_saves_the_peer_group_and_warns(client: Client, manager: User) -> None:
    book_with_few_segments()
    client.force_login(manager)
    html = client.get("/scorecard/").content.decode()
    assert "Peer group" in html and 'value="segment"' in html
    assert 'data-testid="peer-warning"' not in html  # industry is filled everywhere

    response = client.post("/scorecard/", page_payload(peer_field="segment"))
    assert response.status_code == 302
    assert get_scorecard().peer_field == PeerField.SEGMENT
    assert Snapshot.objects.get().status == SnapshotStatus.QUEUED  # saving queues a rescore
    html = unescape(client.get("/scorecard/").content.decode())
    assert SEGMENT_EMPTY in html
    assert "accounts of the same segment" in html


def test_the_page_refuses_an_unknown_peer_group(client: Client, manager: User) -> None:
    client.force_login(manager)
    response = client.post("/scorecard/", page_payload(peer_field="sector"))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert get_scorecard().peer_field == PeerField.INDUSTRY


def test_a_post_without_the_peer_group_keeps_it(client: Client, manager: User) -> None:
    choose(PeerField.TERRITORY)
    client.force_login(manager)
    assert client.post("/scorecard/", page_payload(min_peers="4")).status_code == 302
    card = get_scorecard()
    assert (card.peer_field, card.min_peers) == (PeerField.TERRITORY, 4)


def test_an_account_executive_sees_no_book_wide_counts(client: Client, ae: User) -> None:
    book_with_few_segments()
    choose(PeerField.SEGMENT)
    client.force_login(ae)
    assert "is empty for" not in client.get("/scorecard/").content.decode()


# --- the API -----------------------------------------------------------------------------------


def test_the_api_reads_the_peer_group_and_its_warning(manager: User) -> None:
    book_with_few_segments()
    choose(PeerField.SEGMENT)
    client = Client()
    client.force_login(manager)
    body = client.get("/api/analytics/scorecard").json()
    assert body["peer_field"] == "segment"
    assert body["peer_field_warning"] == SEGMENT_EMPTY
    assert body["weights"]["whitespace_value"] == 30
    assert body["min_peers"] == 5


def test_a_manager_changes_the_peer_group_through_the_api(manager: User) -> None:
    client = Client()
    client.force_login(manager)
    response = client.patch(
        "/api/analytics/scorecard",
        {"peer_field": "none", "weights": {"growth": 0}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["peer_field"] == "none"
    assert response.json()["peer_field_warning"] is None
    card = get_scorecard()
    assert (card.peer_field, card.weight_growth, card.weight_icp_fit) == ("none", 0, 20)
    assert to_config(card, AS_OF).segment_field is None
    assert Snapshot.objects.get().trigger == "scorecard"


def test_an_unknown_peer_group_is_a_422_listing_the_valid_values(manager: User) -> None:
    client = Client()
    client.force_login(manager)
    response = client.patch(
        "/api/analytics/scorecard", {"peer_field": "sector"}, content_type="application/json"
    )
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"][-1] == "peer_field"
    for value in ("industry", "segment", "territory", "country", "none"):
        assert f"'{value}'" in problem["msg"]
    assert get_scorecard().peer_field == PeerField.INDUSTRY
    assert not Snapshot.objects.exists()


def test_scorecard_rules_are_a_422_too(manager: User) -> None:
    client = Client()
    client.force_login(manager)
    response = client.patch(
        "/api/analytics/scorecard",
        {"tier1_min_percentile": 95, "peer_field": None},
        content_type="application/json",
    )
    assert response.status_code == 422
    problems = {tuple(p["loc"]): p["msg"] for p in response.json()["detail"]}
    assert "between 80 and 90" in problems["body", "tier1_min_percentile"]
    assert f"Peer group must be one of {VALID}" in problems["body", "peer_field"]
    assert not Snapshot.objects.exists()


def test_only_managers_and_admins_change_the_scorecard(ae: User) -> None:
    client = Client()
    client.force_login(ae)
    assert client.get("/api/analytics/scorecard").json()["peer_field_warning"] is None
    response = client.patch(
        "/api/analytics/scorecard", {"peer_field": "segment"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert get_scorecard().peer_field == PeerField.INDUSTRY


# --- the CLI -----------------------------------------------------------------------------------


def test_analyze_prints_the_warning(tmp_path: Path) -> None:
    book_with_few_segments()
    choose(PeerField.SEGMENT)
    stdout = io.StringIO()
    call_command("analyze", "--as-of", AS_OF.isoformat(), "--out", str(tmp_path), stdout=stdout)
    assert f"Warning: {SEGMENT_EMPTY}" in stdout.getvalue()
    snapshot = Snapshot.objects.get()
    assert snapshot.config["segment_field"] == "segment"


def test_analyze_says_nothing_when_the_peer_group_is_filled(tmp_path: Path) -> None:
    book_with_few_segments()
    stdout = io.StringIO()
    call_command("analyze", "--as-of", AS_OF.isoformat(), "--out", str(tmp_path), stdout=stdout)
    assert "Warning" not in stdout.getvalue()


def test_the_snapshot_records_the_warning_and_the_map_shows_it(
    client: Client, manager: User
) -> None:
    from accountplan.portfolio.services import analyze_now

    book_with_few_segments()
    choose(PeerField.SEGMENT)
    snapshot = analyze_now(as_of=AS_OF).snapshot
    assert snapshot.warnings == [SEGMENT_EMPTY]
    assert snapshot.config["peer_group"] == "segment"
    client.force_login(manager)
    html = unescape(client.get("/whitespace/").content.decode())
    assert SEGMENT_EMPTY in html


def test_a_filled_peer_group_leaves_the_snapshot_without_warnings() -> None:
    from accountplan.portfolio.services import analyze_now

    book_with_few_segments()
    assert analyze_now(as_of=AS_OF).snapshot.warnings == []  # industry is filled everywhere

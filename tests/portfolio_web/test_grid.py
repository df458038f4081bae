"""The prioritization grid page, its spec and its marketing export."""

from __future__ import annotations

import csv
import io
import json
import re
import statistics

import openpyxl
from django.test import Client

from accountplan.analytics.grid import PLAYS
from accountplan.book.models import OpportunityContactRole
from accountplan.core.models import User
from accountplan.portfolio.charts import grid_spec, revenue_floor
from accountplan.portfolio.models import AccountScore
from tests.portfolio_web.conftest import ScoredBook, signed_in

URL = "/grid/"


def spec_of(html: str) -> dict:
    raw = re.search(r'<script id="grid-spec" type="application/json">(.*?)</script>', html, re.S)
    assert raw is not None
    return json.loads(raw.group(1))


def counts_of(html: str) -> dict[str, int]:
    return {
        play: int(re.search(rf'data-testid="count-{play}">(\d+)<', html).group(1))  # type: ignore[union-attr]
        for play in PLAYS
    }


def test_empty_state_without_snapshot(client: Client, ae: User) -> None:
    html = signed_in(client, ae).get(URL).content.decode()
    assert "No scores yet" in html
    assert "Rescore now" not in html


def test_quadrant_counts_and_spec_for_the_manager(
    client: Client, manager: User, scored: ScoredBook
) -> None:
    html = signed_in(client, manager).get(URL).content.decode()
    scores = list(AccountScore.objects.filter(snapshot=scored.snapshot))
    assert counts_of(html) == {p: sum(1 for s in scores if s.play == p) for p in PLAYS}
    spec = spec_of(html)
    points = spec["layer"][-1]["data"]["values"]
    assert len(points) == sum(1 for s in scores if s.potential_score is not None)
    rules = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    median_cr = statistics.median(s.current_revenue for s in scores)
    median_score = statistics.median(s.potential_score for s in scores if s.scored)
    floor = spec["usermeta"]["revenue_floor"]
    assert rules[0]["encoding"]["x"]["datum"] == max(median_cr, floor)
    assert rules[1]["encoding"]["y"]["datum"] == median_score


def test_ae_counts_only_their_accounts_and_is_told_thresholds_are_global(
    client: Client, ae: User, scored: ScoredBook
) -> None:
    html = signed_in(client, ae).get(URL).content.decode()
    assert sum(counts_of(html).values()) <= 2
    assert len(spec_of(html)["layer"][-1]["data"]["values"]) <= 2
    assert "Thresholds are computed over the whole book" in html
    names = {p["name"] for p in spec_of(html)["layer"][-1]["data"]["values"]}
    assert names <= {a.name for a in scored.ae_accounts}


def test_play_tab_lists_that_quadrant(client: Client, manager: User, scored: ScoredBook) -> None:
    signed_in(client, manager)
    for play in PLAYS:
        html = client.get(URL, {"play": play}).content.decode()
        listed = re.findall(r'<td class="name"><a [^>]*>([^<]+)</a>', html)
        expected = AccountScore.objects.filter(snapshot=scored.snapshot, play=play)
        assert sorted(listed) == sorted(s.account.name for s in expected)


def test_list_sorts_and_filters(client: Client, manager: User, scored: ScoredBook) -> None:
    signed_in(client, manager)
    html = client.get(URL, {"sort": "name"}).content.decode()
    listed = re.findall(r'<td class="name"><a [^>]*>([^<]+)</a>', html)
    assert listed == sorted(a.name for a in scored.accounts)
    html = client.get(URL, {"territory": "West"}).content.decode()
    assert sum(counts_of(html).values()) <= 4
    assert client.get(URL, {"tier": "9", "sort": "x", "page": "zz"}).status_code == 200


def test_marketing_export(client: Client, manager: User, scored: ScoredBook) -> None:
    response = signed_in(client, manager).get("/grid/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 8
    assert set(rows[0]) >= {"account_id", "campaign", "next_best_products", "contact_name"}
    shop3 = next(r for r in rows if r["account_name"] == "Shop 03")
    assert (shop3["contact_name"], shop3["contact_title"]) == ("Dana Buyer", "CIO")
    assert shop3["account_id"] == scored.accounts[3].external_id
    for row in rows:
        assert row["campaign"] == PLAYS.get(row["play"], "")
    play = rows[0]["play"]
    narrowed = client.get("/grid/export.xlsx", {"play": play})
    sheet = openpyxl.load_workbook(io.BytesIO(narrowed.content)).active
    data = list(sheet.iter_rows(values_only=True))
    assert len(data) - 1 == sum(1 for r in rows if r["play"] == play)


def test_spec_places_zero_revenue_at_a_floor_on_a_log_axis() -> None:
    points = [
        {
            "id": 1,
            "name": "A",
            "revenue": 0.0,
            "score": 80.0,
            "tier": 1,
            "play": "Penetrate",
            "url": "/a",
        },
        {
            "id": 2,
            "name": "B",
            "revenue": 1000.0,
            "score": 20.0,
            "tier": 3,
            "play": "Manage",
            "url": "/b",
        },
        {
            "id": 3,
            "name": "C",
            "revenue": 5000.0,
            "score": 60.0,
            "tier": 2,
            "play": "Expand",
            "url": "/c",
        },
    ]
    spec = grid_spec(points, 1000.0, 60.0)  # type: ignore[arg-type]
    assert revenue_floor(points, 1000.0) == 500.0  # type: ignore[arg-type]
    layer = spec["layer"][-1]
    assert layer["encoding"]["x"]["scale"] == {"type": "log"}
    assert layer["encoding"]["y"]["scale"] == {"domain": [0, 100]}
    xs = {v["name"]: v["x"] for v in layer["data"]["values"]}
    assert xs == {"A": 500.0, "B": 1000.0, "C": 5000.0}
    kinds = {v["name"]: v["revenue_kind"] for v in layer["data"]["values"]}
    assert kinds["A"] != kinds["B"]
    # Each corner is captioned with its play: the name alone on a narrow plot, with the
    # campaign's lines on a wide one (a Vega expression on the plot width).
    captions = [x["mark"]["text"]["expr"] for x in spec["layer"] if x["mark"]["type"] == "text"]
    assert len(captions) == len(PLAYS)
    for play, caption in zip(sorted(PLAYS), sorted(captions), strict=True):
        assert caption.startswith(f'width < 520 ? "{play}" : ["{play}", ')
    empty = grid_spec([], None, None)
    assert [layer["mark"]["type"] for layer in empty["layer"]].count("rule") == 0


def _rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_marketing_export_rounds_numbers_for_people(
    client: Client, manager: User, scored: ScoredBook
) -> None:
    rows = _rows(signed_in(client, manager).get("/grid/export.csv"))
    scores = {s.account.name: s for s in AccountScore.objects.filter(snapshot=scored.snapshot)}
    assert any(
        s.potential_score is not None and s.potential_score != round(s.potential_score, 1)
        for s in scores.values()
    ), "the book must hold a score with more than one decimal for this test to mean something"
    for row in rows:
        s = scores[row["account_name"]]
        score = row["potential_score"]
        assert score == ("" if s.potential_score is None else str(round(s.potential_score, 1)))
        assert re.fullmatch(r"-?\d+", row["current_revenue"]), row["current_revenue"]
        assert int(row["current_revenue"]) == round(s.current_revenue)
        assert re.fullmatch(r"-?\d+", row["whitespace_value"]), row["whitespace_value"]


def test_marketing_export_lists_every_buying_contact_on_request(
    client: Client, manager: User, scored: ScoredBook
) -> None:
    from tests.factories import ContactFactory, OpportunityFactory

    shop = scored.accounts[3]
    deal = OpportunityFactory(account=shop)
    people = [
        ContactFactory(account=shop, first_name=first, last_name="Roe", email=f"{first}@x.test")
        for first in ("Ann", "Ben", "Cat")
    ]
    OpportunityContactRole.objects.create(
        opportunity=deal, contact=people[0], role="Decision Maker"
    )
    OpportunityContactRole.objects.create(
        opportunity=deal, contact=people[1], role="=HYPERLINK(1)", is_primary=True
    )
    OpportunityContactRole.objects.create(opportunity=deal, contact=people[2], role="")
    signed_in(client, manager)
    one = _rows(client.get("/grid/export.csv"))
    assert [r["account_name"] for r in one].count(shop.name) == 1
    every = _rows(client.get("/grid/export.csv", {"contacts": "buying"}))
    shop_rows = [r for r in every if r["account_name"] == shop.name]
    # Ben (primary) first; Cat has no buying role; Dana has no deal role at all.
    assert [(r["contact_name"], r["contact_email"]) for r in shop_rows] == [
        ("Ben Roe", "Ben@x.test"),
        ("Ann Roe", "Ann@x.test"),
    ]
    assert shop_rows[0]["contact_roles"] == "'=HYPERLINK(1)"  # formulas stay text
    assert shop_rows[1]["contact_roles"] == "Decision Maker"
    # Accounts without a buying contact keep their row, with blank contact columns.
    assert len({r["account_name"] for r in every}) == len(one)
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/grid/export.xlsx", {"contacts": "buying"}).content)
    )
    header, *data = list(book.active.iter_rows(values_only=True))
    assert header[-4:] == ("contact_name", "contact_title", "contact_email", "contact_roles")
    assert len(data) == len(every)
    assert client.get("/grid/export.csv", {"contacts": "all"}).status_code == 400
    # The API and the CLI give the same list.
    api = _rows(client.get("/api/analytics/campaign-list", {"contacts": "buying"}))
    assert api == every
    assert client.get("/api/analytics/campaign-list", {"format": "pdf"}).status_code == 400


def test_the_campaigns_command_writes_the_list(manager: User, scored: ScoredBook, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    out = tmp_path / "expand.csv"
    play = AccountScore.objects.filter(snapshot=scored.snapshot).exclude(play="").first().play  # type: ignore[union-attr]
    call_command("campaigns", "export", "--play", play, "--out", str(out), stdout=io.StringIO())
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    expected = AccountScore.objects.filter(snapshot=scored.snapshot, play=play).count()
    assert len(rows) == expected and {r["play"] for r in rows} == {play}

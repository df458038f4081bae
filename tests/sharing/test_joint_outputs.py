"""The scorecard and the expectations outside the pages: the plan's exports (XLSX, Markdown,
customer variant), the API (JSON errors, scoping) and the CLI (``accountplan share scorecard``
and ``expectations``, ``--json``, CSV/XLSX files)."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from openpyxl import load_workbook

from accountplan.core.tokens import create_token
from accountplan.exports.service import export_bytes
from accountplan.sharing import expectations, links, scorecard_services
from tests.sharing.conftest import Shared

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)


def _scored(shared: Shared) -> links.NewLink:
    book = shared.book
    new = links.create_link(book.plan, book.bob, email="ann@acme.test", name="Ann")
    scorecard_services.set_metrics(new.link, [("Speed", "2"), ("=cmd|' /C calc'!A0", "1")])
    speed, evil = scorecard_services.active_metrics(book.plan)
    scorecard_services.score_period(
        new.link, "2026-Q2", {speed.pk: ("5", ""), evil.pk: ("2", "")}, today=DAY
    )
    scorecard_services.score_period(
        new.link, "2026-Q3", {speed.pk: ("3", "slower"), evil.pk: ("na", "")}, today=DAY
    )
    return new


def test_plan_exports_carry_the_scorecard_history(shared: Shared) -> None:
    _scored(shared)
    plan = shared.book.plan
    xlsx, _, _ = export_bytes(plan, "xlsx")
    ws = load_workbook(io.BytesIO(xlsx))["Customer scorecard"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0][:3] == ["Quarter", "Weighted score", "Change"]
    assert rows[1][:2] == ["2026-Q2", 4.0] and rows[2][:3] == ["2026-Q3", 3.0, -1.0]
    md = export_bytes(plan, "md")[0].decode()
    assert "## Customer scorecard" in md and "| 2026-Q3 | 3.00 | -1.00 |" in md
    customer_md = export_bytes(plan, "md", "customer")[0].decode()
    assert "| 2026-Q2 | 4.00 |" in customer_md


def test_api_reads_scores_and_expectations(shared: Shared) -> None:
    new = _scored(shared)
    book = shared.book
    api = Client(headers={"Authorization": f"Bearer {create_token(book.bob, 't').raw}"})
    body = api.get(f"/api/plans/{book.plan.pk}/scorecard").json()
    assert [p["period"] for p in body["periods"]] == ["2026-Q2", "2026-Q3"]
    assert Decimal(body["periods"][1]["weighted_score"]) == Decimal("3.00")
    assert body["periods"][1]["scores"][1]["score"] is None
    only = api.get(f"/api/plans/{book.plan.pk}/scorecard?period=2026-Q3").json()
    assert [p["period"] for p in only["periods"]] == ["2026-Q3"]
    bad = api.get(f"/api/plans/{book.plan.pk}/scorecard?period=Q3")
    assert bad.status_code == 400 and "quarter" in bad.json()["detail"]
    expectations.write_customer(new.link, ["Be quick"], hand_in=True)
    hidden = api.get(f"/api/plans/{book.plan.pk}/expectations").json()
    assert hidden["number"] == 1 and hidden["customer"] == [] and not hidden["revealed"]
    expectations.write_ours(book.plan, book.bob, ["Pay on time"], hand_in=True)
    shown = api.get(f"/api/plans/{book.plan.pk}/expectations").json()
    assert [e["body"] for e in shown["customer"]] == ["Be quick"]
    stranger = Client(headers={"Authorization": f"Bearer {create_token(book.charlie, 't').raw}"})
    assert stranger.get(f"/api/plans/{book.plan.pk}/scorecard").status_code == 404
    assert "detail" in stranger.get(f"/api/plans/{book.plan.pk}/expectations").json()


def test_cli_scorecard_and_expectations(shared: Shared, tmp_path: object) -> None:
    _scored(shared)
    acct = str(shared.book.account.pk)
    out = io.StringIO()
    call_command("share", "scorecard", acct, "--period", "FY2027", stdout=out)
    text = out.getvalue()
    assert "2026-Q3\tweighted 3.00 (-1.00)\tby Ann <ann@acme.test>" in text
    assert "Speed (weight 2.00): 3/5  slower" in text
    out = io.StringIO()
    call_command(
        "share", "scorecard", acct, "--period", "FY2027", "--quarter", "2026-Q2", "--json",
        stdout=out,
    )  # fmt: skip
    data = json.loads(out.getvalue())
    assert [p["period"] for p in data["periods"]] == ["2026-Q2"]
    assert data["periods"][0]["weighted_score"] == "4.00"
    target = f"{tmp_path}/s.csv"
    call_command("share", "scorecard", acct, "--period", "FY2027", "--format", "csv",
                 "--out", target, stdout=io.StringIO())  # fmt: skip
    with open(target, encoding="utf-8-sig") as fh:
        csv_text = fh.read()
    assert "'=cmd|' /C calc'!A0" in csv_text and "\n=cmd" not in csv_text
    with pytest.raises(CommandError, match="quarter"):
        call_command("share", "scorecard", acct, "--period", "FY2027", "--quarter", "x")
    out = io.StringIO()
    call_command("share", "expectations", acct, "--period", "FY2027", stdout=out)
    assert "No joint expectation session yet." in out.getvalue()

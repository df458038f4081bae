"""Formula injection end to end (issue 14 point 7): an account and a plan whose user text is
formulas, exported through the real service, the portfolio pages' downloads and the campaign
list, read back; and the plan workbook opened by LibreOffice, where an unescaped
``=HYPERLINK(...)`` would turn into a live link showing its label."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import load_workbook

from accountplan.core.spreadsheet_safe import is_formula
from accountplan.exports.service import export_bytes
from accountplan.plans.services import create_plan, save_section
from tests.portfolio_web.conftest import build_scored, signed_in

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://evil.example/","Click me")'
CMD = "+cmd|' /C calc'!A0"
AT = "@SUM(1+1)"


def _values_xlsx(content: bytes) -> list[object]:
    wb = load_workbook(io.BytesIO(content))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    return [c.value for c in cells]


def _values_csv(content: bytes) -> list[str]:
    return [v for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for v in row]


def _live(values: list[object]) -> list[object]:
    return [v for v in values if isinstance(v, str) and is_formula(v)]


def test_every_download_of_a_formula_named_book_is_inert(
    manager, ae, tmp_path: Path, attack_figures
) -> None:
    scored = build_scored(manager, ae)
    account = scored.accounts[0]
    account.name, account.industry, account.territory = LINK, CMD, AT
    account.save()
    plan = create_plan(account, "FY2027", manager)
    save_section(
        plan,
        "customer_goals",
        {"north_star_metric": LINK, "efforts_made": CMD, "biggest_challenge": "-2+3"},
        1,
        manager,
    )
    save_section(plan, "company_overview", {"description": AT}, 1, manager)
    checked = 0

    content, _, _ = export_bytes(plan, "xlsx")
    values = _values_xlsx(content)
    assert not _live(values)
    assert "'" + LINK in values and "'" + CMD in values
    checked += len(values)

    md = export_bytes(plan, "md")[0].decode()
    assert "](" not in md.replace("\\](", "")
    client = signed_in(Client(), manager)
    for url in (
        "/grid/export.csv",
        "/grid/export.xlsx",
        "/whitespace/export.csv",
        "/whitespace/export.xlsx",
        "/api/analytics/campaign-list?format=csv",
        "/api/analytics/campaign-list?format=xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        values = _values_xlsx(body) if "xlsx" in url else _values_csv(body)
        assert not _live(values), url
        assert any(isinstance(v, str) and v.startswith("'=HYPERLINK") for v in values), url
        checked += len(values)

    # LibreOffice reads the Summary sheet: the name is text, not a link showing "Click me".
    src = tmp_path / "plan.xlsx"
    src.write_bytes(content)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "csv",
            "--outdir",
            str(tmp_path / "out"),
            str(src),
        ],
        check=True,
        env={**os.environ, "HOME": str(tmp_path)},
        timeout=240,
        capture_output=True,
    )
    summary = (tmp_path / "out" / "plan.csv").read_text(encoding="utf-8", errors="replace")
    assert "HYPERLINK" in summary
    assert not [v for v in _values_csv(summary.encode()) if v == "Click me"]
    attack_figures(
        f"formula injection end to end: plan XLSX/MD, 6 portfolio and campaign downloads, "
        f"{checked} cells read back, LibreOffice shows the formula as text"
    )

"""build_document and export_plan on a real plan in the database."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accountplan.exports.build import build_document
from accountplan.exports.service import UnknownFormat, export_bytes, export_plan
from accountplan.plans.services import create_plan, save_section
from tests.factories import AccountFactory, ContactFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(manager):
    account = AccountFactory(name="Initrode <b>&</b>")
    boss = ContactFactory(account=account, first_name="Dana", last_name="Ruiz", title="CIO")
    champ = ContactFactory(account=account, first_name="Eli", last_name="Novak", reports_to=boss)
    product = ProductFactory(name="GTX Pro")
    plan = create_plan(account, "FY2027", manager)
    save_section(plan, "company_overview", {"description": "Pumps & valves"}, 1, manager)
    save_section(
        plan,
        "needs",
        {
            "needs": [
                {
                    "rank": 1,
                    "need": "Uptime",
                    "stakeholder_contact_ids": [champ.pk],
                    "product_ids": [product.pk],
                }
            ]
        },
        1,
        manager,
    )
    save_section(
        plan,
        "relationships",
        {
            "stakeholders": [
                {"contact_id": boss.pk, "buying_role": "decision_maker", "strength": 2},
                {
                    "contact_id": champ.pk,
                    "buying_role": "champion",
                    "strength": 5,
                    "attitude": "supporter",
                },
            ]
        },
        1,
        manager,
    )
    save_section(
        plan,
        "goals",
        {
            "objective_amount": "1000000",
            "components": [
                {"kind": "cross_sell", "product_id": product.pk, "amount": "600000"},
                {"kind": "renewal", "amount": "300000"},
            ],
        },
        1,
        manager,
    )
    save_section(
        plan,
        "prospecting",
        {
            "inputs": {
                "current_revenue": "10000000",
                "growth_pct": "10",
                "deal_size": "100000",
                "win_rate_pct": "50",
                "prospects_per_opportunity": "5",
            }
        },
        1,
        manager,
    )
    return plan


def test_document_names_ids_and_computes(plan):
    doc = build_document(plan)
    assert doc.header.account_name == "Initrode <b>&</b>" and doc.header.period == "FY2027"
    assert doc.company.description == "Pumps & valves"
    assert doc.needs[0].stakeholders == ("Eli Novak",) and doc.needs[0].products == ("GTX Pro",)
    assert {s.name for s in doc.relationships.stakeholders} == {"Dana Ruiz", "Eli Novak"}
    assert doc.relationships.separation is not None
    assert doc.relationships.separation.degrees == 1
    assert any("weak ties" in g for g in doc.relationships.coverage_gaps)
    assert [n.reports_to_id for n in doc.relationships.org if n.name == "Eli Novak"] != [None]
    assert doc.goal_build.total == Decimal("900000") and doc.goal_build.gap == Decimal("100000")
    # The prospecting plan starts from the goal build, as on the page: $1M objective − the
    # $300K renewal = $700K of new business in $100K deals at 50 %.
    assert doc.prospecting.gap == Decimal("700000")
    assert (doc.prospecting.deals, doc.prospecting.opportunities, doc.prospecting.prospects) == (
        7,
        14,
        70,
    )
    assert doc.header.completeness_pct > 0


def test_export_every_format(plan, tmp_path):
    for fmt in ("pdf", "pptx", "xlsx", "md"):
        path = export_plan(plan, fmt, tmp_path / "out" / f"plan.{fmt}")
        assert path.stat().st_size > 100
    md = (tmp_path / "out" / "plan.md").read_text()
    assert "# Account plan — Initrode &lt;b>&&lt;/b>, FY2027" in md and "<b>" not in md
    assert "| Renewal | — | — | $300,000 | — |" in md
    content, ctype, name = export_bytes(plan, "xlsx")
    assert ctype.endswith("spreadsheetml.sheet") and name == "account-plan-initrode-b-b-fy2027.xlsx"
    wb = load_workbook(io.BytesIO(content))
    assert wb["Goal build"]["D2"].value == 600000


def test_unknown_format_is_a_clear_400(plan):
    with pytest.raises(UnknownFormat, match="choose one of pdf, pptx, xlsx, md"):
        export_bytes(plan, "docx")


@pytest.mark.parametrize("fmt", ["pdf", "pptx", "xlsx", "md"])
def test_the_plan_export_command_finds_the_account_by_external_id(plan, tmp_path, fmt):
    from django.core.management import call_command

    out = tmp_path / f"plan.{fmt}"
    call_command(
        "plan",
        "export",
        plan.account.external_id,
        "--period",
        plan.period,
        "--format",
        fmt,
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    assert out.stat().st_size > 500


def test_the_plan_export_command_names_an_unknown_account(plan, tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="No account with external id or id 'NOPE'"):
        call_command(
            "plan",
            "export",
            "NOPE",
            "--period",
            plan.period,
            "--format",
            "md",
            "--out",
            str(tmp_path / "x.md"),
        )


@pytest.fixture
def lost_plan(plan, manager):
    """The plan's account lost a deal to a named competitor, with a reason."""
    import datetime as dt

    from tests.factories import OpportunityFactory

    OpportunityFactory(
        account=plan.account,
        status="lost",
        stage="Closed Lost",
        amount=Decimal("50000"),
        close_date=dt.date.today() - dt.timedelta(days=30),
        loss_reason="Zorblax budget freeze",
        competitor="Quintessa Rivalworks",
    )
    save_section(
        plan,
        "profile_position",
        {"competitors": [{"name": "Quintessa Rivalworks", "supplies": "Analytics"}]},
        1,
        manager,
    )
    return plan


@pytest.mark.parametrize("how", ["service", "cli", "page", "api"])
def test_the_customer_variant_everywhere_leaves_out_loss_reasons_and_competitors(
    lost_plan, manager, tmp_path, how
):
    from django.core.management import call_command
    from django.test import Client

    def get(variant: str) -> str:
        if how == "service":
            return export_bytes(lost_plan, "md", variant)[0].decode()
        if how == "cli":
            out = tmp_path / f"{variant}.md"
            call_command(
                "plan",
                "export",
                lost_plan.account.external_id,
                "--period",
                lost_plan.period,
                "--format",
                "md",
                "--out",
                str(out),
                "--variant",
                variant,
                stdout=io.StringIO(),
            )
            return out.read_text()
        client = Client()
        client.force_login(manager)
        url = (
            f"/plans/{lost_plan.pk}/export/md/"
            if how == "page"
            else f"/api/plans/{lost_plan.pk}/export/md"
        )
        response = client.get(url, {"variant": variant})
        assert response.status_code == 200, response.content
        if variant == "customer":
            assert "-customer.md" in response["Content-Disposition"]
        return response.content.decode()

    internal, customer = get("internal"), get("customer")
    for text in ("Zorblax budget freeze", "Quintessa Rivalworks", "Completeness"):
        assert text in internal
        assert text not in customer
    assert "## Executive summary" in customer and "Customer version" in customer


def test_an_unknown_variant_is_refused(plan, manager):
    from django.test import Client

    client = Client()
    client.force_login(manager)
    api = client.get(f"/api/plans/{plan.pk}/export/pdf", {"variant": "partner"})
    assert api.status_code == 400 and "choose one of internal, customer" in api.json()["detail"]
    assert client.get(f"/api/plans/{plan.pk}/export/docx").status_code == 400
    page = client.get(f"/plans/{plan.pk}/export/pdf/", {"variant": "partner"})
    assert page.status_code == 400

"""``accountplan plan export-salesforce`` and ``import-salesforce``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accountplan.core.models import Role
from accountplan.plans.models import AccountPlan
from tests.factories import AccountFactory, OpportunityFactory, ProductFactory, UserFactory

FIXTURES = Path(__file__).parent.parent / "fixtures" / "salesforce"


@pytest.fixture
def manager(db: None):
    owner = UserFactory(external_id="005000000000001AAA")
    account = AccountFactory(name="Acme Logistics", external_id="001000000000001AAA", owner=owner)
    OpportunityFactory(
        account=account, product=ProductFactory(name="Sync Pro"), external_id="006000000000001AAA"
    )
    return UserFactory(role=Role.MANAGER, username="boss")


def test_import_then_export_from_the_command_line(manager, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command(
        "plan", "import-salesforce", str(FIXTURES / "dataloader"), "--user", "boss", stdout=out
    )
    assert "Imported 1 plan: 1 created" in out.getvalue()
    assert AccountPlan.objects.get().period == "FY2027"
    out = io.StringIO()
    call_command(
        "plan",
        "export-salesforce",
        "--period",
        "FY2027",
        "--out",
        str(tmp_path),
        "--user",
        "boss",
        "--json",
        stdout=out,
    )
    report = json.loads(out.getvalue())
    assert report["plans"] == 1
    assert report["rows"] == {
        "AccountPlan": 1,
        "AccountPlanObjective": 2,
        "AccountPlanObjectiveMeasure": 2,
        "AccountPlanObjMeasRela": 1,
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "AccountPlan.csv",
        "AccountPlanObjMeasRela.csv",
        "AccountPlanObjective.csv",
        "AccountPlanObjectiveMeasure.csv",
        "report.json",
    ]


def test_a_bad_file_exits_2_with_every_problem(manager, tmp_path: Path) -> None:
    bad = tmp_path / "AccountPlan.csv"
    bad.write_text("Account Plan ID,Account Plan Name,Account ID\n0Ap000000000001,X,nope\n")
    with pytest.raises(CommandError) as failed:
        call_command("plan", "import-salesforce", str(bad), "--user", "boss")
    assert failed.value.returncode == 2
    assert "AccountPlan.csv, line 2, column Account ID: 'nope' is not a Salesforce Id" in str(
        failed.value
    )
    assert not AccountPlan.objects.exists()


def test_an_account_without_a_salesforce_id_is_reported_not_guessed(manager, tmp_path) -> None:
    from accountplan.plans.services import create_plan

    create_plan(AccountFactory(name="Local Only", external_id="LOCAL-1"), "FY2027", manager)
    out = io.StringIO()
    call_command("plan", "export-salesforce", "--out", str(tmp_path), "--user", "boss", stdout=out)
    assert "Local Only FY2027: left out: its account has no Salesforce Id" in out.getvalue()
    assert "Local Only" not in (tmp_path / "AccountPlan.csv").read_text()


def test_text_beyond_a_field_limit_is_cut_and_reported(manager) -> None:
    from accountplan.plans.services import create_plan, save_section, section_of
    from accountplan.salesforce.export import export_plans
    from tests.salesforce.helpers import sf

    account = AccountFactory(name="A" * 90, external_id=sf("001", 77))
    product = ProductFactory(name="P" * 90)
    plan = create_plan(account, "FY2027", manager)
    goals = section_of(plan, "goals")
    save_section(
        plan,
        "goals",
        {"components": [{"kind": "upsell", "product_id": product.pk}]},
        goals.version,
        manager,
    )
    result = export_plans(AccountPlan.objects.filter(pk=plan.pk), manager)
    [row] = result.rows["AccountPlan"]
    assert len(row["Name"]) == 80 and row["Name"].endswith(" — FY2027")
    [objective] = result.rows["AccountPlanObjective"]
    assert len(objective["Name"]) == 80 and objective["Name"].endswith("…")
    text = "\n".join(result.problems)
    assert "Name shortened to 80 characters" in text
    assert "Name has 98 characters; cut to 80." in text

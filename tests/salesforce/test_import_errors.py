"""Files that cannot be imported: every problem with file, line, column (as the file names it)
and reason, and nothing written (issue 16, point 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from accountplan.core.errors import Forbidden
from accountplan.core.models import Role
from accountplan.plans.models import AccountPlan, PlanRevision
from accountplan.salesforce.importing import import_files
from accountplan.salesforce.models import ItemLink, PlanLink
from accountplan.salesforce.reading import SalesforceImportFailed
from tests.factories import AccountFactory, OpportunityFactory, ProductFactory, UserFactory

FIXTURES = Path(__file__).parent.parent / "fixtures" / "salesforce" / "labels"


@pytest.fixture
def manager(db: None):
    owner = UserFactory(external_id="005000000000001AAA")
    account = AccountFactory(name="Acme Logistics", external_id="001000000000001AAA", owner=owner)
    OpportunityFactory(
        account=account, product=ProductFactory(name="Sync Pro"), external_id="006000000000001AAA"
    )
    return UserFactory(role=Role.MANAGER)


def _files(**replace: tuple[str, str]) -> list[tuple[str, bytes]]:
    """The labels fixture, with ``old`` → ``new`` replaced in the file named by the key."""
    out = []
    for path in sorted(FIXTURES.glob("*.csv")):
        text = path.read_text()
        if path.stem in replace:
            old, new = replace[path.stem]
            assert old in text
            text = text.replace(old, new, 1)
        out.append((path.name, text.encode()))
    return out


def _problems(files: list[tuple[str, bytes]], user) -> list[tuple[str, int, str, str]]:
    with pytest.raises(SalesforceImportFailed) as failed:
        import_files(files, user)
    assert not AccountPlan.objects.exists()
    assert not PlanRevision.objects.exists()
    assert not PlanLink.objects.exists() and not ItemLink.objects.exists()
    return [(p.file, p.line, p.column, p.reason) for p in failed.value.problems]


def test_a_bad_id_is_named_with_its_line_and_column(manager) -> None:
    files = _files(AccountPlanObjMeasRela=("006000000000001", "006-BAD-ID"))
    [(file, line, column, reason)] = _problems(files, manager)
    assert (file, line, column) == ("AccountPlanObjMeasRela.csv", 2, "Reference Record ID")
    assert "'006-BAD-ID' is not a Salesforce Id" in reason


def test_an_18_character_id_whose_checksum_is_wrong_is_refused(manager) -> None:
    files = _files(AccountPlan=("001000000000001,", "001000000000001ZZZ,"))
    [(file, line, column, reason)] = _problems(files, manager)
    assert (file, line, column) == ("AccountPlan.csv", 2, "Account ID")
    assert "is not a Salesforce Id" in reason


def test_an_unknown_account_is_named(manager) -> None:
    files = _files(AccountPlan=("001000000000001,", "001000000000009,"))
    [(file, line, column, reason)] = _problems(files, manager)
    assert (file, line, column) == ("AccountPlan.csv", 2, "Account ID")
    assert "No account has the Salesforce Id 001000000000009AAA" in reason
    assert "import the account from Salesforce first" in reason


def test_a_missing_column_is_named_with_its_label(manager) -> None:
    files = _files(AccountPlanObjectiveMeasure=("Value Type,", "Kind,"))
    [(file, line, column, reason)] = _problems(files, manager)
    assert (file, line, column) == ("AccountPlanObjectiveMeasure.csv", 1, "")
    assert "Missing column: ValueType (Value Type)" in reason


def test_every_problem_is_listed_at_once(manager) -> None:
    files = _files(
        AccountPlanObjectiveMeasure=("250000", "lots"),
        AccountPlanObjective=("In Progress", "In Progress"),
        AccountPlan=("Active", "Ongoing"),
    )
    problems = _problems(files, manager)
    assert ("AccountPlan.csv", 2, "Status") in [p[:3] for p in problems]
    assert any(p[:3] == ("AccountPlanObjectiveMeasure.csv", 2, "Target Value") for p in problems)


def test_a_competitor_position_salesforce_cannot_hold_is_refused(manager) -> None:
    files = _files(AccountPlan=("Rival Corp\nOther Inc", "Rival Corp\n  Our position: Far ahead"))
    [(file, line, column, reason)] = _problems(files, manager)
    assert (file, line, column) == ("AccountPlan.csv", 2, "Account Competitors")
    assert "Our position 'Far ahead' is not one of Ahead, Even, Behind" in reason


def test_only_managers_and_admins_import(manager) -> None:
    with pytest.raises(Forbidden):
        import_files(_files(), UserFactory(role=Role.ACCOUNT_EXECUTIVE))


def test_two_salesforce_plans_for_one_account_and_period_are_refused(manager) -> None:
    files = []
    for name, data in _files():
        if name == "AccountPlan.csv":
            header, row = data.decode().split("\n", 1)
            twin = row.replace("0Ap000000000001,", "0Ap000000000002,", 1)
            data = f"{header}\n{row}{twin}".encode()
        files.append((name, data))
    problems = _problems(files, manager)
    assert [p[:3] for p in problems] == [("AccountPlan.csv", 5, "Account Plan Name")]
    assert "A second plan of Acme Logistics for FY2027 (the first is on line 2)" in problems[0][3]


def test_text_longer_than_the_plan_holds_names_the_column_and_the_field(manager) -> None:
    vision = "Become the leading logistics platform in EMEA."
    files = _files(AccountPlan=(vision, "x" * 10_001))
    [(file, line, column, reason)] = _problems(files, manager)
    assert (file, line, column) == ("AccountPlan.csv", 2, "Account Vision")
    assert reason.startswith("Company overview, Mission: ")
    assert "10000 characters" in reason

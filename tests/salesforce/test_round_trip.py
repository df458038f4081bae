"""Every demo plan exported as Salesforce files, and imported back into the same book with its
plans deleted, comes back with every mapped field equal (issue 16, "Done when")."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from accountplan.core.models import Role
from accountplan.demo.plans import write_demo_plans
from accountplan.demo.services import load_demo_book
from accountplan.plans.models import AccountPlan, PlanRevision
from accountplan.portfolio.services import ensure_snapshot
from accountplan.salesforce.export import export_plans
from accountplan.salesforce.importing import AUTHOR_USERNAME, import_files
from accountplan.salesforce.models import PlanLink
from tests.factories import UserFactory
from tests.salesforce.helpers import give_salesforce_ids, mapped

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def demo(db: None) -> list[AccountPlan]:
    load_demo_book(7, AS_OF, scale=0.1)
    snapshot = ensure_snapshot(AS_OF, fresh=True)
    assert snapshot is not None
    assert write_demo_plans(snapshot) >= 1
    give_salesforce_ids()
    return list(AccountPlan.objects.select_related("account", "owner").order_by("pk"))


def _files(folder: Path) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(folder.glob("*.csv"))]


def test_every_demo_plan_comes_back_equal(demo: list[AccountPlan], tmp_path: Path) -> None:
    manager = UserFactory(role=Role.MANAGER)
    before = {(p.account_id, p.period): mapped(p) for p in demo}
    assert any(v["components"] for v in before.values())
    assert any(v["competitors"] for v in before.values())
    result = export_plans(AccountPlan.objects.select_related("account", "owner"), manager)
    assert result.plans == len(demo)
    assert not [p for p in result.problems if "left out" in p], result.problems
    result.write_dir(tmp_path)
    zipped = zipfile.ZipFile(io.BytesIO(result.zip_bytes()))
    assert sorted(zipped.namelist()) == sorted([p.name for p in tmp_path.iterdir()])

    AccountPlan.objects.all().delete()
    done = import_files(_files(tmp_path), manager)

    assert done.as_dict()["created"] == len(demo)
    after = {
        (p.account_id, p.period): mapped(p)
        for p in AccountPlan.objects.select_related("account", "owner")
    }
    assert after.keys() == before.keys()
    for key, fields in before.items():
        assert after[key] == fields, key
    revisions = PlanRevision.objects.filter(author__username=AUTHOR_USERNAME)
    assert revisions.count() >= len(demo)
    assert str(revisions.first().author) == "Salesforce import"
    assert PlanLink.objects.count() == len(demo)


def test_the_same_files_again_change_nothing(demo: list[AccountPlan], tmp_path: Path) -> None:
    manager = UserFactory(role=Role.MANAGER)
    export_plans(AccountPlan.objects.select_related("account", "owner"), manager).write_dir(
        tmp_path
    )
    first = import_files(_files(tmp_path), manager).as_dict()
    assert first["created"] == 0
    revisions = PlanRevision.objects.count()
    again = import_files(_files(tmp_path), manager).as_dict()
    assert again["unchanged"] == len(demo)
    assert PlanRevision.objects.count() == revisions


def _as_salesforce_gives_them_back(folder: Path) -> list[tuple[str, bytes]]:
    """The files as Salesforce exports them after loading ours: every record has an Id, parents
    are named by Id, and the key columns are gone (no custom External Id field)."""
    import csv

    from accountplan.salesforce import objects as o
    from accountplan.salesforce.ids import to18

    ids: dict[str, str] = {}  # our key → the Id "Salesforce" gave the record
    out = []
    for n, obj in enumerate(o.OBJECTS):
        rows = list(csv.DictReader(io.StringIO((folder / obj.filename).read_text())))
        for i, row in enumerate(rows):
            new = to18(f"0A{n}{i:012d}")
            assert new is not None
            ids[row[o.key_field()]] = new
            row["Id"] = new
            if obj.parent:
                row[obj.parent] = ids[row[o.parent_key_column(obj)]]
        names = [c.api for c in obj.columns]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, names, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        out.append((f"extract_{obj.name}.csv", buffer.getvalue().encode()))
    return out


def test_salesforce_ids_are_stored_and_written_back(demo: list[AccountPlan], tmp_path) -> None:
    from accountplan.salesforce.models import ItemLink

    manager = UserFactory(role=Role.MANAGER)
    before = {(p.account_id, p.period): mapped(p) for p in demo}
    export_plans(AccountPlan.objects.select_related("account", "owner"), manager).write_dir(
        tmp_path
    )
    files = _as_salesforce_gives_them_back(tmp_path)
    result = import_files(files, manager).as_dict()
    assert result["created"] == 0 and result["conflicts"] == []
    after = {(p.account_id, p.period): mapped(p) for p in AccountPlan.objects.all()}
    assert after == before  # the same plans, the same component ids
    assert PlanLink.objects.exclude(sf_id=None).count() == len(demo)
    assert ItemLink.objects.filter(sf_id=None).count() == 0
    again = export_plans(AccountPlan.objects.select_related("account", "owner"), manager)
    assert all(row["Id"] for rows in again.rows.values() for row in rows)
    assert all(row["AccountPlanId"] for row in again.rows["AccountPlanObjective"])
    assert import_files(files, manager).as_dict()["unchanged"] == len(demo)

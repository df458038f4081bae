"""A local edit made since the last import that Salesforce also changed is a conflict: ours is
kept, the conflict is in the import's report and on the plan, and it stays until settled
(issue 16, point 3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from accountplan.core.models import Role
from accountplan.plans.models import AccountPlan
from accountplan.plans.services import save_section, section_of
from accountplan.salesforce.importing import import_files
from accountplan.salesforce.models import PlanLink
from tests.factories import AccountFactory, OpportunityFactory, ProductFactory, UserFactory

FIXTURES = Path(__file__).parent.parent / "fixtures" / "salesforce" / "labels"
VISION = "Become the leading logistics platform in EMEA."


@pytest.fixture
def imported(db: None):
    owner = UserFactory(external_id="005000000000001AAA")
    account = AccountFactory(name="Acme Logistics", external_id="001000000000001AAA", owner=owner)
    OpportunityFactory(
        account=account, product=ProductFactory(name="Sync Pro"), external_id="006000000000001AAA"
    )
    manager = UserFactory(role=Role.MANAGER)
    import_files(_files(), manager)
    return manager, owner, AccountPlan.objects.get()


def _files(vision: str = VISION, challenges: str = "Legacy systems in three regions."):
    out = []
    for path in sorted(FIXTURES.glob("*.csv")):
        text = path.read_text()
        if path.stem == "AccountPlan":
            text = text.replace(VISION, vision).replace(
                "Legacy systems in three regions.", challenges
            )
        out.append((path.name, text.encode()))
    return out


def test_a_value_changed_on_both_sides_is_kept_ours_and_listed(imported) -> None:
    manager, owner, plan = imported
    section = section_of(plan, "company_overview")
    save_section(
        plan,
        "company_overview",
        {**section.data, "mission": "Ours: the EMEA leader."},
        section.version,
        owner,
    )

    result = import_files(
        _files(vision="Theirs: the world leader.", challenges="Theirs: IT."), manager
    )

    overview = section_of(plan, "company_overview").data
    assert overview["mission"] == "Ours: the EMEA leader."  # never overwritten silently
    assert section_of(plan, "customer_goals").data["biggest_challenge"] == "Theirs: IT."
    [conflict] = result.conflicts
    assert conflict["section"] == "Company overview"
    assert conflict["ours"] == "Ours: the EMEA leader."
    assert conflict["salesforce"] == "Theirs: the world leader."
    assert conflict["field"] == "Mission"  # the form's label, never a field code
    link = PlanLink.objects.get(plan=plan)
    assert [c["salesforce"] for c in link.conflicts] == ["Theirs: the world leader."]
    client = Client()
    client.force_login(owner)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Conflicts with Salesforce" in page and "Theirs: the world leader." in page
    assert "Mark settled" in page

    # The same files again: Salesforce did not change it since, so ours stays and the conflict
    # stays listed until someone settles it.
    again = import_files(
        _files(vision="Theirs: the world leader.", challenges="Theirs: IT."), manager
    )
    assert again.conflicts == []
    assert len(PlanLink.objects.get(plan=plan).conflicts) == 1
    assert section_of(plan, "company_overview").data["mission"] == "Ours: the EMEA leader."

    assert client.post(f"/plans/{plan.pk}/salesforce/conflicts/dismiss/").status_code == 302
    assert PlanLink.objects.get(plan=plan).conflicts == []
    assert "Conflicts with Salesforce" not in client.get(f"/plans/{plan.pk}/").content.decode()
    import_files(_files(vision="Theirs: the world leader.", challenges="Theirs: IT."), manager)
    assert section_of(plan, "company_overview").data["mission"] == "Ours: the EMEA leader."

    # Salesforce changes it again, ours still differs: a conflict again, ours still kept.
    third = import_files(_files(vision="Theirs: revised.", challenges="Theirs: IT."), manager)
    assert [c["salesforce"] for c in third.conflicts] == ["Theirs: revised."]
    assert section_of(plan, "company_overview").data["mission"] == "Ours: the EMEA leader."


def test_a_local_edit_salesforce_did_not_touch_is_kept_without_conflict(imported) -> None:
    manager, owner, plan = imported
    section = section_of(plan, "company_overview")
    save_section(
        plan,
        "company_overview",
        {**section.data, "history": "Founded 1990."},
        section.version,
        owner,
    )
    result = import_files(_files(), manager)
    assert result.conflicts == []
    overview = section_of(plan, "company_overview").data
    assert (overview["history"], overview["mission"]) == ("Founded 1990.", VISION)

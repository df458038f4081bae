"""Saving sections: versions, revisions, conflicts, validation, references, restore, plan fields."""

from __future__ import annotations

import pytest

from accountplan.core.errors import Conflict, DomainError, Forbidden
from accountplan.plans.models import AccountPlan, PlanRevision, PlanSection
from accountplan.plans.plan_writes import update_plan
from accountplan.plans.querysets import can_edit
from accountplan.plans.sections import SectionInvalid
from accountplan.plans.services import (
    SectionConflict,
    create_plan,
    restore,
    save_section,
    section_of,
)
from tests.plans.conftest import Book

pytestmark = pytest.mark.django_db


class TestPermissions:
    def test_owner_team_plan_owner_and_manager_edit_viewer_does_not(self, book: Book) -> None:
        assert can_edit(book.bob, book.plan)
        assert can_edit(book.dave, book.plan)
        assert can_edit(book.alice, book.plan)
        assert not can_edit(book.vera, book.plan)
        assert not can_edit(book.charlie, book.plan)

    def test_plans_are_scoped_through_the_account(self, book: Book) -> None:
        assert list(AccountPlan.objects.for_user(book.dave)) == [book.plan]
        assert list(AccountPlan.objects.for_user(book.vera)) == [book.plan]
        assert list(AccountPlan.objects.for_user(book.charlie)) == []

    def test_a_reader_cannot_save(self, book: Book) -> None:
        with pytest.raises(Forbidden):
            save_section(book.plan, "customer_goals", {"north_star_metric": "x"}, 1, book.vera)
        assert not PlanSection.objects.exists()


class TestSave:
    def test_first_save_creates_the_section_at_version_2_with_a_revision(self, book: Book) -> None:
        section = save_section(
            book.plan,
            "customer_goals",
            {"north_star_metric": "  Net revenue retention  ", "priorities_12m": [{"text": "EU"}]},
            1,
            book.bob,
        )
        assert section.version == 2
        assert section.data["north_star_metric"] == "Net revenue retention"
        assert len(section.data["priorities_12m"][0]["id"]) == 32
        rev = PlanRevision.objects.get(plan=book.plan, key="customer_goals")
        assert (rev.version, rev.author, rev.data) == (2, book.bob, section.data)
        assert rev.summary == "changed north-star metric, added 1 priority"

    def test_a_save_that_changes_nothing_makes_no_version(self, book: Book) -> None:
        s = save_section(book.plan, "customer_goals", {"north_star_metric": "NRR"}, 1, book.bob)
        again = save_section(book.plan, "customer_goals", s.data, 2, book.dave)
        assert again.version == 2
        assert PlanRevision.objects.filter(key="customer_goals").count() == 1

    def test_invalid_data_is_refused_with_each_field_named(self, book: Book) -> None:
        with pytest.raises(SectionInvalid) as err:
            save_section(
                book.plan,
                "needs",
                {"needs": [{"need": f"n{i}"} for i in range(6)]},
                1,
                book.bob,
            )
        assert err.value.status == 422
        assert "keep to the top 5 needs" in err.value.message
        assert not PlanSection.objects.exists()

    def test_a_contact_of_another_account_is_refused(self, book: Book) -> None:
        with pytest.raises(SectionInvalid) as err:
            save_section(
                book.plan,
                "relationships",
                {"stakeholders": [{"contact_id": book.stranger.pk}]},
                1,
                book.bob,
            )
        assert err.value.errors[0]["loc"] == ["stakeholders", 0, "contact_id"]
        assert "is not a contact of Acme Corp" in err.value.errors[0]["msg"]

    def test_references_of_the_account_are_kept(self, book: Book) -> None:
        c, p = book.contacts[0], book.products[0]
        s = save_section(
            book.plan,
            "needs",
            {
                "needs": [
                    {
                        "need": "Faster close",
                        "stakeholder_contact_ids": [c.pk],
                        "product_ids": [p.pk],
                    }
                ]
            },
            1,
            book.dave,
        )
        assert s.data["needs"][0]["product_ids"] == [p.pk]

    def test_an_unknown_section_is_a_404(self, book: Book) -> None:
        with pytest.raises(DomainError) as err:
            save_section(book.plan, "account_overview", {}, 1, book.bob)
        assert err.value.status == 404


class TestConflict:
    def test_the_second_save_on_the_same_base_is_refused_with_what_changed(
        self, book: Book
    ) -> None:
        save_section(book.plan, "customer_goals", {"north_star_metric": "NRR"}, 1, book.bob)
        mine = {"north_star_metric": "Gross margin", "biggest_challenge": "churn"}
        with pytest.raises(SectionConflict) as err:
            save_section(book.plan, "customer_goals", mine, 1, book.dave)
        conflict = err.value
        assert conflict.status == 409
        assert conflict.current_version == 2
        assert conflict.updated_by == book.bob
        assert conflict.attempted == mine
        assert [(c.path, c.before, c.after) for c in conflict.changes] == [
            ("north_star_metric", "", "NRR")
        ]
        assert "Bob Owner saved this section" in conflict.message
        assert section_of(book.plan, "customer_goals").data["north_star_metric"] == "NRR"

    def test_saving_again_from_the_current_version_succeeds(self, book: Book) -> None:
        save_section(book.plan, "customer_goals", {"north_star_metric": "NRR"}, 1, book.bob)
        s = save_section(book.plan, "customer_goals", {"north_star_metric": "GM"}, 2, book.dave)
        assert (s.version, s.updated_by) == (3, book.dave)

    def test_the_conflict_diff_is_from_the_base_version_not_from_empty(self, book: Book) -> None:
        save_section(book.plan, "customer_goals", {"north_star_metric": "A"}, 1, book.bob)
        save_section(
            book.plan,
            "customer_goals",
            {"north_star_metric": "A", "efforts_made": "x"},
            2,
            book.bob,
        )
        mine = {"north_star_metric": "B", "efforts_made": "y"}
        with pytest.raises(SectionConflict) as err:
            save_section(book.plan, "customer_goals", mine, 2, book.dave)
        assert [c.path for c in err.value.changes] == ["efforts_made"]
        assert [(c.path, c.mine, c.theirs) for c in err.value.conflicts] == [
            ("efforts_made", "y", "x")
        ]


class TestRestore:
    def test_restore_saves_the_old_data_as_a_new_version(self, book: Book) -> None:
        save_section(book.plan, "customer_goals", {"north_star_metric": "A"}, 1, book.bob)
        save_section(book.plan, "customer_goals", {"north_star_metric": "B"}, 2, book.bob)
        old = PlanRevision.objects.get(key="customer_goals", version=2)
        s = restore(book.plan, old, book.dave)
        assert (s.version, s.data["north_star_metric"]) == (4, "A")
        rev = PlanRevision.objects.get(key="customer_goals", version=4)
        assert rev.restored_from == old
        assert rev.summary.startswith("restored version 2: changed north-star metric")

    def test_a_plan_level_revision_is_not_restored(self, book: Book) -> None:
        rev = PlanRevision.objects.get(plan=book.plan, key="plan")
        with pytest.raises(DomainError, match="cannot be restored"):
            restore(book.plan, rev, book.bob)


class TestPlanFields:
    def test_creating_records_a_plan_revision(self, book: Book) -> None:
        rev = PlanRevision.objects.get(plan=book.plan, key="plan")
        assert rev.summary == "created the FY2027 plan"
        assert rev.data == {"period": "FY2027", "status": "draft", "owner_id": book.bob.pk}

    def test_one_plan_per_account_and_period(self, book: Book) -> None:
        with pytest.raises(Conflict, match="already has a plan for FY2027"):
            create_plan(book.account, "FY2027", book.alice)

    def test_a_bad_period_says_what_a_period_looks_like(self, book: Book) -> None:
        with pytest.raises(DomainError, match=r"e\.g\. FY2027"):
            create_plan(book.account, "<script>", book.alice)

    def test_a_reader_cannot_create_a_plan(self, book: Book) -> None:
        with pytest.raises(Forbidden):
            create_plan(book.account, "FY2028", book.vera)

    def test_status_and_owner_changes_are_recorded(self, book: Book) -> None:
        plan = update_plan(book.plan, book.alice, status="active", owner=book.dave)
        assert (plan.status, plan.owner) == ("active", book.dave)
        rev = PlanRevision.objects.filter(plan=book.plan, key="plan").order_by("-version").first()
        assert rev is not None and rev.version == 2
        assert rev.summary == "changed status draft → active, owner Bob Owner → Dave Team"

    def test_the_owner_must_see_the_account(self, book: Book) -> None:
        with pytest.raises(DomainError, match="cannot own this plan"):
            update_plan(book.plan, book.alice, owner=book.charlie)

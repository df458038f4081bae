"""diff (items matched by id), completeness states, and cloning into the next period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accountplan.plans.cloning import carry, clone_plan
from accountplan.plans.completeness import completeness, section_completeness
from accountplan.plans.diffing import diff, summarize
from accountplan.plans.models import AccountPlan, PlanRevision
from accountplan.plans.services import save_section, section_of
from tests.plans.conftest import Book

TODAY = dt.date(2027, 6, 1)
FRESH = timezone.make_aware(dt.datetime(2027, 5, 1))
OLD = timezone.make_aware(dt.datetime(2027, 1, 1))


class TestDiff:
    def test_items_are_matched_by_id_whatever_their_order(self) -> None:
        old = {"needs": [{"id": "a", "rank": 1}, {"id": "b", "rank": 2}]}
        new = {"needs": [{"id": "b", "rank": 1}, {"id": "a", "rank": 1}]}
        changes = diff(old, new)
        assert [(c.path, c.before, c.after) for c in changes] == [("needs[b].rank", 2, 1)]
        assert summarize(changes) == "changed 1 need"

    def test_added_and_removed_items_and_plain_values(self) -> None:
        old = {"news": [{"id": "x"}], "swot": {"threats": ["a", "b"]}}
        new = {"news": [{"id": "y"}], "swot": {"threats": ["b", "c"]}}
        assert summarize(diff(old, new)) == (
            "removed 1 news item, added 1 news item, removed 1 threat, added 1 threat"
        )

    def test_no_change_is_no_change(self) -> None:
        assert diff({"a": [1]}, {"a": [1]}) == []
        assert summarize([]) == "no changes"


class TestCompleteness:
    def test_states(self) -> None:
        assert section_completeness("needs", {}, FRESH, TODAY).state == "empty"
        partial = section_completeness("needs", {"needs": [{"need": "x"}]}, FRESH, TODAY)
        assert partial.state == "partial"
        assert partial.missing == [
            "at least 3 needs",
            "a stakeholder on every need",
            "a product on every need",
            "a rank on every need",
        ]
        full = {
            "needs": [
                {"need": f"n{i}", "rank": i + 1, "stakeholder_contact_ids": [1], "product_ids": [2]}
                for i in range(3)
            ]
        }
        assert section_completeness("needs", full, FRESH, TODAY).state == "complete"
        unranked = {"needs": [{**n, "rank": None} for n in full["needs"]]}
        assert section_completeness("needs", unranked, FRESH, TODAY).missing == [
            "a rank on every need"
        ]
        stale = section_completeness("needs", full, OLD, TODAY)
        assert (stale.state, stale.score) == ("stale", 1.0)

    def test_percent_counts_stale_sections_half(self) -> None:
        goals = {
            "north_star_metric": "NRR",
            "priorities_12m": [{"text": "a"}],
            "biggest_challenge": "b",
            "success_measures": "c",
        }
        assert completeness({"customer_goals": (goals, FRESH)}, TODAY).percent == 10
        assert completeness({"customer_goals": (goals, OLD)}, TODAY).percent == 5
        assert completeness({}, TODAY).percent == 0


class TestCarry:
    def test_done_actions_and_milestones_stay_behind(self) -> None:
        actions = {
            "actions": [
                {"id": "1", "title": "a", "status": "done"},
                {"id": "2", "title": "b", "status": "todo"},
            ]
        }
        assert carry("actions", actions, None)["actions"] == [
            {"id": "2", "title": "b", "status": "todo", "carried_over": True}
        ]
        dash = {
            "milestones": [{"id": "m", "status": "done"}, {"id": "n", "status": "late"}],
            "adjustments": [{"id": "z", "note": "x"}],
        }
        assert carry("dashboard", dash, None) == {
            "milestones": [{"id": "n", "status": "late"}],
            "adjustments": [],
        }

    def test_goals_keep_components_but_not_the_objective_amount(self) -> None:
        goals = {
            "objective_amount": "100",
            "strategy": "s",
            "components": [{"id": "c", "opportunity_ids": [7]}],
        }
        out = carry("goals", goals, None)
        assert out["objective_amount"] is None
        # The old period's deal links stay with the old plan.
        assert out["components"] == [{"id": "c", "carried_over": True, "opportunity_ids": []}]
        assert goals["components"] == [{"id": "c", "opportunity_ids": [7]}]  # source untouched


@pytest.mark.django_db
class TestClonePlan:
    def test_clone_carries_sections_and_records_where_it_came_from(self, book: Book) -> None:
        save_section(book.plan, "customer_goals", {"north_star_metric": "NRR"}, 1, book.bob)
        save_section(
            book.plan,
            "prospecting",
            {
                "inputs": {
                    "growth_pct": "10",
                    "current_revenue": "5",
                    "period_start": "2027-01-01",
                    "period_end": "2027-12-31",
                }
            },
            1,
            book.bob,
        )
        new = clone_plan(book.plan, "FY2028", book.dave)
        assert (new.period, new.status, new.cloned_from) == ("FY2028", "draft", book.plan)
        goals = section_of(new, "customer_goals")
        assert (goals.version, goals.data["north_star_metric"]) == (1, "NRR")
        inputs = section_of(new, "prospecting").data["inputs"]
        # No analytics snapshot in this book: current revenue is left for the defaults.
        assert (inputs["growth_pct"], inputs["current_revenue"], inputs["period_start"]) == (
            "10",
            None,
            None,
        )
        assert PlanRevision.objects.get(plan=new, key="plan").summary.startswith(
            "cloned from FY2027"
        )
        assert not new.sections.filter(key="needs").exists()  # empty sections stay lazy

    def test_a_reader_cannot_clone(self, book: Book) -> None:
        from accountplan.core.errors import Forbidden

        with pytest.raises(Forbidden):
            clone_plan(book.plan, "FY2028", book.vera)
        assert AccountPlan.objects.count() == 1

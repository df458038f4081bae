"""Saving on top of an old version: a three-way merge against the version the editor started
from keeps both people's changes, and only values both changed differently are a conflict —
in the pure function, the service and the API (409 shape)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from accountplan.core.models import User
from accountplan.core.tokens import create_token
from accountplan.plans.merging import form_name, merge
from accountplan.plans.models import PlanRevision
from accountplan.plans.services import SectionConflict, save_section, section_of
from tests.plans.conftest import Book

BASE = {
    "metric": "NRR",
    "challenge": "",
    "lines": ["a", "b"],
    "needs": [{"id": "n1", "need": "Speed", "rank": 1}, {"id": "n2", "need": "Cost", "rank": 2}],
}


def with_(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**json.loads(json.dumps(data)), **changes}


class TestMerge:
    def test_different_fields_take_each_side(self) -> None:
        result = merge(BASE, with_(BASE, metric="GM"), with_(BASE, challenge="Churn"))
        assert result.conflicts == []
        assert (result.data["metric"], result.data["challenge"]) == ("GM", "Churn")

    def test_the_same_field_changed_differently_is_a_conflict_holding_mine(self) -> None:
        result = merge(BASE, with_(BASE, metric="GM"), with_(BASE, metric="ARR"))
        assert [(c.path, c.base, c.mine, c.theirs) for c in result.conflicts] == [
            ("metric", "NRR", "GM", "ARR")
        ]
        assert result.data["metric"] == "GM"

    def test_the_same_change_on_both_sides_is_no_conflict(self) -> None:
        result = merge(BASE, with_(BASE, metric="GM"), with_(BASE, metric="GM"))
        assert (result.conflicts, result.data["metric"]) == ([], "GM")

    def test_items_merge_field_by_field_and_additions_of_both_are_kept(self) -> None:
        mine = with_(
            BASE,
            needs=[
                {"id": "n1", "need": "Speed of delivery", "rank": 1},
                {"id": "n2", "need": "Cost", "rank": 2},
                {"id": "m", "need": "Mine", "rank": 3},
            ],
        )
        theirs = with_(
            BASE,
            needs=[
                {"id": "n1", "need": "Speed", "rank": 2},
                {"id": "n2", "need": "Cost", "rank": 2},
                {"id": "t", "need": "Theirs", "rank": 4},
            ],
        )
        result = merge(BASE, mine, theirs)
        assert result.conflicts == []
        assert result.data["needs"] == [
            {"id": "n1", "need": "Speed of delivery", "rank": 2},
            {"id": "n2", "need": "Cost", "rank": 2},
            {"id": "m", "need": "Mine", "rank": 3},
            {"id": "t", "need": "Theirs", "rank": 4},
        ]

    def test_a_removal_of_an_untouched_item_merges(self) -> None:
        theirs = with_(BASE, needs=[BASE["needs"][0]])
        result = merge(BASE, with_(BASE, metric="GM"), theirs)
        assert result.conflicts == []
        assert [n["id"] for n in result.data["needs"]] == ["n1"]

    def test_removing_an_item_the_other_changed_asks_and_keeps_it(self) -> None:
        mine = with_(BASE, needs=[BASE["needs"][0]])  # I removed n2
        theirs = with_(BASE, needs=[BASE["needs"][0], {"id": "n2", "need": "Cost", "rank": 5}])
        result = merge(BASE, mine, theirs)
        assert [(c.path, c.mine, c.theirs) for c in result.conflicts] == [
            ("needs[n2]", None, {"id": "n2", "need": "Cost", "rank": 5})
        ]
        assert [n["id"] for n in result.data["needs"]] == ["n1", "n2"]

    def test_plain_lists_merge_values_added_and_removed(self) -> None:
        result = merge(BASE, with_(BASE, lines=["a", "b", "c"]), with_(BASE, lines=["b", "d"]))
        assert (result.conflicts, result.data["lines"]) == ([], ["b", "d", "c"])

    def test_form_name_of_an_item_field_is_its_row_index(self) -> None:
        result = merge(
            BASE,
            with_(BASE, needs=[BASE["needs"][0], {"id": "n2", "need": "Mine", "rank": 2}]),
            with_(BASE, needs=[BASE["needs"][0], {"id": "n2", "need": "Theirs", "rank": 2}]),
        )
        (conflict,) = result.conflicts
        assert conflict.path == "needs[n2].need"
        assert form_name(conflict.steps, result.data) == "needs.1.need"


@pytest.mark.django_db
class TestStaleSave:
    def test_a_stale_save_of_other_fields_merges_and_records_it(self, book: Book) -> None:
        save_section(book.plan, "customer_goals", {"north_star_metric": "NRR"}, 1, book.bob)
        s = save_section(book.plan, "customer_goals", {"biggest_challenge": "Churn"}, 1, book.dave)
        assert s.version == 3
        assert (s.data["north_star_metric"], s.data["biggest_challenge"]) == ("NRR", "Churn")
        rev = PlanRevision.objects.get(plan=book.plan, key="customer_goals", version=3)
        assert rev.author == book.dave
        # In the form's words (core.fmt), like every revision summary.
        assert rev.summary == "changed biggest challenge (merged with Bob Owner's version 2)"

    def test_a_stale_save_never_reverts_a_field_it_did_not_touch(self, book: Book) -> None:
        needs = {"needs": [{"need": "Speed", "rank": 1}, {"need": "Cost", "rank": 2}]}
        v2 = save_section(book.plan, "needs", needs, 1, book.bob)
        speed, cost = v2.data["needs"]
        # Bob re-ranks "Speed"; Dave, still on version 2, rewrites "Cost" and adds a need.
        save_section(book.plan, "needs", {"needs": [{**speed, "rank": 3}, cost]}, 2, book.bob)
        dave = {"needs": [speed, {**cost, "need": "Total cost"}, {"need": "Safety", "rank": 4}]}
        s = save_section(book.plan, "needs", dave, 2, book.dave)
        by_id = {n["id"]: n for n in s.data["needs"]}
        assert by_id[speed["id"]]["rank"] == 3  # Bob's change kept
        assert by_id[cost["id"]]["need"] == "Total cost"  # Dave's change kept
        assert [n["need"] for n in s.data["needs"]][-1] == "Safety"

    def test_a_true_conflict_saves_nothing_and_offers_the_merge(self, book: Book) -> None:
        save_section(book.plan, "customer_goals", {"north_star_metric": "NRR"}, 1, book.bob)
        mine = {"north_star_metric": "GM", "biggest_challenge": "Churn"}
        with pytest.raises(SectionConflict) as err:
            save_section(book.plan, "customer_goals", mine, 1, book.dave)
        conflict = err.value
        assert [(c.path, c.mine, c.theirs) for c in conflict.conflicts] == [
            ("north_star_metric", "GM", "NRR")
        ]
        assert conflict.merged["biggest_challenge"] == "Churn"
        assert section_of(book.plan, "customer_goals").version == 2
        # Saving the merge on top of the current version resolves it.
        s = save_section(book.plan, "customer_goals", conflict.merged, 2, book.dave)
        assert (s.version, s.data["north_star_metric"]) == (3, "GM")


def client(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {create_token(user, 'tests').raw}"})


def put(c: Client, url: str, body: Any) -> Any:
    return c.put(url, json.dumps(body), content_type="application/json")


@pytest.mark.django_db
class TestApi:
    def test_a_stale_put_of_other_fields_merges(self, book: Book) -> None:
        url = f"/api/plans/{book.plan.pk}/sections/customer_goals"
        put(client(book.bob), url, {"base_version": 1, "data": {"north_star_metric": "NRR"}})
        r = put(client(book.dave), url, {"base_version": 1, "data": {"efforts_made": "Pilots"}})
        assert r.status_code == 200
        body = r.json()
        assert body["version"] == 3
        assert (body["data"]["north_star_metric"], body["data"]["efforts_made"]) == (
            "NRR",
            "Pilots",
        )

    def test_a_true_conflict_is_a_409_listing_the_fields(self, book: Book) -> None:
        url = f"/api/plans/{book.plan.pk}/sections/customer_goals"
        put(client(book.bob), url, {"base_version": 1, "data": {"north_star_metric": "NRR"}})
        mine = {"north_star_metric": "GM", "efforts_made": "Pilots"}
        r = put(client(book.dave), url, {"base_version": 1, "data": mine})
        assert r.status_code == 409
        body = r.json()
        assert "You both changed north_star_metric" in body["detail"]
        conflict = body["conflict"]
        assert conflict["conflicts"] == [
            {"path": "north_star_metric", "base": "", "mine": "GM", "theirs": "NRR"}
        ]
        assert (conflict["current_version"], conflict["base_version"]) == (2, 1)
        assert conflict["merged"]["efforts_made"] == "Pilots"
        assert conflict["attempted"] == mine
        assert conflict["updated_by"]["id"] == book.bob.pk
        assert [c["path"] for c in conflict["changes"]] == ["north_star_metric"]
        again = put(
            client(book.dave),
            url,
            {"base_version": conflict["current_version"], "data": conflict["merged"]},
        )
        assert again.status_code == 200 and again.json()["version"] == 3

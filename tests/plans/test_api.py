"""The plans API with an owner (bob), a teammate (dave), a reader (vera) and an outsider
(charlie): reads, writes, 403/404/409/422, history, compare, restore, clone."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from accountplan.core.models import User
from accountplan.core.tokens import create_token
from accountplan.plans.models import AccountPlan, PlanRevision
from tests.plans.conftest import Book

pytestmark = pytest.mark.django_db


def client(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {create_token(user, 'tests').raw}"})


def put(c: Client, url: str, body: Any) -> Any:
    return c.put(url, json.dumps(body), content_type="application/json")


def post(c: Client, url: str, body: Any) -> Any:
    return c.post(url, json.dumps(body), content_type="application/json")


class TestReads:
    def test_the_list_shows_visible_plans_with_completeness(self, book: Book) -> None:
        r = client(book.dave).get("/api/plans")
        assert r.status_code == 200
        body = r.json()
        assert body["count"] == 1
        item = body["items"][0]
        assert (item["account_name"], item["period"], item["completeness"]) == (
            "Acme Corp",
            "FY2027",
            0,
        )

    def test_an_outsider_sees_no_plan_and_gets_404s(self, book: Book) -> None:
        c = client(book.charlie)
        assert c.get("/api/plans").json()["count"] == 0
        for url in (
            f"/api/plans/{book.plan.pk}",
            f"/api/plans/{book.plan.pk}/sections/needs",
            f"/api/plans/{book.plan.pk}/history",
        ):
            assert c.get(url).status_code == 404, url
        r = put(c, f"/api/plans/{book.plan.pk}/sections/needs", {"base_version": 1, "data": {}})
        assert r.status_code == 404

    def test_filters(self, book: Book) -> None:
        c = client(book.alice)
        assert c.get("/api/plans?status=active").json()["count"] == 0
        assert c.get("/api/plans?period=FY2027").json()["count"] == 1
        assert c.get(f"/api/plans?owner={book.bob.pk}").json()["count"] == 1
        assert c.get(f"/api/plans?account={book.other.pk}").json()["count"] == 0
        assert c.get("/api/plans?status=bogus").status_code == 422

    def test_detail_lists_sections_team_and_edit_right(self, book: Book) -> None:
        body = client(book.vera).get(f"/api/plans/{book.plan.pk}").json()
        assert body["can_edit"] is False
        assert [s["key"] for s in body["sections"]][:2] == ["company_overview", "profile_position"]
        assert {s["state"] for s in body["sections"]} == {"empty"}
        assert body["team"][0]["user"]["name"] == "Dave Team"
        assert client(book.dave).get(f"/api/plans/{book.plan.pk}").json()["can_edit"] is True

    def test_an_unsaved_section_is_empty_at_version_1(self, book: Book) -> None:
        body = client(book.bob).get(f"/api/plans/{book.plan.pk}/sections/needs").json()
        assert (body["version"], body["data"], body["updated_at"]) == (1, {"needs": []}, None)

    def test_an_unknown_section_is_404_naming_the_sections(self, book: Book) -> None:
        r = client(book.bob).get(f"/api/plans/{book.plan.pk}/sections/nope")
        assert r.status_code == 404
        assert "company_overview" in r.json()["detail"]


class TestWrites:
    def url(self, book: Book, key: str = "customer_goals") -> str:
        return f"/api/plans/{book.plan.pk}/sections/{key}"

    def test_a_teammate_saves_and_the_version_moves(self, book: Book) -> None:
        r = put(
            client(book.dave),
            self.url(book),
            {"base_version": 1, "data": {"north_star_metric": "NRR"}},
        )
        assert r.status_code == 200, r.content
        assert (r.json()["version"], r.json()["updated_by"]["name"]) == (2, "Dave Team")

    def test_a_reader_gets_403_and_nothing_is_saved(self, book: Book) -> None:
        r = put(
            client(book.vera),
            self.url(book),
            {"base_version": 1, "data": {"north_star_metric": "NRR"}},
        )
        assert r.status_code == 403
        assert "may read this plan but not change it" in r.json()["detail"]
        assert not PlanRevision.objects.filter(key="customer_goals").exists()

    def test_the_second_save_is_409_with_their_changes_and_my_data(self, book: Book) -> None:
        put(
            client(book.bob),
            self.url(book),
            {"base_version": 1, "data": {"north_star_metric": "NRR"}},
        )
        mine = {"north_star_metric": "Margin", "efforts_made": "tried X"}
        r = put(client(book.dave), self.url(book), {"base_version": 1, "data": mine})
        assert r.status_code == 409
        body = r.json()
        assert "Bob Owner saved this section" in body["detail"]
        assert body["conflict"]["current_version"] == 2
        assert body["conflict"]["attempted"] == mine
        assert body["conflict"]["changes"][0]["path"] == "north_star_metric"
        assert body["conflict"]["changes"][0]["after"] == "NRR"

    def test_invalid_data_is_422_with_locations(self, book: Book) -> None:
        r = put(
            client(book.bob),
            self.url(book, "company_overview"),
            {"base_version": 1, "data": {"news": [{"title": "x", "source_url": "ftp://a"}]}},
        )
        assert r.status_code == 422
        err = r.json()["detail"][0]
        assert err["loc"] == ["body", "data", "news", 0, "source_url"]
        assert "http://" in err["msg"]

    def test_create_patch_and_clone(self, book: Book) -> None:
        c = client(book.bob)
        r = post(c, "/api/plans", {"account_id": book.account.pk, "period": "FY2028"})
        assert r.status_code == 201, r.content
        assert (
            post(c, "/api/plans", {"account_id": book.account.pk, "period": "FY2028"}).status_code
            == 409
        )
        assert (
            post(
                client(book.charlie),
                "/api/plans",
                {"account_id": book.account.pk, "period": "FY2029"},
            ).status_code
            == 404
        )
        r = c.patch(
            f"/api/plans/{book.plan.pk}",
            json.dumps({"status": "active"}),
            content_type="application/json",
        )
        assert r.status_code == 200 and r.json()["status"] == "active"
        r = post(c, f"/api/plans/{book.plan.pk}/clone", {"period": "FY2029"})
        assert r.status_code == 201
        assert r.json()["cloned_from_id"] == book.plan.pk
        assert AccountPlan.objects.filter(account=book.account).count() == 3


class TestHistory:
    def test_history_compare_and_restore(self, book: Book) -> None:
        c = client(book.bob)
        url = f"/api/plans/{book.plan.pk}/sections/customer_goals"
        put(c, url, {"base_version": 1, "data": {"north_star_metric": "A"}})
        put(c, url, {"base_version": 2, "data": {"north_star_metric": "B"}})
        hist = c.get(f"/api/plans/{book.plan.pk}/history?key=customer_goals").json()
        assert [i["version"] for i in hist["items"]] == [3, 2]
        first, second = hist["items"][1]["id"], hist["items"][0]["id"]
        detail = c.get(f"/api/plans/{book.plan.pk}/revisions/{first}").json()
        assert detail["data"]["north_star_metric"] == "A"
        cmp = c.get(
            f"/api/plans/{book.plan.pk}/compare?from_revision={first}&to_revision={second}"
        ).json()
        assert cmp["changes"] == [
            {
                "path": "north_star_metric",
                "kind": "changed",
                "before": "A",
                "after": "B",
                "list_name": "",
                "item_id": "",
            }
        ]
        assert (
            post(
                client(book.vera), f"/api/plans/{book.plan.pk}/revisions/{first}/restore", {}
            ).status_code
            == 403
        )
        r = post(c, f"/api/plans/{book.plan.pk}/revisions/{first}/restore", {})
        assert r.status_code == 200
        assert (r.json()["version"], r.json()["data"]["north_star_metric"]) == (4, "A")

    def test_history_of_an_unknown_key_is_404(self, book: Book) -> None:
        r = client(book.bob).get(f"/api/plans/{book.plan.pk}/history?key=nope")
        assert r.status_code == 404

    def test_a_revision_of_another_plan_is_404(self, book: Book) -> None:
        other = AccountPlan.objects.create(account=book.other, period="FY2027")
        rev = PlanRevision.objects.create(plan=other, key="plan", version=1, data={})
        r = client(book.alice).get(f"/api/plans/{book.plan.pk}/revisions/{rev.pk}")
        assert r.status_code == 404

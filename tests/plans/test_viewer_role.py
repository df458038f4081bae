"""A Viewer reads plans and never writes them, even on the account team, on the plan's team or
as the plan's (legacy) owner: every write of the pages and the API is refused and changes
nothing; reading, history and exports still work. The admin cannot write history."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.test import Client, RequestFactory

from accountplan.book.choices import TeamFunction
from accountplan.core.errors import DomainError
from accountplan.core.models import User
from accountplan.core.tokens import create_token
from accountplan.plans import services
from accountplan.plans.models import AccountPlan, PlanMember, PlanRevision, PlanSection
from accountplan.plans.querysets import can_edit, can_edit_account_plans
from tests.factories import PASSWORD, TeamMemberFactory
from tests.plans.conftest import Book

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer_on_team(book: Book) -> Book:
    """Vera (Viewer) on the account team, on the plan's own team, and the plan's owner."""
    TeamMemberFactory.create(account=book.account, user=book.vera, function=TeamFunction.SALES)
    PlanMember.objects.create(plan=book.plan, user=book.vera, function=TeamFunction.SALES)
    AccountPlan.objects.filter(pk=book.plan.pk).update(owner=book.vera)
    services.save_section(book.plan, "customer_goals", {"north_star_metric": "NRR"}, 1, book.bob)
    book.plan.refresh_from_db()
    return book


def history_size(book: Book) -> tuple[int, int, int]:
    return (
        AccountPlan.objects.count(),
        PlanRevision.objects.count(),
        PlanSection.objects.get(plan=book.plan, key="customer_goals").version,
    )


def api_client(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {create_token(user, 'tests').raw}"})


def page_client(user: User) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def _rev(b: Book) -> int:
    return PlanRevision.objects.get(plan=b.plan, key="customer_goals", version=2).pk


#: Every write endpoint of the plans API: (name, method, url, body).
API_WRITES: list[tuple[str, str, Callable[[Book], str], dict[str, Any]]] = [
    ("create", "post", lambda b: "/api/plans", {"period": "FY2029"}),
    ("patch", "patch", lambda b: f"/api/plans/{b.plan.pk}", {"status": "archived"}),
    ("clone", "post", lambda b: f"/api/plans/{b.plan.pk}/clone", {"period": "FY2028"}),
    (
        "put_section",
        "put",
        lambda b: f"/api/plans/{b.plan.pk}/sections/customer_goals",
        {"base_version": 2, "data": {"north_star_metric": "Viewer was here"}},
    ),
    (
        "restore",
        "post",
        lambda b: f"/api/plans/{b.plan.pk}/revisions/{_rev(b)}/restore",
        {},
    ),
]

#: Every write of the plan pages: (name, method, url, form data).
PAGE_WRITES: list[tuple[str, str, Callable[[Book], str], dict[str, Any]]] = [
    ("create", "post", lambda b: "/plans/new/", {"period": "FY2029"}),
    ("edit_form", "get", lambda b: f"/plans/{b.plan.pk}/sections/needs/?edit=1", {}),
    (
        "save_section",
        "post",
        lambda b: f"/plans/{b.plan.pk}/sections/customer_goals/",
        {"base_version": "2", "north_star_metric": "Viewer was here"},
    ),
    ("white_space", "post", lambda b: f"/plans/{b.plan.pk}/goals/white-space/", {"cell": "p1"}),
    ("status", "post", lambda b: f"/plans/{b.plan.pk}/status/", {"status": "archived"}),
    ("clone", "post", lambda b: f"/plans/{b.plan.pk}/clone/", {"period": "FY2028"}),
    ("restore", "post", lambda b: f"/plans/{b.plan.pk}/history/{_rev(b)}/restore/", {}),
]


@pytest.mark.parametrize(
    ("name", "method", "url", "body"), API_WRITES, ids=[w[0] for w in API_WRITES]
)
def test_every_api_write_is_refused_to_a_viewer_on_the_team(
    viewer_on_team: Book, name: str, method: str, url: Callable[[Book], str], body: dict[str, Any]
) -> None:
    book = viewer_on_team
    if name == "create":
        body = {**body, "account_id": book.account.pk}
    before = history_size(book)
    r = getattr(api_client(book.vera), method)(
        url(book), json.dumps(body), content_type="application/json"
    )
    assert r.status_code in (403, 404), r.content
    assert history_size(book) == before
    book.plan.refresh_from_db()
    assert book.plan.status == "draft"


@pytest.mark.parametrize(
    ("name", "method", "url", "body"), PAGE_WRITES, ids=[w[0] for w in PAGE_WRITES]
)
def test_every_page_write_is_refused_to_a_viewer_on_the_team(
    viewer_on_team: Book, name: str, method: str, url: Callable[[Book], str], body: dict[str, Any]
) -> None:
    book = viewer_on_team
    if name == "create":
        body = {**body, "account": str(book.account.pk)}
    before = history_size(book)
    c = page_client(book.vera)
    r = c.get(url(book)) if method == "get" else c.post(url(book), body, HTTP_HX_REQUEST="true")
    assert r.status_code in (403, 404), r.content[:300]
    assert history_size(book) == before


def test_a_viewer_reads_the_plan_history_and_exports_but_sees_no_edit_control(
    viewer_on_team: Book,
) -> None:
    book = viewer_on_team
    c = page_client(book.vera)
    body = c.get(f"/plans/{book.plan.pk}/").content.decode()
    assert "read only" in body
    for control in ("edit-btn", 'name="status"', "clone-form", "Restore this version"):
        assert control not in body, control
    assert c.get(f"/plans/{book.plan.pk}/history/").status_code == 200
    rev = c.get(f"/plans/{book.plan.pk}/history/{_rev(book)}/").content.decode()
    assert "Restore this version" not in rev
    export = c.get(f"/plans/{book.plan.pk}/export/md/")
    assert export.status_code == 200 and b"NRR" in export.content
    plans = c.get("/plans/").content.decode()
    assert 'id="new-plan"' not in plans
    account = c.get(f"/accounts/{book.account.pk}/").content.decode()
    assert "New plan</button>" not in account
    api = api_client(book.vera).get(f"/api/plans/{book.plan.pk}").json()
    assert api["can_edit"] is False


def test_the_role_decides_not_the_team(viewer_on_team: Book) -> None:
    book = viewer_on_team
    assert not can_edit(book.vera, book.plan)
    assert not can_edit_account_plans(book.vera, book.account)
    assert can_edit(book.dave, book.plan)  # an AE on the same team still edits


def test_a_viewer_cannot_be_made_the_owner_of_a_plan(book: Book) -> None:
    with pytest.raises(DomainError, match="a Viewer only reads"):
        services.update_plan(book.plan, book.alice, owner=book.vera)


class TestAdmin:
    """History is append-only and written only by the services: no add, change or delete of
    revisions and section content in the admin; plans start in the app."""

    def request(self, user: User) -> Any:
        req = RequestFactory().get("/admin/")
        req.user = user
        return req

    def test_revisions_and_sections_are_read_only(self, book: Book) -> None:
        admin_user = User.objects.create_superuser("root", "root@example.com", "x")
        req = self.request(admin_user)
        for model in (PlanRevision, PlanSection):
            model_admin = site._registry[model]
            assert not model_admin.has_add_permission(req)
            assert not model_admin.has_change_permission(req)
            assert not model_admin.has_delete_permission(req)
            assert model_admin.has_view_permission(req)
        assert not site._registry[AccountPlan].has_add_permission(req)

    def test_the_admin_pages_refuse_writes(self, book: Book) -> None:
        User.objects.create_superuser("root", "root@example.com", "x")
        c = Client()
        assert c.login(username="root", password="x")
        rev = PlanRevision.objects.filter(plan=book.plan).first()
        assert rev is not None
        assert c.get("/admin/plans/planrevision/add/").status_code == 403
        r = c.post(f"/admin/plans/planrevision/{rev.pk}/change/", {"summary": "forged"})
        assert r.status_code == 403
        assert (
            c.post(f"/admin/plans/planrevision/{rev.pk}/delete/", {"post": "yes"}).status_code
            == 403
        )
        rev.refresh_from_db()
        assert rev.summary != "forged"
        assert c.get(f"/admin/plans/planrevision/{rev.pk}/change/").status_code == 200  # view

    def test_a_status_change_in_the_admin_is_recorded_by_the_service(self, book: Book) -> None:
        root = User.objects.create_superuser("root", "root@example.com", "x")
        c = Client()
        assert c.login(username="root", password="x")
        r = c.post(
            f"/admin/plans/accountplan/{book.plan.pk}/change/",
            {
                "period": "FY2027",
                "owner": str(book.bob.pk),
                "status": "active",
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
            },
        )
        assert r.status_code == 302, r.content[:2000]
        book.plan.refresh_from_db()
        assert book.plan.status == "active"
        rev = PlanRevision.objects.filter(plan=book.plan, key="plan").order_by("-version").first()
        assert rev is not None and rev.author == root
        assert rev.summary == "changed status draft → active"

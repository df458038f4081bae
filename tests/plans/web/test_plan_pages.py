"""The plan pages: list, plan page, in-place section edits (save, invalid, conflict), white space,
history with compare and restore, clone, status, and who may do what."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accountplan.plans import services
from accountplan.plans.models import AccountPlan, PlanRevision, PlanSection
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def url(plan: AccountPlan, key: str = "") -> str:
    return f"/plans/{plan.pk}/" + (f"sections/{key}/" if key else "")


def post_section(c: Client, plan: AccountPlan, key: str, data: dict[str, Any]) -> Any:
    return c.post(url(plan, key), data, HTTP_HX_REQUEST="true")


class TestList:
    def test_lists_visible_plans_with_completeness(self, book: Any) -> None:
        r = client_for(book.bob).get("/plans/")
        assert r.status_code == 200
        assert b"Acme Corp" in r.content
        assert b"0%" in r.content

    def test_outsider_sees_no_plans(self, book: Any) -> None:
        r = client_for(book.charlie).get("/plans/")
        assert f'href="/plans/{book.plan.pk}/"' not in r.content.decode()
        assert b"No account plans yet" in r.content

    def test_filters_by_period_and_junk_is_ignored(self, book: Any) -> None:
        c = client_for(book.alice)
        link = f'href="/plans/{book.plan.pk}/"'
        assert link in c.get("/plans/?period=FY2027").content.decode()
        assert link not in c.get("/plans/?q=Globex").content.decode()
        r = c.get("/plans/?owner=abc&tier=zz&below=7&page=999&period=FY1999")
        assert r.status_code == 200 and link in r.content.decode()

    def test_completeness_below_filter(self, book: Any) -> None:
        c = client_for(book.alice)
        assert b"Acme Corp" in c.get("/plans/?below=25").content
        services.save_section(
            book.plan, "customer_goals", {"north_star_metric": "NPS"}, 1, book.bob
        )
        r = c.get("/plans/?below=25")
        assert r.status_code == 200

    def test_a_page_reads_the_sections_of_its_own_plans_only(self, book: Any) -> None:
        from accountplan.book.models import Account
        from accountplan.plans.views import LIST_PAGE_SIZE

        extra = LIST_PAGE_SIZE + 5
        for i in range(extra):
            account = Account.objects.create(name=f"Zeta {i:02d}", owner=book.bob)
            services.create_plan(account, "FY2027", book.bob)
        c = client_for(book.bob)
        seen: list[tuple[str, Any]] = []

        def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            seen.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            first = c.get("/plans/").content.decode()
        sections = [p for sql, p in seen if "plans_plansection" in sql and "plan_id" in sql]
        # one read of sections, for the page's plans only (not every plan the user may see)
        assert len(sections) == 1 and len(sections[0]) <= LIST_PAGE_SIZE
        assert first.count('href="/plans/') - first.count('href="/plans/new') >= LIST_PAGE_SIZE
        second = c.get("/plans/?page=2").content.decode()
        names = [f"Zeta {i:02d}" for i in range(extra)] + ["Acme Corp"]
        on_pages = [n for n in sorted(names) if n in first or n in second]
        assert on_pages == sorted(names)  # every plan on one of the two pages, by account name
        for page in (first, second):  # and in that order within each page (found as ids first)
            here = [n for n in sorted(names) if n in page]
            assert here and [page.index(f">{n}<") for n in here] == sorted(
                page.index(f">{n}<") for n in here
            )
        # the owner filter offers the owners of plans in scope (asked per user, not DISTINCT)
        assert f'<option value="{book.bob.pk}"' in first

    def test_new_plan_and_duplicate_is_400(self, book: Any) -> None:
        c = client_for(book.bob)
        r = c.post("/plans/new/", {"account": book.account.pk, "period": "FY2028"})
        assert r.status_code == 302
        new = AccountPlan.objects.get(account=book.account, period="FY2028")
        assert r["Location"] == f"/plans/{new.pk}/"
        dup = c.post("/plans/new/", {"account": book.account.pk, "period": "FY2028"})
        assert dup.status_code == 400
        assert b"already has a plan for FY2028" in dup.content

    def test_new_plan_bad_input_is_400(self, book: Any) -> None:
        c = client_for(book.bob)
        r = c.post("/plans/new/", {"account": book.other.pk, "period": "<script>"})
        assert r.status_code == 400
        assert b"Pick one of your accounts" in r.content
        assert b"short period name" in r.content


class TestPlanPage:
    def test_outsider_gets_404(self, book: Any) -> None:
        c = client_for(book.charlie)
        assert c.get(url(book.plan)).status_code == 404
        assert c.get(url(book.plan, "needs")).status_code == 404
        assert post_section(c, book.plan, "needs", {"base_version": 1}).status_code == 404

    def test_editor_sees_every_section_and_edit_buttons(self, book: Any) -> None:
        r = client_for(book.dave).get(url(book.plan))
        body = r.content.decode()
        assert r.status_code == 200
        for key in ("account_overview", "company_overview", "relationships", "goals", "dashboard"):
            assert f'id="sec-{key}"' in body
        assert body.count("edit-btn") == 10

    def test_reader_has_no_edit_buttons_and_posts_are_403(self, book: Any) -> None:
        c = client_for(book.vera)
        body = c.get(url(book.plan)).content.decode()
        assert "edit-btn" not in body and "read only" in body
        assert c.get(url(book.plan, "needs") + "?edit=1").status_code == 403
        r = post_section(c, book.plan, "customer_goals", {"base_version": 1})
        assert r.status_code == 403
        assert c.post(f"/plans/{book.plan.pk}/status/", {"status": "active"}).status_code == 403

    def test_query_count_is_pinned(self, book: Any) -> None:
        c = client_for(book.bob)
        c.get(url(book.plan))
        with CaptureQueriesContext(connection) as few:
            c.get(url(book.plan))
        services.save_section(
            book.plan,
            "relationships",
            {"stakeholders": [{"contact_id": ct.pk} for ct in book.contacts]},
            1,
            book.bob,
        )
        services.save_section(
            book.plan,
            "goals",
            {"components": [{"kind": "upsell", "product_id": p.pk} for p in book.products]},
            1,
            book.bob,
        )
        with CaptureQueriesContext(connection) as more:
            c.get(url(book.plan))
        assert len(more) == len(few)
        assert len(few) <= 40

    def test_the_score_and_the_deals_are_read_once_a_page(self, book: Any) -> None:
        """The overview and the white-space cells share one read of the visible score (the
        prospecting card reads the book's own, unscoped): two statements, not three."""
        import datetime as dt

        from django.utils import timezone

        from accountplan.portfolio.models import AccountScore, Snapshot

        snapshot = Snapshot.objects.create(
            status="done", level="product", as_of=dt.date(2026, 12, 31), finished_at=timezone.now()
        )
        AccountScore.objects.create(snapshot=snapshot, account=book.plan.account, size=100, tier=1)
        c = client_for(book.bob)
        with CaptureQueriesContext(connection) as seen:
            page = c.get(url(book.plan))
        assert page.status_code == 200
        scores = [q for q in seen if 'FROM "portfolio_accountscore"' in q["sql"]]
        assert len(scores) == 2
        # the goal build and the dashboard credit the same won and open deals: read once
        deals = [
            q
            for q in seen
            if '"book_opportunity"."id" AS "pk"' in q["sql"]
            and '"book_opportunity"."buying_center_id"' in q["sql"]
        ]
        assert len(deals) == 1
        # the sections, the sharing card and the campaigns card share one read of the sections
        sections = [q for q in seen if 'FROM "plans_plansection"' in q["sql"]]
        assert len(sections) == 1
        # and the section lookups and the sharing card's owner choices one read of the contacts
        contacts = [q for q in seen if 'FROM "book_contact" WHERE' in q["sql"]]
        assert len(contacts) == 1


class TestSectionEdit:
    def test_form_opens_with_base_version(self, book: Any) -> None:
        r = client_for(book.bob).get(url(book.plan, "company_overview") + "?edit=1")
        assert r.status_code == 200
        assert b'name="base_version" value="1"' in r.content
        assert b'name="news.0.title"' in r.content

    def test_save_shows_read_view_escaped(self, book: Any) -> None:
        c = client_for(book.bob)
        r = post_section(
            c,
            book.plan,
            "company_overview",
            {
                "base_version": "1",
                "description": "<b>Makes rockets</b>",
                "news.0.kind": "ipo",
                "news.0.title": "Listed on NYSE",
                "news.0.date": "2026-03-01",
                "news.0.source_url": "https://example.com/ipo",
                "news.1.kind": "other",
                "news.1.title": "",
            },
        )
        assert r.status_code == 200
        body = r.content.decode()
        assert "&lt;b&gt;Makes rockets&lt;/b&gt;" in body and "<b>Makes rockets" not in body
        assert "Listed on NYSE" in body and 'rel="noopener nofollow"' in body
        section = PlanSection.objects.get(plan=book.plan, key="company_overview")
        assert section.version == 2 and len(section.data["news"]) == 1

    def test_invalid_keeps_typed_text_with_messages(self, book: Any) -> None:
        r = post_section(
            client_for(book.bob),
            book.plan,
            "company_overview",
            {
                "base_version": "1",
                "description": "kept text",
                "news.0.title": "Bad link",
                "news.0.source_url": "javascript:alert(1)",
            },
        )
        assert r.status_code == 422
        body = r.content.decode()
        assert "kept text" in body and "javascript:alert(1)" in body
        assert "http:// or https://" in body
        assert not PlanSection.objects.filter(plan=book.plan, key="company_overview").exists()

    def test_more_than_five_needs_is_refused(self, book: Any) -> None:
        data: dict[str, Any] = {"base_version": "1"}
        for i in range(6):
            data[f"needs.{i}.need"] = f"need {i}"
            data[f"needs.{i}.rank"] = "1"
        r = post_section(client_for(book.bob), book.plan, "needs", data)
        assert r.status_code == 422
        assert b"keep to the top 5 needs" in r.content

    def test_conflict_is_409_with_both_values_and_my_text(self, book: Any) -> None:
        services.save_section(
            book.plan, "customer_goals", {"north_star_metric": "Revenue per store"}, 1, book.dave
        )
        r = post_section(
            client_for(book.bob),
            book.plan,
            "customer_goals",
            {"base_version": "1", "north_star_metric": "My typed metric"},
        )
        assert r.status_code == 409
        body = r.content.decode()
        assert "Dave Team saved this section" in body
        assert '<td class="theirs">Revenue per store</td>' in body  # theirs, beside mine
        assert '<td class="mine">My typed metric</td>' in body
        assert 'value="My typed metric"' in body  # my text, still in the form
        assert 'name="base_version" value="2"' in body  # the form now sits on their version
        assert "overwrite" not in body
        keep = post_section(
            client_for(book.bob),
            book.plan,
            "customer_goals",
            {"base_version": "2", "north_star_metric": "Mine"},
        )
        assert keep.status_code == 200
        assert (
            PlanSection.objects.get(plan=book.plan, key="customer_goals").data["north_star_metric"]
            == "Mine"
        )

    def test_a_stale_save_of_other_fields_merges_and_says_so(self, book: Any) -> None:
        services.save_section(
            book.plan, "customer_goals", {"north_star_metric": "Revenue per store"}, 1, book.dave
        )
        r = post_section(
            client_for(book.bob),
            book.plan,
            "customer_goals",
            {"base_version": "1", "north_star_metric": "", "biggest_challenge": "Churn"},
        )
        assert r.status_code == 200
        assert b"their changes and yours are both kept" in r.content
        data = PlanSection.objects.get(plan=book.plan, key="customer_goals").data
        assert (data["north_star_metric"], data["biggest_challenge"]) == (
            "Revenue per store",
            "Churn",
        )

    def test_delete_a_row(self, book: Any) -> None:
        c = client_for(book.bob)
        services.save_section(
            book.plan, "dashboard", {"milestones": [{"title": "A"}, {"title": "B"}]}, 1, book.bob
        )
        ids = [
            m["id"]
            for m in PlanSection.objects.get(plan=book.plan, key="dashboard").data["milestones"]
        ]
        r = post_section(
            c,
            book.plan,
            "dashboard",
            {
                "base_version": "2",
                "milestones.0.id": ids[0],
                "milestones.0.title": "A",
                "milestones.0.status": "on_track",
                "milestones.1.id": ids[1],
                "milestones.1.title": "B",
                "milestones.1.status": "on_track",
                "milestones.1.DELETE": "1",
            },
        )
        assert r.status_code == 200
        data = PlanSection.objects.get(plan=book.plan, key="dashboard").data
        assert [m["title"] for m in data["milestones"]] == ["A"]
        assert data["milestones"][0]["id"] == ids[0]

    def test_unknown_section_is_404(self, book: Any) -> None:
        assert client_for(book.bob).get(url(book.plan, "nope")).status_code == 404


class TestRelationshipsAndGoals:
    def test_org_chart_and_gap(self, book: Any) -> None:
        boss, mid, low = book.contacts
        mid.reports_to = boss
        mid.save()
        low.reports_to = mid
        low.save()
        services.save_section(
            book.plan,
            "relationships",
            {
                "stakeholders": [
                    {"contact_id": low.pk, "strength": 5, "attitude": "supporter"},
                    {"contact_id": boss.pk, "buying_role": "decision_maker", "strength": 2},
                ]
            },
            1,
            book.bob,
        )
        body = client_for(book.bob).get(url(book.plan, "relationships")).content.decode()
        assert "<svg" in body and body.count('class="person') == 3
        assert "Only weak ties" in body
        assert "2</strong> steps from our best contact" in body
        assert "Not touched in 90 days" in body

    def test_goal_gap(self, book: Any) -> None:
        c = client_for(book.bob)
        r = post_section(
            c,
            book.plan,
            "goals",
            {
                "base_version": "1",
                "objective_amount": "100,000",
                "components.0.kind": "upsell",
                "components.0.amount": "30000",
            },
        )
        assert r.status_code == 200
        assert "$70,000 short" in r.content.decode()


class TestHistory:
    def test_history_compare_and_restore(self, book: Any) -> None:
        c = client_for(book.bob)
        services.save_section(
            book.plan, "customer_goals", {"north_star_metric": "One"}, 1, book.bob
        )
        services.save_section(
            book.plan, "customer_goals", {"north_star_metric": "Two"}, 2, book.bob
        )
        revs = list(
            PlanRevision.objects.filter(plan=book.plan, key="customer_goals").order_by("version")
        )
        r = c.get(f"/plans/{book.plan.pk}/history/")
        assert r.status_code == 200 and b"north-star metric" in r.content
        cmp = c.get(f"/plans/{book.plan.pk}/history/compare/?a={revs[0].pk}&b={revs[1].pk}")
        assert cmp.status_code == 200
        assert b"<del>One</del>" in cmp.content and b"<ins>Two</ins>" in cmp.content
        plan_rev = PlanRevision.objects.filter(plan=book.plan, key="plan").first()
        assert plan_rev is not None
        bad = c.get(f"/plans/{book.plan.pk}/history/compare/?a={revs[0].pk}&b={plan_rev.pk}")
        assert bad.status_code == 400
        unticked = c.get(f"/plans/{book.plan.pk}/history/compare/?a=x&b=1")
        assert unticked.status_code == 400 and b"Tick two versions" in unticked.content
        back = c.post(f"/plans/{book.plan.pk}/history/{revs[0].pk}/restore/")
        assert back.status_code == 302
        section = PlanSection.objects.get(plan=book.plan, key="customer_goals")
        assert section.data["north_star_metric"] == "One" and section.version == 4
        latest = PlanRevision.objects.filter(plan=book.plan, key="customer_goals").first()
        assert latest is not None and latest.restored_from_id == revs[0].pk

    def test_reader_cannot_restore(self, book: Any) -> None:
        services.save_section(
            book.plan, "customer_goals", {"north_star_metric": "One"}, 1, book.bob
        )
        rev = PlanRevision.objects.filter(plan=book.plan, key="customer_goals").get()
        r = client_for(book.vera).post(f"/plans/{book.plan.pk}/history/{rev.pk}/restore/")
        assert r.status_code == 403


class TestCloneAndStatus:
    def test_clone_and_duplicate_period(self, book: Any) -> None:
        c = client_for(book.bob)
        r = c.post(f"/plans/{book.plan.pk}/clone/", {"period": "FY2028"})
        assert r.status_code == 302
        assert AccountPlan.objects.filter(account=book.account, period="FY2028").exists()
        again = c.post(f"/plans/{book.plan.pk}/clone/", {"period": "FY2028"})
        assert again.status_code == 400 and b"FY2028" in again.content

    def test_status_changes(self, book: Any) -> None:
        c = client_for(book.bob)
        assert c.post(f"/plans/{book.plan.pk}/status/", {"status": "active"}).status_code == 302
        book.plan.refresh_from_db()
        assert book.plan.status == "active"
        assert c.post(f"/plans/{book.plan.pk}/status/", {"status": "gone"}).status_code == 400

"""The customer's page: the published shared sections, comments both ways, actions on their
side, history written as the recipient, CSRF, and escaping."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accountplan.plans.models import PlanRevision, PlanSection
from accountplan.sharing import links, services
from accountplan.sharing.models import Comment, CustomerEdit
from tests.sharing.conftest import Shared, mk

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(shared: Shared) -> links.NewLink:
    return links.create_link(
        shared.book.plan, shared.book.bob, email="carol@acme.test", name="Carol Customer"
    )


def test_the_page_shows_both_names_and_the_published_sections(
    shared: Shared, link: links.NewLink
) -> None:
    html = Client().get(f"/s/{link.raw}/").content.decode()
    assert "Acme Corp" in html and "Our team" in html
    assert mk("cg.north_star_metric") in html and mk("ac2.title") in html
    assert 'data-section="relationships"' not in html


def test_a_link_limited_to_sections_shows_only_those(shared: Shared) -> None:
    new = links.create_link(
        shared.book.plan, shared.book.bob, email="x@acme.test", sections=["actions"]
    )
    html = Client().get(f"/s/{new.raw}/").content.decode()
    assert mk("ac.title") in html and mk("cg.north_star_metric") not in html


def test_the_customer_comments_and_we_answer(shared: Shared, link: links.NewLink) -> None:
    client = Client()
    response = client.post(
        f"/s/{link.raw}/comments/",
        {"section": "needs", "item": "need1", "body": "<script>alert(1)</script> Agreed"},
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.from_customer and comment.link == link.link
    assert comment.author_label == "Carol Customer <carol@acme.test>"
    edit = CustomerEdit.objects.get()
    assert edit.recipient == comment.author_label and edit.revision.author is None
    services.answer(shared.book.plan, shared.book.bob, "needs", "need1", "Thanks, noted")
    html = client.get(f"/s/{link.raw}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Agreed" in html and "<script>alert" not in html
    assert "Thanks, noted" in html
    owner = Client()
    owner.force_login(shared.book.bob)
    history = owner.get(f"/plans/{shared.book.plan.pk}/history/").content.decode()
    assert "Carol Customer &lt;carol@acme.test&gt;" in history and "customer</span>" in history
    sharing = owner.get(f"/plans/{shared.book.plan.pk}/sharing/").content.decode()
    assert "&lt;script&gt;alert(1)" in sharing and "Thanks, noted" in sharing


def test_comments_only_on_shared_items(shared: Shared, link: links.NewLink) -> None:
    response = Client().post(
        f"/s/{link.raw}/comments/", {"section": "team_support", "item": "dep1", "body": "hi"}
    )
    assert response.status_code == 404 and not Comment.objects.exists()


def test_the_customer_completes_an_action_on_their_side(
    shared: Shared, link: links.NewLink
) -> None:
    client = Client()
    response = client.post(
        f"/s/{link.raw}/actions/act2/", {"status": "done", "due_date": "2027-04-15"}
    )
    assert response.status_code == 302
    action = next(
        a
        for a in PlanSection.objects.get(plan=shared.book.plan, key="actions").data["actions"]
        if a["id"] == "act2"
    )
    assert action["status"] == "done" and action["due_date"] == "2027-04-15"
    assert action["notes"] == mk("ac2.notes")  # nothing else of the action changed
    revision = PlanRevision.objects.filter(plan=shared.book.plan, key="actions").first()
    assert revision is not None and revision.customer_edit.recipient.startswith("Carol")
    html = client.get(f"/s/{link.raw}/").content.decode()
    assert "Apr 15, 2027" in html
    # Our own action is not theirs to change.
    ours = client.post(f"/s/{link.raw}/actions/act1/", {"status": "done", "due_date": ""})
    assert ours.status_code == 400


def test_customer_forms_are_csrf_protected(shared: Shared, link: links.NewLink) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/s/{link.raw}/")
    assert "csrfmiddlewaretoken" in page.content.decode()
    refused = client.post(
        f"/s/{link.raw}/comments/", {"section": "needs", "item": "need1", "body": "x"}
    )
    assert refused.status_code == 403 and not Comment.objects.exists()
    token = client.cookies["csrftoken"].value
    ok = client.post(
        f"/s/{link.raw}/comments/",
        {"section": "needs", "item": "need1", "body": "x", "csrfmiddlewaretoken": token},
    )
    assert ok.status_code == 302 and Comment.objects.count() == 1


def test_the_preview_is_the_customer_page_without_forms(shared: Shared) -> None:
    owner = Client()
    owner.force_login(shared.book.bob)
    html = owner.get(f"/plans/{shared.book.plan.pk}/sharing/preview/").content.decode()
    assert 'data-testid="preview-banner"' in html and mk("ac2.title") in html
    assert "/comments/" not in html and 'name="status"' not in html
    outsider = Client()
    outsider.force_login(shared.book.charlie)
    assert outsider.get(f"/plans/{shared.book.plan.pk}/sharing/preview/").status_code == 404


def test_nothing_published_says_so(book: Any) -> None:
    new = links.create_link(book.plan, book.bob, email="c@acme.test")
    html = Client().get(f"/s/{new.raw}/").content.decode()
    assert 'data-testid="nothing-shared"' in html


def test_an_action_taken_back_by_the_owner_is_no_longer_theirs(
    shared: Shared, link: links.NewLink
) -> None:
    plan, bob = shared.book.plan, shared.book.bob
    config = services.config_of(plan)
    services.set_visibility(
        plan, bob, sections=config.sections, items=config.items, customer_owners={}
    )
    response = Client().post(f"/s/{link.raw}/actions/act2/", {"status": "done", "due_date": ""})
    assert response.status_code == 400
    actions = PlanSection.objects.get(plan=plan, key="actions").data["actions"]
    assert next(a for a in actions if a["id"] == "act2")["status"] == "todo"

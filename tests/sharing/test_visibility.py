"""Visibility and publishing: internal by default, internal-for-good refused by the server and
not offered by the form, only whitelisted fields copied, preview equals what a publish freezes,
and the changes since the last publish."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accountplan.plans.services import save_section
from accountplan.sharing import rules, services
from accountplan.sharing.models import SharedRevision
from tests.sharing.conftest import ITEMS, VISIBLE, Shared, full_sections, mk

pytestmark = pytest.mark.django_db


def test_a_new_plan_shares_nothing(book: Any) -> None:
    view = services.current_view(book.plan)
    assert view["sections"] == []
    assert view["customer"] == "Acme Corp"


def test_sections_and_items_are_internal_until_marked(book: Any) -> None:
    contacts, products = [c.pk for c in book.contacts], [p.pk for p in book.products]
    data = full_sections(contacts, products, [book.bob.pk])
    for key, section in data.items():
        save_section(book.plan, key, section, 1, book.bob)
    services.set_visibility(book.plan, book.bob, sections={"customer_goals"}, items={})
    view = services.current_view(book.plan)
    assert [s["key"] for s in view["sections"]] == ["customer_goals"]
    text = repr(view)
    assert mk("cg.north_star_metric") in text
    assert mk("cg.prio.text") not in text  # the section is shared, its item is not


@pytest.mark.parametrize("key", ["relationships", "profile_position", "prospecting"])
def test_the_server_refuses_to_share_internal_sections(book: Any, key: str) -> None:
    with pytest.raises(services.NotShareable, match="never shared"):
        services.set_visibility(book.plan, book.bob, sections={key}, items={})
    client = Client()
    client.force_login(book.bob)
    response = client.post(f"/plans/{book.plan.pk}/sharing/visibility/", {"section": key})
    assert response.status_code == 422
    assert services.config_of(book.plan).sections == set()


@pytest.mark.parametrize("key", ["team_support.dependencies", "dashboard.adjustments"])
def test_the_server_refuses_to_share_internal_lists(shared: Shared, key: str) -> None:
    plan, bob = shared.book.plan, shared.book.bob
    with pytest.raises(services.NotShareable):
        services.set_visibility(plan, bob, sections={"team_support"}, items={key: {"dep1"}})


def test_the_form_does_not_offer_internal_sections(shared: Shared) -> None:
    client = Client()
    client.force_login(shared.book.bob)
    html = client.get(f"/plans/{shared.book.plan.pk}/sharing/").content.decode()
    assert 'name="section" value="customer_goals"' in html
    for key in rules.NEVER_SHAREABLE_SECTIONS:
        assert f'name="section" value="{key}"' not in html
    assert "dep1" not in html and "adj1" not in html
    # The plan page carries the same form in its sharing card.
    page = client.get(f"/plans/{shared.book.plan.pk}/").content.decode()
    assert 'id="sharing-card"' in page and 'name="section" value="needs"' in page
    assert 'name="section" value="relationships"' not in page


def test_only_whitelisted_fields_are_copied(shared: Shared) -> None:
    view = services.current_view(shared.book.plan)
    text = repr(view)
    for marker in VISIBLE:
        assert marker in text
    planted = set(_markers(shared.sections)) - VISIBLE
    assert planted and not [m for m in planted if m in text]
    assert "987,654" not in text and "123,457" not in text  # amounts not chosen


def test_goals_can_be_shared_with_amounts(shared: Shared) -> None:
    plan, bob = shared.book.plan, shared.book.bob
    services.set_visibility(
        plan, bob, sections={"goals"}, items={"goals.components": {"cmp1"}}, goal_amounts=True
    )
    text = repr(services.current_view(plan))
    assert "$987,654" in text and "$123,457" in text


def test_publish_freezes_the_preview_and_reports_changes(shared: Shared) -> None:
    plan, bob = shared.book.plan, shared.book.bob
    assert services.changes(plan) == []
    save_section(
        plan,
        "customer_goals",
        {**shared.sections["customer_goals"], "north_star_metric": "Net retention"},
        2,
        bob,
    )
    lines = [c["what"] for c in services.changes(plan)]
    assert lines == ["Your goals and KPIs: North-star metric changed"]
    # The customer still sees the published view, not the draft.
    published = SharedRevision.objects.get(plan=plan, number=1).data
    assert mk("cg.north_star_metric") in repr(published)
    rev = services.publish(plan, bob)
    assert rev.number == 2 and rev.data == services.current_view(plan)
    assert services.changes(plan) == []


def test_a_viewer_may_not_change_what_is_shared(shared: Shared) -> None:
    client = Client()
    client.force_login(shared.book.vera)
    response = client.post(f"/plans/{shared.book.plan.pk}/sharing/publish/")
    assert response.status_code == 403
    assert SharedRevision.objects.filter(plan=shared.book.plan).count() == 1


def test_item_ids_must_exist(shared: Shared) -> None:
    from accountplan.core.errors import NotFound

    with pytest.raises(NotFound):
        services.set_visibility(
            shared.book.plan, shared.book.bob, sections={"needs"}, items={"needs.needs": {"zz"}}
        )
    assert ITEMS  # the fixture's items all exist (set above without error)


def _markers(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [m for v in value.values() for m in _markers(v)]
    if isinstance(value, list):
        return [m for v in value for m in _markers(v)]
    if isinstance(value, str) and "MK" in value:
        return [value[value.index("MK") :]]
    return []

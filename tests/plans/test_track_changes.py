"""History as track changes: labels for fields, names for ids, before → after, items by name;
and the compare page's mistakes explained on the history page."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from accountplan.plans.models import PlanRevision
from accountplan.plans.services import save_section
from accountplan.plans.track_changes import Line, describe, names_for, readable
from tests.plans.conftest import Book
from tests.web.visible_text import html_text, leaks


def _stakeholders(book: Book, **extra: object) -> dict[str, object]:
    return {
        "stakeholders": [
            {
                "id": "s1",
                "contact_id": book.contacts[0].pk,
                "buying_role": "decision_maker",
                "our_owner_id": book.bob.pk,
                **extra,
            }
        ]
    }


def test_an_added_item_is_named_and_its_fields_labelled(book: Book) -> None:
    data = _stakeholders(book)
    names = names_for(book.plan, [("relationships", data)])
    lines = describe("relationships", {}, data, names)
    contact = book.contacts[0]
    assert lines == [
        Line(
            "added",
            f"Stakeholder “{contact.full_name}”",
            details=(("Buying role", "Decision maker"), ("Our owner", book.bob.get_full_name())),
        )
    ]


def test_a_changed_field_of_an_item_reads_before_and_after(book: Book) -> None:
    old = _stakeholders(book)
    new = _stakeholders(book, buying_role="champion", strength="4")
    lines = describe("relationships", old, new, names_for(book.plan, [("relationships", new)]))
    name = book.contacts[0].full_name
    assert Line("changed", f"Stakeholder “{name}”: buying role", "Decision maker", "Champion") in (
        lines
    )
    assert Line("added", f"Stakeholder “{name}”: strength", after="4 – good") in lines


def test_fields_are_labelled_and_formatted(book: Book) -> None:
    old = {"inputs": {"growth_pct": "10", "deal_size": "250000"}}
    new = {"inputs": {"growth_pct": "15", "deal_size": "303628.06", "period_start": "2026-01-01"}}
    names = names_for(book.plan, [])
    lines = describe("prospecting", old, new, names)
    assert lines == [
        Line("changed", "Growth", "10%", "15%"),
        Line("changed", "Average deal size", "$250,000", "$303,628"),
        Line("added", "Period start", after="Jan 1, 2026"),
    ]
    shown = readable("prospecting", new, names)
    assert [(b.label, b.text) for b in shown][:2] == [
        ("Growth", "15%"),
        ("Average deal size", "$303,628"),
    ]


def test_the_history_pages_show_no_code_or_dict(book: Book) -> None:
    save_section(book.plan, "relationships", _stakeholders(book), 1, book.bob)
    save_section(
        book.plan, "relationships", _stakeholders(book, buying_role="champion"), 2, book.bob
    )
    client = Client()
    client.force_login(book.bob)
    first, second = PlanRevision.objects.filter(plan=book.plan, key="relationships").order_by(
        "version"
    )
    pages = {
        "history": reverse("plans:history", args=[book.plan.pk]),
        "revision": reverse("plans:revision", args=[book.plan.pk, second.pk]),
        "compare": reverse("plans:compare", args=[book.plan.pk]) + f"?a={first.pk}&b={second.pk}",
    }
    texts = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        texts[name] = html_text(response.content.decode())
        assert not leaks(texts[name]), (name, leaks(texts[name]))
    contact = book.contacts[0].full_name
    assert "Changed 1 stakeholder" in texts["history"]
    assert "Added 1 stakeholder" in texts["history"]
    assert f"Stakeholder “{contact}”: buying role" in texts["revision"]
    assert "Decision maker" in texts["compare"] and "Champion" in texts["compare"]
    assert "{'" not in texts["revision"] and "contact_id" not in texts["revision"]

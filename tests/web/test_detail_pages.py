"""The dead ends opened: an opportunity page (stage, amounts, lines, contacts, history, plans),
the account's activity timeline (paginated), and a product page listing its buyers (paginated)
with a link to the white space map filtered to it. Scoped like the account page; queries pinned."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import Client

from accountplan.book import models as m
from accountplan.book.choices import ActivityKind
from accountplan.core.models import User
from accountplan.plans.services import create_plan
from tests.factories import (
    AccountFactory,
    ContactFactory,
    PurchaseLineFactory,
)
from tests.web.conftest import Book, signed_in


def deal(book: Book) -> m.Opportunity:
    return m.Opportunity.objects.get(name="Acme laptops refresh")


def test_opportunity_page_shows_the_deal(client: Client, ae: User, book: Book) -> None:
    opp = deal(book)
    champion = ContactFactory(account=book.bobs, first_name="Zoë", last_name="Champion")
    m.OpportunityContactRole.objects.create(
        opportunity=opp, contact=champion, role="Economic buyer", is_primary=True
    )
    m.OpportunityLineItem.objects.create(
        opportunity=opp, product=book.laptop, quantity=5, unit_price=1000, amount=Decimal("5000")
    )
    m.Activity.objects.create(
        account=book.bobs,
        opportunity=opp,
        contact=champion,
        subject="Pricing call",
        kind=ActivityKind.CALL,
        date=dt.date(2026, 3, 2),
    )
    plan = create_plan(book.bobs, "FY2027", ae)
    response = signed_in(client, ae).get(f"/opportunities/{opp.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Engaging" in html and "$5,000" in html
    assert "Zoë Champion" in html and "Economic buyer" in html and "Primary" in html
    assert "Pricing call" in html and "Mar 2, 2026" in html
    assert f'href="/plans/{plan.pk}/"' in html
    assert f'href="/products/{book.laptop.pk}/"' in html
    assert f'href="/accounts/{book.bobs.pk}/"' in html


def test_opportunity_page_is_scoped(client: Client, ae: User, book: Book) -> None:
    theirs = m.Opportunity.objects.get(name="Initech deal")
    assert signed_in(client, ae).get(f"/opportunities/{theirs.pk}/").status_code == 404
    assert client.get("/opportunities/999999/").status_code == 404


def test_account_page_links_opportunities_and_products(
    client: Client, ae: User, book: Book
) -> None:
    html = signed_in(client, ae).get(f"/accounts/{book.bobs.pk}/").content.decode()
    assert f'href="/opportunities/{deal(book).pk}/"' in html
    assert f'href="/products/{book.laptop.pk}/"' in html


def test_account_timeline_is_newest_first_and_paginated(client: Client, manager: User) -> None:
    account = AccountFactory(owner=manager)
    start = dt.date(2026, 1, 1)
    m.Activity.objects.bulk_create(
        m.Activity(account=account, subject=f"Touch {i:02d}", date=start + dt.timedelta(days=i))
        for i in range(25)
    )
    first = signed_in(client, manager).get(f"/accounts/{account.pk}/")
    subjects = [a.subject for a in first.context["timeline"].object_list]
    assert subjects[:2] == ["Touch 24", "Touch 23"] and len(subjects) == 20
    assert "last contact Jan 25, 2026" in first.content.decode()
    second = client.get(f"/accounts/{account.pk}/", {"act_page": 2})
    assert [a.subject for a in second.context["timeline"].object_list] == [
        f"Touch {i:02d}" for i in range(4, -1, -1)
    ]
    assert "Showing 21–25 of 25 activities" in second.content.decode()


def test_product_page_lists_visible_buyers_biggest_first(
    client: Client, ae: User, manager: User, book: Book
) -> None:
    PurchaseLineFactory(account=book.teamed, product=book.laptop, amount=Decimal("5000"))
    PurchaseLineFactory(account=book.charlies, product=book.laptop, amount=Decimal("9999"))
    mine = signed_in(client, ae).get(f"/products/{book.laptop.pk}/")
    names = [r["account__name"] for r in mine.context["page_obj"].object_list]
    assert names == ["Globex", "Acme Corp"]  # not Initech: bob cannot see it
    assert mine.context["page_obj"].paginator.count == 2
    everyone = signed_in(client, manager).get(f"/products/{book.laptop.pk}/")
    assert [r["account__name"] for r in everyone.context["page_obj"].object_list] == [
        "Initech",
        "Globex",
        "Acme Corp",
    ]


def test_product_list_links_to_product_pages(client: Client, ae: User, book: Book) -> None:
    html = signed_in(client, ae).get("/products/").content.decode()
    assert f'href="/products/{book.laptop.pk}/"' in html


def test_product_buyers_query_count_does_not_grow(
    client: Client, manager: User, book: Book, django_assert_max_num_queries
) -> None:
    signed_in(client, manager)
    PurchaseLineFactory.create_batch(3, product=book.server)
    with django_assert_max_num_queries(12) as small:
        before = client.get(f"/products/{book.server.pk}/").context["page_obj"].paginator.count
    PurchaseLineFactory.create_batch(30, product=book.server)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(f"/products/{book.server.pk}/")
    assert response.context["page_obj"].paginator.count == before + 30


def test_opportunity_page_query_count_does_not_grow(
    client: Client, manager: User, book: Book, django_assert_max_num_queries
) -> None:
    opp = deal(book)
    signed_in(client, manager)

    years = iter(range(2030, 2040))

    def grow() -> None:
        for _ in range(3):
            c = ContactFactory(account=book.bobs)
            m.OpportunityContactRole.objects.create(opportunity=opp, contact=c)
            m.OpportunityLineItem.objects.create(opportunity=opp, product=book.server, amount=1)
            m.Activity.objects.create(
                account=book.bobs, opportunity=opp, contact=c, subject="x", date=dt.date.today()
            )
        create_plan(book.bobs, f"FY{next(years)}", manager)

    grow()
    # 13: the fit scorecard's answers (issue 13) are one read more.
    with django_assert_max_num_queries(13) as small:
        client.get(f"/opportunities/{opp.pk}/")
    grow()
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(f"/opportunities/{opp.pk}/").status_code == 200
    assert len(response_plans(client, opp)) == 2


def response_plans(client: Client, opp: m.Opportunity) -> list[object]:
    return list(client.get(f"/opportunities/{opp.pk}/").context["detail"].plans)

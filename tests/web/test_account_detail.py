"""The account page: scoped (404 for others), every section filled or empty, queries pinned."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import Client

from accountplan.book.choices import OpportunityStatus
from accountplan.book.models import Activity
from accountplan.core.models import User
from tests.factories import (
    AccountFactory,
    ContactFactory,
    OpportunityFactory,
    PurchaseLineFactory,
    TeamMemberFactory,
    UserFactory,
)
from tests.web.conftest import Book, signed_in


def url(account) -> str:
    return f"/accounts/{account.pk}/"


def test_owner_sees_the_account_page(client: Client, ae: User, book: Book) -> None:
    response = signed_in(client, ae).get(url(book.bobs))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Acme Corp" in html
    for text in ("Acme laptops refresh", "Acme servers", "Wile Coyote", "Road Runner"):
        assert text in html


def test_teammate_sees_the_account_page(client: Client, ae: User, book: Book) -> None:
    assert signed_in(client, ae).get(url(book.teamed)).status_code == 200


def test_ae_gets_404_on_someone_elses_account(client: Client, ae: User, book: Book) -> None:
    assert signed_in(client, ae).get(url(book.charlies)).status_code == 404


def test_unknown_account_is_404(client: Client, manager: User, book: Book) -> None:
    assert signed_in(client, manager).get("/accounts/999999/").status_code == 404


def test_kpis(client: Client, ae: User, book: Book) -> None:
    response = signed_in(client, ae).get(url(book.bobs))
    overview = response.context["overview"]
    assert overview.won_12m == Decimal("12000")
    assert overview.open_pipeline == Decimal("5000")
    # Two won, one lost: two thirds.
    assert round(overview.win_rate, 4) == round(2 / 3, 4)
    counts = {s.status: (s.count, s.amount) for s in overview.statuses}
    assert counts == {
        "open": (1, Decimal("5000")),
        "won": (2, Decimal("19000")),
        "lost": (1, Decimal("3000")),
    }
    html = response.content.decode()
    assert "67%" in html and "$25.0M" in html and "1,200" in html


def test_purchases_are_grouped_by_product(client: Client, ae: User, book: Book) -> None:
    overview = signed_in(client, ae).get(url(book.bobs)).context["overview"]
    assert [
        (r["product__name"], r["quantity"], r["amount"], r["lines"]) for r in overview.purchases
    ] == [("Laptop Pro", Decimal("3"), Decimal("1200"), 2)]
    assert overview.purchase_total == Decimal("1200")
    assert overview.purchases[0]["last_date"] == max(
        pl.date for pl in book.bobs.purchase_lines.all()
    )


def test_contacts_show_reports_to(client: Client, ae: User, book: Book) -> None:
    html = signed_in(client, ae).get(url(book.bobs)).content.decode()
    contacts = html[html.index('id="contacts-h"') :]  # not the log-an-activity form's choices
    row = contacts[contacts.index("Road Runner") :]
    row = row[: row.index("</tr>")]
    assert "Wile Coyote" in row and "+1 555 0100" in row


def test_hierarchy_links_parent_and_children(client: Client, ae: User, book: Book) -> None:
    parent_html = signed_in(client, ae).get(url(book.bobs)).content.decode()
    assert f'href="/accounts/{book.subsidiary.pk}/">Acme Europe' in parent_html
    child_html = client.get(url(book.subsidiary)).content.decode()
    assert f'href="/accounts/{book.bobs.pk}/">Acme Corp' in child_html
    assert "Subsidiary of" in child_html


def test_team_section(client: Client, ae: User, book: Book) -> None:
    html = signed_in(client, ae).get(url(book.teamed)).content.decode()
    assert "Sales support" in html and str(ae) in html


def test_empty_account_shows_every_empty_state(client: Client, manager: User) -> None:
    account = AccountFactory(name="Blank Inc")
    html = signed_in(client, manager).get(url(account)).content.decode()
    for text in (
        "No opportunities yet",
        "No purchases recorded",
        "No contacts yet",
        "No team yet",
        "No subsidiaries you can see",
        "No buying centers yet",
    ):
        assert text in html


def test_user_text_is_escaped(client: Client, manager: User) -> None:
    account = AccountFactory(name="<script>alert(1)</script>", website="javascript:alert(2)")
    ContactFactory(account=account, last_name="<img src=x onerror=alert(3)>")
    OpportunityFactory(account=account, name="<b>bold</b>")
    html = signed_in(client, manager).get(url(account)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;" in html
    assert "javascript:alert(2)" not in html


def test_opportunities_are_paginated(client: Client, manager: User) -> None:
    account = AccountFactory()
    OpportunityFactory.create_batch(30, account=account, status=OpportunityStatus.OPEN)
    response = signed_in(client, manager).get(url(account), {"opp_page": 2})
    assert len(response.context["opportunities"].object_list) == 5
    assert "Showing 26–30 of 30" in response.content.decode()
    # Junk page numbers fall back to a valid page.
    assert client.get(url(account), {"opp_page": "zz"}).status_code == 200


def test_query_count_does_not_grow_with_rows(
    client: Client, manager: User, django_assert_max_num_queries
) -> None:
    account = AccountFactory(owner=manager)
    signed_in(client, manager)

    def grow() -> None:
        OpportunityFactory.create_batch(
            10, account=account, owner=UserFactory(), close_date=dt.date.today()
        )
        boss = ContactFactory(account=account)
        ContactFactory.create_batch(5, account=account, reports_to=boss)
        PurchaseLineFactory.create_batch(5, account=account)
        TeamMemberFactory(account=account)
        AccountFactory(parent=account)
        Activity.objects.bulk_create(
            Activity(account=account, contact=boss, subject="Call", date=dt.date.today())
            for _ in range(5)
        )

    grow()
    # session, user, account, stages, won 12m, purchases, contacts (+count), team, children,
    # buying centers, opportunity count and page, the current analytics snapshot (none here),
    # the account plans card (its plans, with completeness when there are any), the activity
    # timeline (count and page), the contacts its log-an-activity form offers, and the customer's
    # scorecard of us (one query of its scored quarters; none here).
    with django_assert_max_num_queries(20) as small:
        client.get(url(account))
    grow()
    grow()
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url(account))
    assert response.status_code == 200


def test_404_page_explains_and_links_back(client: Client, ae: User, book: Book) -> None:
    response = signed_in(client, ae).get(url(book.charlies))
    html = response.content.decode()
    assert response.status_code == 404
    assert "belongs to an account you cannot see" in html
    assert "Initech" not in html

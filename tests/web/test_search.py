"""The global search: one box finds accounts, contacts, plans and products, forgiving case,
accents and small typos, scoped to what the user may see, bounded per kind; its page, its JSON
and its API endpoint; queries pinned; keys kept true through saves and imports."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accountplan.book import models as m
from accountplan.book import search
from accountplan.book.search_keys import refresh_search_keys
from accountplan.core.models import User
from accountplan.plans.services import create_plan
from tests.factories import AccountFactory, ContactFactory, ProductFactory
from tests.web.conftest import Book, signed_in


@pytest.fixture
def named(book: Book, ae: User, outsider: User) -> dict[str, Any]:
    """Accented and look-alike names, one of them on an account bob cannot see."""
    societe = AccountFactory(name="Société Générale Énergie", owner=ae, external_id="SGE-9")
    hidden = AccountFactory(name="Société Secrète", owner=outsider)
    zoe = ContactFactory(account=societe, first_name="Zoë", last_name="Müller-Lüdenscheidt")
    ContactFactory(account=hidden, first_name="Zoë", last_name="Müller")
    turbine = ProductFactory(name="Turbine Éolienne", family="Energy")
    plan = create_plan(societe, "FY2027", ae)
    return {"societe": societe, "hidden": hidden, "zoe": zoe, "turbine": turbine, "plan": plan}


def labels(found: dict[str, list[search.Hit]], kind: str) -> list[str]:
    return [h.label for h in found[kind]]


def test_case_and_accents_do_not_matter(ae: User, named: dict[str, Any]) -> None:
    found = search.search(ae, "SOCIETE gen")
    assert labels(found, "account") == ["Société Générale Énergie"]  # not the hidden one
    assert labels(found, "plan") == ["Société Générale Énergie · FY2027"]
    assert labels(search.search(ae, "turbine eol"), "product") == ["Turbine Éolienne"]


def test_small_typos_are_forgiven(ae: User, named: dict[str, Any]) -> None:
    assert labels(search.search(ae, "societe generle"), "account") == ["Société Générale Énergie"]
    assert labels(search.search(ae, "Turbnie"), "product") == ["Turbine Éolienne"]
    assert labels(search.search(ae, "zzzzqqq"), "account") == []


def test_contacts_by_surname_or_full_name_either_order(ae: User, named: dict[str, Any]) -> None:
    for q in ("muller", "Zoe Müller-Lüd", "muller-ludenscheidt zoe"):
        assert labels(search.search(ae, q), "contact") == ["Zoë Müller-Lüdenscheidt"], q
    # The manager sees both Zoës; bob only his.
    assert search.search(ae, "müller")["contact"][0].detail.endswith("Société Générale Énergie")


def test_manager_sees_the_whole_book(manager: User, named: dict[str, Any]) -> None:
    assert labels(search.search(manager, "societe"), "account") == [
        "Société Générale Énergie",
        "Société Secrète",
    ]
    assert len(search.search(manager, "zoe muller")["contact"]) == 2


def test_results_are_bounded_per_kind(manager: User) -> None:
    AccountFactory.create_batch(30, name="Umbrella")
    assert len(search.search(manager, "umbrella", limit=5)["account"]) == 5
    assert len(search.search(manager, "umbrela", limit=7)["account"]) == 7


def test_exact_external_id_finds_the_account(ae: User, named: dict[str, Any]) -> None:
    assert labels(search.search(ae, "SGE-9"), "account")[0] == "Société Générale Énergie"


def test_keys_follow_renames_by_save_and_by_import_refresh(manager: User) -> None:
    account = AccountFactory(name="Initial Name")
    account.name = "Ærøskøbing Shipping"
    account.save()
    assert labels(search.search(manager, "aeroskobing"), "account") == ["Ærøskøbing Shipping"]
    # bulk_update (the importer's path) skips pre_save; refresh_search_keys mends it.
    account.name = "Zanzibar Freight"
    m.Account.objects.bulk_update([account], ["name"])
    assert labels(search.search(manager, "zanzibar"), "account") == []
    assert refresh_search_keys(m.Account, [account.pk], {"name"}) == 1
    assert labels(search.search(manager, "zanzibar"), "account") == ["Zanzibar Freight"]


def test_page_json_and_api(client: Client, ae: User, named: dict[str, Any]) -> None:
    signed_in(client, ae)
    page = client.get("/search/", {"q": "societe"})
    html = page.content.decode()
    assert f'href="/accounts/{named["societe"].pk}/"' in html
    assert f'href="/plans/{named["plan"].pk}/"' in html
    assert "Secrète" not in html
    data = client.get("/search/suggest/", {"q": "zoe"}).json()
    assert [(r["kind"], r["label"]) for r in data["results"]] == [
        ("contact", "Zoë Müller-Lüdenscheidt")
    ]
    api = client.get("/api/search", {"q": "turbine", "kind": "product", "limit": 3}).json()
    assert [h["label"] for h in api["product"]] == ["Turbine Éolienne"]
    assert "account" not in api or api["account"] == []
    assert client.get("/api/search", {"q": "x", "limit": 999}).status_code == 422


def test_search_needs_a_login(client: Client) -> None:
    assert client.get("/search/suggest/", {"q": "a"}).status_code == 302
    assert client.get("/api/search", {"q": "a"}).status_code == 401


def test_query_counts_do_not_grow_with_the_book(
    client: Client, manager: User, django_assert_max_num_queries: Any
) -> None:
    signed_in(client, manager)

    def grow() -> None:
        for _ in range(8):
            a = AccountFactory(name="Umbrella Corp")
            ContactFactory(account=a, last_name="Umbrello")
            create_plan(a, "FY2028", manager)
        ProductFactory(name="Umbrella Pro")

    grow()
    for url in ("/search/suggest/", "/api/search"):
        # A fixed number per kind (prefix, contains, near tries), whatever the rows.
        with django_assert_max_num_queries(30) as small:
            client.get(url, {"q": "umbrela"})
        grow()
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert client.get(url, {"q": "umbrela"}).status_code == 200


def test_account_choices_use_the_tolerant_search(
    client: Client, ae: User, named: dict[str, Any]
) -> None:
    data = signed_in(client, ae).get("/accounts/choices/", {"q": "societe generle"}).json()
    assert data["results"] == [
        {"id": named["societe"].pk, "label": "Société Générale Énergie (SGE-9)"}
    ]

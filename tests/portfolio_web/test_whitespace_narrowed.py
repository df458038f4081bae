"""The white space map narrowed to a family or a product: rows rank and total by the white space
of the columns shown (checked against each cell's own W, derived apart), the Columns choice offers
families, and a product page links to its narrowed map."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from accountplan.book import models as m
from accountplan.core.models import User
from accountplan.portfolio import cells, selectors
from accountplan.portfolio.models import Snapshot
from accountplan.portfolio.services import analyze_now
from tests.portfolio_web.conftest import AS_OF, make_book, signed_in


@pytest.fixture
def tilted(manager: User, ae: User) -> dict[str, Any]:
    """The page tests' book, with one small account given a huge potential on Care (Services):
    first by its whole white space, not by Core's."""
    accounts, products = make_book(manager, ae)
    care = next(p for p in products if p.name == "Care")
    m.PotentialOverride.objects.create(account=accounts[0], product=care, amount=Decimal(10**7))
    snapshot = analyze_now(as_of=AS_OF, trigger="test").snapshot
    return {"accounts": accounts, "products": products, "snapshot": snapshot}


def expected_order(snapshot: Snapshot, user: User, family: str = "", item: str = "") -> list[str]:
    """Account names by the sum of W over the filtered items' cells (derived cell by cell)."""
    scores = list(selectors.account_scores(user, snapshot))
    cols = [c for c in selectors.columns(snapshot, family) if not item or c.item == item]
    by_account = cells.derive_cells(snapshot, scores, cols)
    totals = {
        s.account.name: sum(
            (c.whitespace_value or Decimal(0) for c in by_account[s.account_id].values()),
            Decimal(0),
        )
        for s in scores
    }
    return sorted(totals, key=lambda n: (-totals[n], n.casefold()))


def row_names(response: Any) -> list[str]:
    return [row["score"].account.name for row in response.context["rows"]]


def test_family_filter_ranks_by_the_familys_white_space(
    client: Client, manager: User, tilted: dict[str, Any]
) -> None:
    signed_in(client, manager)
    whole = client.get("/whitespace/")
    assert row_names(whole)[0] == "Shop 00"  # its Care override tops the whole book
    core = client.get("/whitespace/", {"family": "Core"})
    expected = expected_order(tilted["snapshot"], manager, family="Core")
    assert row_names(core) == expected
    assert row_names(core) != row_names(whole)
    assert [c.name for c in core.context["columns"]] == ["Suite", "Sync"]
    # The white space shown and totalled is Core's.
    shown = {row["score"].account.name: row["whitespace"] for row in core.context["rows"]}
    assert core.context["narrowed_total"] == sum(shown.values(), Decimal(0))
    assert shown["Shop 00"] < Decimal(10**7)


def test_product_filter_ranks_by_that_product(
    client: Client, manager: User, tilted: dict[str, Any]
) -> None:
    snapshot = tilted["snapshot"]
    suite = next(c for c in selectors.columns(snapshot) if c.name == "Suite")
    response = signed_in(client, manager).get("/whitespace/", {"item": suite.item})
    assert [c.name for c in response.context["columns"]] == ["Suite"]
    assert row_names(response) == expected_order(snapshot, manager, item=suite.item)
    by_name = signed_in(client, manager).get("/whitespace/", {"item": suite.item, "sort": "name"})
    assert row_names(by_name) == sorted(row_names(response))


def test_narrowed_map_is_scoped(client: Client, ae: User, tilted: dict[str, Any]) -> None:
    response = signed_in(client, ae).get("/whitespace/", {"family": "Core"})
    assert sorted(row_names(response)) == ["Shop 01", "Shop 04"]
    assert row_names(response) == expected_order(tilted["snapshot"], ae, family="Core")


def test_columns_offer_families_and_compute_them_on_demand(
    client: Client, manager: User, tilted: dict[str, Any]
) -> None:
    signed_in(client, manager)
    response = client.get("/whitespace/", {"level": "family"})
    html = response.content.decode()
    assert '<option value="family"' in html
    assert 'data-testid="missing-level"' in html and "Compute family columns" in html
    assert response.context["level"] == "product"  # falls back to what exists
    client.post("/rescore/", {"level": "family", "next": "/whitespace/?level=family"})
    assert Snapshot.objects.filter(level="family").exists()
    analyze_now(as_of=AS_OF, level="family", trigger="test")
    families = client.get("/whitespace/", {"level": "family"})
    assert families.context["level"] == "family"
    assert sorted(c.name for c in families.context["columns"]) == ["Core", "Services"]
    assert 'data-testid="missing-level"' not in families.content.decode()


def test_product_page_links_to_its_narrowed_map(
    client: Client, manager: User, tilted: dict[str, Any]
) -> None:
    suite = next(p for p in tilted["products"] if p.name == "Suite")
    html = signed_in(client, manager).get(f"/products/{suite.pk}/").content.decode()
    item = next(c.item for c in selectors.columns(tilted["snapshot"]) if c.name == "Suite")
    assert f"/whitespace/?level=product&amp;item={item}" in html


def test_narrowed_map_query_count_is_fixed(
    client: Client, manager: User, tilted: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    signed_in(client, manager)
    with django_assert_max_num_queries(20) as first:
        client.get("/whitespace/", {"family": "Core"})
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get("/whitespace/", {"family": "Core", "page": 1})

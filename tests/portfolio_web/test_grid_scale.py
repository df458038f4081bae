"""The grid at any size: an even sample of points beyond a limit, every point on demand, the
whole book's figures computed once per finished snapshot, and a fixed number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accountplan.core.models import User
from accountplan.portfolio import grid_data
from accountplan.portfolio.grid_data import forget
from accountplan.portfolio.models import AccountScore
from tests.portfolio_web.conftest import ScoredBook, signed_in
from tests.portfolio_web.test_grid import counts_of, spec_of

URL = "/grid/"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    forget()


def _points(html: str) -> list[dict[str, Any]]:
    return spec_of(html)["layer"][-1]["data"]["values"]


def test_beyond_the_limit_the_chart_samples_and_says_so(
    client: Client, manager: User, scored: ScoredBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    scores = AccountScore.objects.filter(snapshot=scored.snapshot, potential_score__isnull=False)
    scored_n = scores.count()
    assert scored_n >= 4
    monkeypatch.setattr(grid_data, "SAMPLE_POINTS", 2)
    signed_in(client, manager)
    html = client.get(URL).content.decode()
    drawn = _points(html)
    step = -(-scored_n // 2)
    assert {p["id"] for p in drawn} == {s.account_id for s in scores if s.account_id % step == 0}
    assert 'data-testid="sampled"' in html
    assert f"of the {scored_n} scored accounts" in html
    # The counts stay exact: they cover every account, not the sample.
    assert sum(counts_of(html).values()) == scores.exclude(play="").count()
    everything = client.get(URL, {"points": "all"}).content.decode()
    assert {p["id"] for p in _points(everything)} == {s.account_id for s in scores}
    assert 'data-testid="sampled"' not in everything


def test_points_carry_no_url_but_the_spec_has_one_pattern(
    client: Client, manager: User, scored: ScoredBook
) -> None:
    spec = spec_of(signed_in(client, manager).get(URL).content.decode())
    assert spec["usermeta"]["account_url"] == "/accounts/0/"
    assert all("url" not in p for p in _points_spec(spec))


def _points_spec(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return spec["layer"][-1]["data"]["values"]


def test_query_count_is_pinned_and_smaller_once_cached(
    client: Client, manager: User, scored: ScoredBook, django_assert_num_queries: Any
) -> None:
    signed_in(client, manager)
    client.get(URL)  # fills the snapshot's cache
    # session, user, snapshot, pending rescore, the page of the list and its item names; the
    # filter options, thresholds, counts and points come from the cache.
    with django_assert_num_queries(6):
        assert client.get(URL).status_code == 200


def test_a_snapshot_not_done_is_never_cached(scored: ScoredBook) -> None:
    snap = scored.snapshot
    assert snap.cache_key is not None
    snap.status = "running"
    assert snap.cache_key is None
    calls: list[int] = []
    grid_data.cached(snap, "x", lambda: calls.append(1) or 1)
    grid_data.cached(snap, "x", lambda: calls.append(1) or 1)
    assert len(calls) == 2


def test_the_maps_second_visit_reads_no_cells_and_no_count(
    client: Client, manager: User, scored: ScoredBook, django_assert_num_queries: Any
) -> None:
    signed_in(client, manager)
    first = client.get("/whitespace/").content.decode()
    # session, user, levels, snapshot, families, pending rescore, the page's scores by id, the
    # columns and the page's cells lost to a competitor (live: one grouped query,
    # portfolio/competitor_losses.py): the total, the page's order and its cells come from the
    # cache.
    with django_assert_num_queries(9):
        again = client.get("/whitespace/").content.decode()
    assert again.count('<td class="cell ') == first.count('<td class="cell ') == 8 * 3

"""The accounts list's analytics columns: tier, play, score, white space, share of wallet, growth,
CLV and the cost-to-serve flag from the current snapshot, with filters and sorts on them."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from accountplan.book import models as m
from accountplan.core.models import User
from accountplan.core.templatetags.ui import signed_percent
from accountplan.portfolio.models import AccountScore, Snapshot
from accountplan.portfolio.services import analyze_now
from tests.factories import AccountFactory, OpportunityFactory, PurchaseLineFactory
from tests.portfolio_web.conftest import AS_OF, make_book
from tests.web.conftest import signed_in

URL = "/accounts/"

#: Context annotation → AccountScore field.
COLUMNS = {
    "pf_tier": "tier",
    "pf_play": "play",
    "pf_score": "potential_score",
    "pf_whitespace": "whitespace_value",
    "pf_sow": "share_of_wallet",
    "pf_growth": "growth",
    "pf_clv": "clv",
    "pf_cts_flag": "cost_to_serve_flag",
}


@pytest.fixture
def scored(db: None, manager: User, ae: User) -> Snapshot:
    """Eight accounts scored by the real service; Shop 03 costs more to serve than it earns,
    Shop 05 does not; four accounts bought in the previous window too, so growth is known."""
    accounts, products = make_book(manager, ae)
    for i, amount in ((2, 500), (3, 9000), (5, 4000), (6, 30000)):
        PurchaseLineFactory(
            account=accounts[i],
            product=products[0],
            date=dt.date(2023, 3, 1),
            amount=Decimal(amount),
        )
    m.Account.objects.filter(pk=accounts[3].pk).update(
        cost_to_serve=Decimal(9000), gross_margin=Decimal(1000)
    )
    m.Account.objects.filter(pk=accounts[5].pk).update(
        cost_to_serve=Decimal(100), gross_margin=Decimal(5000)
    )
    return analyze_now(as_of=AS_OF, trigger="test").snapshot


def rows(response: Any) -> list[Any]:
    return list(response.context["page_obj"].object_list)


def names(response: Any) -> list[str]:
    return [a.name for a in rows(response)]


def scores(snapshot: Snapshot) -> dict[str, AccountScore]:
    return {
        s.account.name: s
        for s in AccountScore.objects.filter(snapshot=snapshot).select_related("account")
    }


def test_columns_show_the_snapshot_figures(client: Client, manager: User, scored: Snapshot) -> None:
    response = signed_in(client, manager).get(URL)
    assert response.status_code == 200
    by_name = scores(scored)
    listed = rows(response)
    assert len(listed) == 8
    for account in listed:
        score = by_name[account.name]
        for column, field in COLUMNS.items():
            assert getattr(account, column) == getattr(score, field), (account.name, column)
    html = response.content.decode()
    assert f"Scores as of {AS_OF:%b} {AS_OF.day}, {AS_OF.year}" in html
    # A row renders its tier badge, play pill and score as the account card does.
    top = max(by_name.values(), key=lambda s: s.potential_score or -1)
    row = re.search(rf">{re.escape(top.account.name)}</a>.*?</tr>", html, re.S)
    assert row is not None
    assert f">T{top.tier}<" in row.group(0)
    assert f'play-pill q-{top.play}">{top.play}<' in row.group(0)
    assert f">{top.potential_score:.1f}<" in row.group(0)


def test_cost_to_serve_flag_marks_only_flagged_accounts(
    client: Client, manager: User, scored: Snapshot
) -> None:
    flagged = sorted(n for n, s in scores(scored).items() if s.cost_to_serve_flag)
    assert flagged == ["Shop 03"]
    html = signed_in(client, manager).get(URL).content.decode()
    assert html.count('data-testid="cts-flag"') == 1
    row = re.search(r">Shop 03</a>.*?</tr>", html, re.S)
    assert row is not None and 'data-testid="cts-flag"' in row.group(0)
    assert "Cost to serve $9,000 is above the gross margin $1,000" in row.group(0)


@pytest.mark.parametrize("tier", [1, 2, 3])
def test_filter_by_tier(client: Client, manager: User, scored: Snapshot, tier: int) -> None:
    expected = sorted(n for n, s in scores(scored).items() if s.tier == tier)
    response = signed_in(client, manager).get(URL, {"tier": tier})
    assert names(response) == expected
    assert all(a.pf_tier == tier for a in rows(response))


def test_tiers_partition_the_book(client: Client, manager: User, scored: Snapshot) -> None:
    client = signed_in(client, manager)
    seen = [n for t in (1, 2, 3) for n in names(client.get(URL, {"tier": t}))]
    assert sorted(seen) == names(client.get(URL))
    # The demo-sized book has more than one tier, so the filter really narrows.
    assert len({s.tier for s in scores(scored).values()}) > 1


@pytest.mark.parametrize("play", ["Expand", "Penetrate", "Nurture", "Manage"])
def test_filter_by_play(client: Client, manager: User, scored: Snapshot, play: str) -> None:
    expected = sorted(n for n, s in scores(scored).items() if s.play == play)
    assert names(signed_in(client, manager).get(URL, {"play": play})) == expected


def test_filter_unscored_play_lists_accounts_without_a_play(
    client: Client, manager: User, scored: Snapshot
) -> None:
    # Imported after the run: not in the snapshot, so no play.
    AccountFactory(name="Newcomer", owner=manager)
    response = signed_in(client, manager).get(URL, {"play": "none"})
    assert names(response) == ["Newcomer"]
    html = response.content.decode()
    row = re.search(r">Newcomer</a>.*?</tr>", html, re.S)
    assert row is not None
    assert 'data-testid="score">—<' in row.group(0)
    assert 'data-testid="clv" title="—">—<' in row.group(0)


@pytest.mark.parametrize(("cts", "expected_flag"), [("flagged", True), ("ok", False)])
def test_filter_by_cost_to_serve(
    client: Client, manager: User, scored: Snapshot, cts: str, expected_flag: bool
) -> None:
    expected = sorted(n for n, s in scores(scored).items() if s.cost_to_serve_flag is expected_flag)
    response = signed_in(client, manager).get(URL, {"cts": cts})
    assert names(response) == expected
    assert response.context["is_filtered"] is True


def test_filters_combine(client: Client, manager: User, ae: User, scored: Snapshot) -> None:
    by_name = scores(scored)
    tier = by_name["Shop 01"].tier
    expected = sorted(
        n for n, s in by_name.items() if s.tier == tier and s.account.owner_id == ae.pk
    )
    response = signed_in(client, manager).get(URL, {"tier": tier, "owner": ae.pk})
    assert names(response) == expected and "Shop 01" in expected


def sort_values(response: Any, column: str) -> list[Any]:
    return [getattr(a, column) for a in rows(response)]


@pytest.mark.parametrize(
    ("sort", "column"),
    [
        ("score", "pf_score"),
        ("whitespace", "pf_whitespace"),
        ("sow", "pf_sow"),
        ("growth", "pf_growth"),
        ("clv", "pf_clv"),
        ("tier", "pf_tier"),
    ],
)
@pytest.mark.parametrize("descending", [False, True])
def test_sorts_put_blanks_last(
    client: Client, manager: User, scored: Snapshot, sort: str, column: str, descending: bool
) -> None:
    AccountFactory(name="Newcomer", owner=manager)  # not in the snapshot: every figure blank
    key = f"-{sort}" if descending else sort
    response = signed_in(client, manager).get(URL, {"sort": key})
    values = sort_values(response, column)
    assert values[-1] is None and "Newcomer" in names(response)
    known = [v for v in values if v is not None]
    assert values[: len(known)] == known  # blanks only at the end
    assert known == sorted(known, reverse=descending)
    assert len(set(known)) > 1  # the order is not trivially constant


def test_sort_by_score_descending_lists_the_best_first(
    client: Client, manager: User, scored: Snapshot
) -> None:
    by_score = sorted(scores(scored).values(), key=lambda s: -(s.potential_score or 0))
    response = signed_in(client, manager).get(URL, {"sort": "-score"})
    assert names(response) == [s.account.name for s in by_score]
    assert re.search(
        r'aria-sort="descending"[^>]*><a href="[^"]*sort=score', response.content.decode()
    )


def test_sort_by_play_follows_the_grid_order(
    client: Client, manager: User, scored: Snapshot
) -> None:
    AccountFactory(name="Newcomer", owner=manager)
    response = signed_in(client, manager).get(URL, {"sort": "play"})
    plays = [a.pf_play or "" for a in rows(response)]
    order = {"Expand": 0, "Penetrate": 1, "Nurture": 2, "Manage": 3, "": 4}
    assert [order[p] for p in plays] == sorted(order[p] for p in plays)
    assert plays[-1] == "" and len(set(plays)) > 2


def test_pair_header_sorts_its_second_figure(
    client: Client, manager: User, scored: Snapshot
) -> None:
    html = signed_in(client, manager).get(URL, {"sort": "-growth", "tier": 3}).content.decode()
    header = re.search(r'<th[^>]*class="num sortable pair sorted"[^>]*>(.*?)</th>', html, re.S)
    assert header is not None
    links = re.findall(r'href="([^"]+)"', header.group(0))
    sow, growth = (link.replace("&amp;", "&") for link in links)
    assert "sort=-sow" in sow and "tier=3" in sow
    assert "sort=growth" in growth and "tier=3" in growth  # toggles to ascending
    assert "▼" in header.group(0)


def test_ae_sees_only_their_accounts_scores(client: Client, ae: User, scored: Snapshot) -> None:
    by_name = scores(scored)
    response = signed_in(client, ae).get(URL)
    assert names(response) == ["Shop 01", "Shop 04"]
    for account in rows(response):
        assert account.pf_score == by_name[account.name].potential_score
    # A filter never reaches past the AE's book, whatever tier the other accounts have.
    for tier in (1, 2, 3):
        assert set(names(signed_in(client, ae).get(URL, {"tier": tier}))) <= {
            "Shop 01",
            "Shop 04",
        }
    assert "Shop 03" not in response.content.decode()


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"tier": "9"}, "Ignored tier “9”"),
        ({"tier": "abc"}, "Ignored tier “abc”"),
        ({"play": "<b>Evil</b>"}, "Ignored play “&lt;b&gt;Evil&lt;/b&gt;”"),
        ({"cts": "maybe"}, "Ignored cost to serve “maybe”"),
        ({"sort": "-pf_score"}, "Ignored sort order “-pf_score”"),
    ],
)
def test_junk_score_filters_are_reported_not_500(
    client: Client, manager: User, scored: Snapshot, params: dict[str, str], notice: str
) -> None:
    response = signed_in(client, manager).get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert notice in html
    assert len(names(response)) == 8  # the ignored filter does not narrow the list
    assert "<b>Evil</b>" not in html


def test_without_a_snapshot_columns_are_blank_and_filters_hidden(
    client: Client, manager: User, db: None
) -> None:
    AccountFactory(name="Acme", owner=manager)
    response = signed_in(client, manager).get(URL, {"sort": "-score"})
    assert response.status_code == 200
    assert names(response) == ["Acme"]
    html = response.content.decode()
    assert "No scores yet" in html
    assert 'data-testid="no-scores-note"' in html
    assert 'name="tier"' not in html and 'name="play"' not in html and 'name="cts"' not in html
    row = re.search(r">Acme</a>.*?</tr>", html, re.S)
    assert row is not None
    assert 'data-testid="score">—<' in row.group(0)
    assert 'data-testid="tier-play"><span class="muted">—</span>' in row.group(0)


def test_without_a_snapshot_score_filters_are_ignored_with_a_note(
    client: Client, manager: User, db: None
) -> None:
    AccountFactory(name="Acme", owner=manager)
    response = signed_in(client, manager).get(URL, {"tier": "1", "play": "Expand"})
    assert response.status_code == 200
    assert names(response) == ["Acme"]
    html = response.content.decode()
    assert "Ignored tier “1”: no scores yet" in html
    assert "Ignored play “Expand”: no scores yet" in html


def test_list_uses_the_newest_product_level_snapshot(
    client: Client, manager: User, scored: Snapshot
) -> None:
    newer = analyze_now(as_of=AS_OF, trigger="test").snapshot
    family = analyze_now(as_of=AS_OF, level="family", trigger="test").snapshot
    assert family.pk > newer.pk > scored.pk
    response = signed_in(client, manager).get(URL)
    assert response.context["snapshot"] == newer


def test_htmx_fragment_carries_the_scores(client: Client, manager: User, scored: Snapshot) -> None:
    response = signed_in(client, manager).get(
        URL, {"play": "Expand"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="account-results"')
    assert f"Scores as of {AS_OF:%b} {AS_OF.day}, {AS_OF.year}" in html
    expected = sorted(n for n, s in scores(scored).items() if s.play == "Expand")
    assert expected and all(name in html for name in expected)


def test_query_count_with_scores_is_pinned(
    client: Client, manager: User, scored: Snapshot, django_assert_num_queries: Any
) -> None:
    signed_in(client, manager)
    accounts = AccountFactory.create_batch(30, owner=manager)
    for account in accounts:
        OpportunityFactory.create_batch(2, account=account, owner=manager)
    # session, user, current snapshot, 4 filter option lists, count, page: the scores ride on
    # the page's query (a join on the snapshot's score rows), not one query per row.
    with django_assert_num_queries(9):
        response = client.get(URL, {"sort": "-score"})
    assert len(rows(response)) == 25
    assert [a.name for a in rows(response)[:8]] == sorted(
        scores(scored), key=lambda n: -(scores(scored)[n].potential_score or 0)
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.125, "+13%"), (-0.05, "−5%"), (0, "0%"), (0.001, "0%"), (None, "—"), ("", "—")],
)
def test_signed_percent(value: Any, text: str) -> None:
    assert signed_percent(value) == text

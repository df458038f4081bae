"""The accounts list's score columns in Chromium: htmx filters by tier and play, sorting by
score, and the same filters without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest

from accountplan.core.models import User
from accountplan.portfolio.models import AccountScore
from accountplan.portfolio.services import analyze_now
from tests.factories import PASSWORD
from tests.portfolio_web.conftest import AS_OF, make_book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def table_names(page: Any) -> list[str]:
    return page.locator("#account-results tbody td.name > a").all_inner_texts()


def scored_book(manager: User, ae: User) -> dict[str, AccountScore]:
    make_book(manager, ae)
    snapshot = analyze_now(as_of=AS_OF, trigger="test").snapshot
    return {
        s.account.name: s
        for s in AccountScore.objects.filter(snapshot=snapshot).select_related("account")
    }


def test_tier_and_play_filters_and_score_sort(
    login: Any, live_server: Any, manager: User, ae: User
) -> None:
    by_name = scored_book(manager, ae)
    page = login(manager)
    page.goto(f"{live_server.url}/accounts/")
    assert f"Scores as of {AS_OF:%b} {AS_OF.day}, {AS_OF.year}" in page.inner_text(
        "#account-results"
    )
    assert len(table_names(page)) == 8
    page.evaluate("window.__noReload = true")

    # Sort by score: the first click sorts descending, best potential first.
    page.click("#account-results th >> text=Score")
    page.wait_for_url(lambda url: "sort=-score" in url)
    best = max(by_name.values(), key=lambda s: s.potential_score or -1)
    page.wait_for_function(
        "name => document.querySelector('#account-results tbody td.name > a').innerText === name",
        arg=best.account.name,
    )
    first_row = page.locator("#account-results tbody tr").first
    assert first_row.locator("[data-testid=score]").inner_text() == f"{best.potential_score:.1f}"
    assert first_row.locator(".tier").inner_text() == f"T{best.tier}"

    # Filter by tier: htmx swaps the rows and keeps the sort.
    tier = best.tier
    expected = [
        s.account.name
        for s in sorted(by_name.values(), key=lambda s: -(s.potential_score or 0))
        if s.tier == tier
    ]
    page.select_option("select[name=tier]", str(tier))
    page.wait_for_url(lambda url: f"tier={tier}" in url and "sort=-score" in url)
    page.wait_for_function(
        "n => document.querySelectorAll('#account-results tbody tr').length === n",
        arg=len(expected),
    )
    assert table_names(page) == expected

    # Then by play as well: the best account's play keeps it in the list.
    page.select_option("select[name=play]", best.play)
    page.wait_for_url(lambda url: f"play={best.play}" in url)
    narrowed = [n for n in expected if by_name[n].play == best.play]
    page.wait_for_function(
        "n => document.querySelectorAll('#account-results tbody tr').length === n",
        arg=len(narrowed),
    )
    assert table_names(page) == narrowed
    assert page.evaluate("window.__noReload") is True


def test_score_filters_without_javascript(
    browser: Any, live_server: Any, manager: User, ae: User
) -> None:
    by_name = scored_book(manager, ae)
    play = next(s.play for s in by_name.values() if s.play)
    expected = sorted(n for n, s in by_name.items() if s.play == play)
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/login/?next=/accounts/")
        page.fill("input[name=username]", manager.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/accounts/")
        page.select_option("select[name=play]", play)
        page.click("text=Apply")
        page.wait_for_url(lambda url: f"play={play}" in url)
        assert table_names(page) == expected
        # The list fits a 1280px window: no horizontal scroll in the table.
        widths = page.evaluate(
            "(() => { const w = document.querySelector('#account-results .table-wrap');"
            " return [w.scrollWidth, w.clientWidth]; })()"
        )
        assert widths[0] <= widths[1]
    finally:
        context.close()

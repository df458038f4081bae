"""The prioritization grid in Chromium: the chart draws points, the counts match the list, clicks
open accounts."""

from __future__ import annotations

from typing import Any

import pytest

from accountplan.analytics.grid import PLAYS
from accountplan.core.models import User
from accountplan.portfolio.models import AccountScore
from tests.portfolio_web.conftest import ScoredBook, build_scored

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scored(transactional_db: None, manager: User, ae: User) -> ScoredBook:
    """The page tests' book, scored."""
    return build_scored(manager, ae)


def test_grid_draws_points_and_opens_accounts(
    login: Any, live_server: Any, manager: User, scored: ScoredBook
) -> None:
    page = login(manager)
    page.goto(f"{live_server.url}/grid/")
    page.wait_for_selector("#grid-chart[data-ready=true] svg")
    scored_count = AccountScore.objects.filter(snapshot=scored.snapshot, scored=True).count()
    points = page.locator("#grid-chart svg g.mark-symbol.role-mark path")
    assert points.count() == scored_count

    # Quadrant counts match the list behind each tab.
    for play in PLAYS:
        count = int(page.locator(f'[data-testid="count-{play}"]').inner_text())
        page.goto(f"{live_server.url}/grid/?play={play}")
        rows = page.locator('[data-testid="grid-list"] tbody tr')
        assert rows.count() == count

    # Clicking a list row's account opens it.
    page.goto(f"{live_server.url}/grid/?sort=name")
    first = page.locator('[data-testid="grid-list"] tbody td.name a').first
    name = first.inner_text()
    first.click()
    page.wait_for_url(lambda url: "/accounts/" in url)
    assert page.locator("h1").inner_text().startswith(name)

    # Clicking a point opens its account.
    page.goto(f"{live_server.url}/grid/")
    page.wait_for_selector("#grid-chart[data-ready=true] svg")
    page.locator("#grid-chart svg g.mark-symbol.role-mark path").first.click(force=True)
    page.wait_for_url(lambda url: "/accounts/" in url)
    assert page.locator("#portfolio").is_visible()

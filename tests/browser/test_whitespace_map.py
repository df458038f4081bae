"""The white space map in Chromium: colours by state, a filter narrows rows, a click opens the
account."""

from __future__ import annotations

from typing import Any

import pytest

from accountplan.core.models import User
from accountplan.portfolio.models import CellScore
from tests.portfolio_web.conftest import ScoredBook, build_scored

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scored(transactional_db: None, manager: User, ae: User) -> ScoredBook:
    """The page tests' book, scored."""
    return build_scored(manager, ae)


COLOURS = {"none": "rgb(255, 255, 255)", "full": "rgb(17, 17, 17)"}


def test_map_colours_filter_and_click(
    login: Any, live_server: Any, manager: User, scored: ScoredBook
) -> None:
    page = login(manager)
    page.goto(f"{live_server.url}/whitespace/")
    assert page.locator("#wsmap tbody tr").count() == 8
    cells = page.locator("#wsmap td.cell")
    assert cells.count() == 24
    seen: set[str] = set()
    for i in range(cells.count()):
        cell = cells.nth(i)
        state = (cell.get_attribute("class") or "").split()[1]
        colour = cell.evaluate("el => getComputedStyle(el).backgroundColor")
        if state in COLOURS:
            assert colour == COLOURS[state]
        else:  # partial: a grey, neither white nor black
            r, g, b = (int(x) for x in colour[colour.index("(") + 1 : -1].split(",")[:3])
            assert (r == g == b and 40 < r < 230) or "gradient" in cell.evaluate(
                "el => getComputedStyle(el).backgroundImage"
            )
        seen.add(state or "")
    assert {"none", "partial"} <= seen
    # Hovering loads the figures behind the cell and shows them beside it.
    tip = page.locator("#wsmap-tip")
    assert tip.is_hidden()
    cells.first.hover()
    tip.wait_for(state="visible")
    assert "Revenue R" in tip.inner_text() and "potential P" in tip.inner_text()
    assert cells.first.get_attribute("aria-describedby") == "wsmap-tip"
    page.mouse.move(0, 0)
    tip.wait_for(state="hidden")

    page.select_option("select[name=territory]", "East")
    page.click("form#map-filters button[type=submit]")
    page.wait_for_url(lambda url: "territory=East" in url)
    east = [a for a in scored.accounts if a.territory == "East"]
    assert page.locator("#wsmap tbody tr").count() == len(east)

    target = page.locator("#wsmap tbody tr").first
    name = target.locator("th.acct a").inner_text()
    target.locator("td.cell").nth(1).click()
    page.wait_for_url(lambda url: "/accounts/" in url)
    assert page.locator("h1").inner_text().startswith(name)
    assert page.locator("#portfolio").is_visible()
    assert CellScore.objects.filter(account__name=name).exists()

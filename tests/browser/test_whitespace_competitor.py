"""A cell lost to a competitor in Chromium: a visible marker whose label (who, when) leads the
cell's hover text, and a legend entry that explains it (issue 11 point 5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from accountplan.book.choices import OpportunityStatus
from accountplan.core import fmt
from accountplan.core.models import User
from tests.factories import OpportunityFactory
from tests.portfolio_web.conftest import ScoredBook, build_scored

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scored(transactional_db: None, manager: User, ae: User) -> ScoredBook:
    return build_scored(manager, ae)


def test_lost_cell_has_a_marker_and_its_label_in_the_hover(
    login: Any, live_server: Any, manager: User, scored: ScoredBook
) -> None:
    account, suite = scored.accounts[3], scored.products[0]
    OpportunityFactory(
        account=account, product=suite, status=OpportunityStatus.LOST, stage="Closed Lost",
        competitor="Globex", close_date=dt.date(2024, 4, 1), amount=Decimal(500),
    )  # fmt: skip
    page = login(manager)
    page.goto(f"{live_server.url}/whitespace/")
    mark = page.locator(f'#wsmap tr[data-account="{account.pk}"] i.mk.comp')
    assert mark.count() == 1
    label = f"Lost to Globex on {fmt.date(dt.date(2024, 4, 1))}"
    assert page.get_by_role("img", name=label).count() == 1
    # Drawn: a dark red corner, not an empty box.
    colour = mark.evaluate("el => getComputedStyle(el).borderTopColor")
    assert colour == "rgb(122, 39, 26)"
    cell = mark.locator("xpath=..")
    cell.hover()
    tip = page.locator("#wsmap-tip")
    tip.wait_for(state="visible")
    text = tip.inner_text()
    assert text.startswith(label) and "Revenue R" in text
    assert "lost to a competitor" in page.inner_text("#legend")

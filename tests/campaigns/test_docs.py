"""docs/campaigns.md's worked example, recomputed by the code."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from accountplan.book.choices import OpportunityStatus
from accountplan.campaigns import influence, results, services
from accountplan.campaigns.models import CampaignInfluence
from accountplan.core.models import User
from tests.factories import OpportunityFactory
from tests.portfolio_web.conftest import ScoredBook

pytestmark = pytest.mark.django_db
DOC = Path(__file__).resolve().parents[2] / "docs" / "campaigns.md"


def _example() -> list[str]:
    text = DOC.read_text()
    block = re.search(r"```text worked-example\n(.*?)```", text, re.S)
    assert block, "the worked example is missing from docs/campaigns.md"
    return block.group(1).strip().splitlines()


def test_the_worked_example_comes_out_of_the_code(scored: ScoredBook, marketer: User) -> None:
    data = {
        "name": "A", "play": "penetrate", "product_ids": [scored.products[1].pk], "families": [],
        "start_date": dt.date(2024, 7, 1), "end_date": dt.date(2024, 9, 30), "influence_days": 90,
    }  # fmt: skip
    a = services.launch(services.create_campaign(marketer, data), marketer, on=dt.date(2024, 7, 1))
    b = services.launch(
        services.create_campaign(marketer, {**data, "name": "B"}), marketer, on=dt.date(2024, 8, 1)
    )
    OpportunityFactory(
        account=scored.accounts[2], product=scored.products[1], amount=Decimal(9000),
        created_date=dt.date(2024, 8, 10), close_date=dt.date(2024, 9, 1),
        status=OpportunityStatus.WON, stage="Won",
    )  # fmt: skip
    influence.recompute(a)
    reached, influenced = results.windows(a)
    before = reached.before()
    lines = [
        f"reached window: {reached.start} – {reached.end}",
        f"influenced window: {influenced.start} – {influenced.end}",
        f"previous period of the reached window: {before.start} – {before.end}",
    ]
    names = {a.pk: "A", b.pk: "B"}
    for model in ("first_touch", "last_touch", "even"):
        for row in CampaignInfluence.objects.filter(model=model).order_by("campaign_id"):
            lines.append(
                f"{model}: {names[row.campaign_id]} {row.influence.normalize():f}% "
                f"{row.revenue_share}"
            )
    assert lines == _example()

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


def test_the_lift_example_comes_out_of_the_code() -> None:
    """docs/campaigns.md's lift example: each lift line is what ``results.lift`` gives for the
    group lines above it, and its written fractions give the same number."""
    text = DOC.read_text()
    block = re.search(r"```text lift-example\n(.*?)```", text, re.S)
    assert block, "the lift example is missing from docs/campaigns.md"
    groups: dict[str, tuple[int, int]] = {}
    checked = 0
    for line in block.group(1).strip().splitlines():
        g = re.fullmatch(r"(\w+): (\d+) accounts, (\d+) opened", line)
        if g:
            groups[g[1]] = (int(g[2]), int(g[3]))
            continue
        m = re.fullmatch(r"lift against (control|the previous period): .* = ([\d.]+)", line)
        assert m, line
        base = "control" if m[1] == "control" else "previous"
        (n_t, k_t), (n_b, k_b) = groups["target"], groups[base]
        got = results.lift(
            {"opened": k_t, "won": 0, "pipeline": 0, "revenue": 0}, n_t,
            {"opened": k_b, "won": 0, "pipeline": 0, "revenue": 0}, n_b,
        )["opened"]  # fmt: skip
        assert got == float(m[2])
        nums = [int(x) for x in re.findall(r"\((\d+) ÷ (\d+)\)", line) for x in x]
        assert round((nums[0] / nums[1]) / (nums[2] / nums[3]) - 1, 4) == float(m[2])
        checked += 1
    assert checked == 2

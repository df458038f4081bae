"""An account's explanation on read, from its stored score and its derived cells (the same text
``accountplan analyze --explain`` prints)."""

from __future__ import annotations

import dataclasses
from typing import Any

from accountplan.analytics.explain import explain_text, top_white_space
from accountplan.portfolio.cells import account_cells, snapshot_config
from accountplan.portfolio.models import AccountScore


def explain_score(score: AccountScore) -> str:
    """The reasoning behind one stored account score, as text."""
    from accountplan.portfolio.grid_data import thresholds

    snapshot = score.snapshot
    stored = snapshot.config or {}
    config = dataclasses.replace(
        snapshot_config(snapshot),
        tier1_min_percentile=float(stored.get("tier1_min_percentile", 90)),
        tier2_min_percentile=float(stored.get("tier2_min_percentile", 60)),
        clv_years=int(stored.get("clv_years", 5)),
        clv_discount_rate=float(stored.get("clv_discount_rate", 0.10)),
    )
    account = score.account
    row: dict[str, Any] = {
        f.name: getattr(score, f.name) for f in AccountScore._meta.concrete_fields
    }
    row |= {
        "account_id": account.pk,
        "account_name": account.name,
        "external_id": account.external_id,
        "play": score.play or None,
    }
    limits = thresholds(snapshot)
    cells = [dataclasses.asdict(c) for c in account_cells(snapshot, score)]
    medians = (limits.revenue, limits.score)
    return explain_text(row, score.score_parts, medians, top_white_space(cells), config)

"""The white space map's rows when its columns are narrowed (a family, or one product): ranked
and totalled by the white space of those columns, not of the whole account.

The account-level white space is stored per score; a family's or a product's is derived here
from the same small tables the cells come from (the peer rates of those items, the accounts'
size and the stored cells of those items only): W = Σ max(P − R, 0) over the filtered items.
One pass over the filter's scores and the filtered items' stored cells — columnar, no
explanation text — kept per snapshot, viewer scope, filter set and items (``grid_data.cached``),
so paging and re-sorting read the kept ranking, not the snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import QuerySet

from accountplan.analytics.frames import MONEY
from accountplan.analytics.potential import add_potential
from accountplan.analytics.wallet import add_state
from accountplan.portfolio import cells
from accountplan.portfolio.models import AccountScore, CellScore, Snapshot, SnapshotItem


@dataclass(frozen=True)
class Ranked:
    """One account's figures over the filtered columns."""

    score_id: int
    account_id: int
    name: str
    whitespace: Decimal
    revenue: Decimal
    potential_score: float | None


#: Sort keys the narrowed map orders by (as ``selectors.SCORE_SORTS``).
def _sort_key(sort: str) -> tuple[bool, Any]:
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    getters = {
        "whitespace": lambda r: r.whitespace,
        "revenue": lambda r: r.revenue,
        "score": lambda r: r.potential_score,
        "name": lambda r: r.name.casefold(),
    }
    return descending, getters.get(name, getters["whitespace"])


def rank(
    snapshot: Snapshot, scores: QuerySet[AccountScore], columns: Sequence[SnapshotItem], sort: str
) -> list[Ranked]:
    """The filter's accounts (``scores``, already scoped and filtered) ordered by ``sort`` over
    ``columns`` only: white space and revenue are those of the columns; blanks last, ties by
    name then score id."""
    rows = list(
        scores.order_by().values_list(
            "pk", "account_id", "peer_key", "size", "account__name", "potential_score"
        )
    )
    if not rows or not columns:
        return []
    item_keys = [c.item for c in columns]
    keys = pl.DataFrame(
        [(r[1], r[2] or None, r[3]) for r in rows],
        schema={"account_id": pl.Int64, "peer_key": pl.String, "size": MONEY},
        orient="row",
    )
    items = pl.DataFrame({"item": item_keys}, schema={"item": pl.String})
    rates = cells.rates_without_peers(snapshot).filter(
        pl.col("item").is_in(pl.Series(item_keys, dtype=pl.String).implode())
    )
    stored = pl.DataFrame(
        list(
            CellScore.objects.filter(
                snapshot=snapshot,
                item__in=item_keys,
                account_id__in=scores.order_by().values("account_id"),
            )
            .order_by()
            .values_list("account_id", "item", "current_revenue", "override")
        ),
        schema={
            "account_id": pl.Int64,
            "item": pl.String,
            "current_revenue": MONEY,
            "override": MONEY,
        },
        orient="row",
    )
    grid = (
        keys.join(items, how="cross")
        .join(stored, on=["account_id", "item"], how="left")
        .with_columns(pl.col("current_revenue").fill_null(pl.lit(0).cast(MONEY)))
    )
    config = cells.snapshot_config(snapshot)
    valued = add_state(add_potential(grid, rates, config), config)
    totals = valued.group_by("account_id").agg(
        pl.col("whitespace_value").sum().alias("w"), pl.col("current_revenue").sum().alias("r")
    )
    figures = {a: (w, r) for a, w, r in totals.iter_rows()}
    ranked = [
        Ranked(
            pk,
            account_id,
            name,
            Decimal(str(figures.get(account_id, (0, 0))[0] or 0)).quantize(Decimal("0.01")),
            Decimal(str(figures.get(account_id, (0, 0))[1] or 0)).quantize(Decimal("0.01")),
            score,
        )
        for pk, account_id, _, _, name, score in rows
    ]
    descending, key = _sort_key(sort)
    ranked.sort(key=lambda r: (r.name.casefold(), r.score_id))
    known = [r for r in ranked if key(r) is not None]
    known.sort(key=key, reverse=descending)
    return known + [r for r in ranked if key(r) is None]

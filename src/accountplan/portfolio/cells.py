"""Cells on read: any account's row of items, stored cells as computed and the others derived from
the snapshot's peer table and the account's size (``analytics.derive.expand``), with the
propensity of white cells from the account's stored look-alikes.

A page of the white space map costs a fixed number of queries whatever the book's size: the
page's scores, their stored cells, the peer rates of their groups, the items, and for propensity
the look-alikes' owned items and names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl

from accountplan.analytics.derive import expand
from accountplan.analytics.frames import MONEY, AnalysisConfig
from accountplan.analytics.potential import RATES_SCHEMA
from accountplan.book.models import Account
from accountplan.portfolio.models import AccountScore, CellScore, PeerRate, Snapshot, SnapshotItem

#: α of the propensity formula (analytics.propensity.PropensityParams.smoothing) and how many
#: look-alike names are shown beside a white cell.
SMOOTHING = 1.0
MAX_NAMED = 5


@dataclass
class Cell:
    """One cell as the pages show it (stored or derived): figures exact, as Decimals."""

    account_id: int
    item: str
    item_name: str
    family: str
    product_id: int | None
    current_revenue: Decimal
    previous_revenue: Decimal | None
    potential: Decimal | None
    potential_source: str
    peer_count: int
    peers: list[str]
    explanation: str
    state: str
    whitespace_value: Decimal | None
    open_opportunities: int
    open_amount: Decimal
    recent_lost: int
    propensity: float | None = None
    lookalikes: list[str] = field(default_factory=list)
    css: str = ""
    title: str = ""

    @property
    def expected_value(self) -> float | None:
        """Propensity × white-space value (None unless both are known)."""
        if self.propensity is None or self.whitespace_value is None:
            return None
        return self.propensity * float(self.whitespace_value)


def key_frames(
    scores: Sequence[AccountScore], columns: Sequence[SnapshotItem]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(account_id, peer_key, size) of ``scores`` and (item, item_name, family) of ``columns``:
    what deriving their cells joins on."""
    keys = pl.DataFrame(
        [(s.account_id, s.peer_key or None, s.size) for s in scores],
        schema={"account_id": pl.Int64, "peer_key": pl.String, "size": MONEY},
        orient="row",
    )
    item_frame = pl.DataFrame(
        [(c.item, c.item_name, c.family) for c in columns],
        schema={"item": pl.String, "item_name": pl.String, "family": pl.String},
        orient="row",
    )
    return keys, item_frame


def snapshot_config(snapshot: Snapshot) -> AnalysisConfig:
    """The settings a snapshot was computed with (what deriving its cells needs)."""
    c = snapshot.config or {}
    return AnalysisConfig(
        as_of=snapshot.as_of or dt.date.today(),
        window_months=snapshot.window_months,
        level=snapshot.level,  # type: ignore[arg-type]
        segment_field=c.get("segment_field", "industry"),
        size_field=c.get("size_field", "employees"),
        min_peers=int(c.get("min_peers", 5)),
        full_share=float(c.get("full_share", 0.8)),
    )


def items(snapshot: Snapshot, family: str = "") -> list[SnapshotItem]:
    """The snapshot's items (the map's columns) by family then name, one query."""
    qs = SnapshotItem.objects.filter(snapshot=snapshot)
    if family:
        qs = qs.filter(family=family)
    return list(qs.order_by("family", "item_name", "item"))


def rates_frame(snapshot: Snapshot, keys: set[str], item_keys: list[str] | None) -> pl.DataFrame:
    qs = PeerRate.objects.filter(snapshot=snapshot, peer_key__in=keys)
    if item_keys is not None:
        qs = qs.filter(item__in=item_keys)
    rows = [
        (
            r.peer_key or None,
            r.item,
            r.peer_count,
            r.segment_count,
            Decimal(r.rate) if r.rate else None,
            r.peer_segment or None,
            list(r.peers or []),
            r.peer_text or None,
        )
        for r in qs.order_by()
    ]
    return pl.DataFrame(rows, schema=RATES_SCHEMA, orient="row")


def rates_without_peers(snapshot: Snapshot) -> pl.DataFrame:
    """The snapshot's whole peer table without the peers' names and texts (what a cell's state
    and shade need), read once per finished snapshot and kept in the cache."""
    from accountplan.portfolio.grid_data import cached

    def compute() -> pl.DataFrame:
        rows: list[tuple[Any, ...]] = [
            (key or None, item, n, seg, Decimal(rate) if rate else None, peer_seg or None, [], None)
            for key, item, n, seg, rate, peer_seg in PeerRate.objects.filter(snapshot=snapshot)
            .order_by()
            .values_list("peer_key", "item", "peer_count", "segment_count", "rate", "peer_segment")
        ]
        return pl.DataFrame(rows, schema=RATES_SCHEMA, orient="row")

    return cached(snapshot, "rates-without-peers", compute)


def stored_frame(snapshot: Snapshot, ids: list[int], item_keys: list[str] | None) -> pl.DataFrame:
    qs = CellScore.objects.filter(snapshot=snapshot, account_id__in=ids)
    if item_keys is not None:
        qs = qs.filter(item__in=item_keys)
    rows = qs.order_by().values_list(
        "account_id",
        "item",
        "current_revenue",
        "previous_revenue",
        "open_opportunities",
        "open_amount",
        "recent_lost",
        "override",
    )
    schema: dict[str, Any] = {
        "account_id": pl.Int64,
        "item": pl.String,
        "current_revenue": MONEY,
        "previous_revenue": MONEY,
        "open_opportunities": pl.Int64,
        "open_amount": MONEY,
        "recent_lost": pl.Int64,
        "override": MONEY,
    }
    return pl.DataFrame(list(rows), schema=schema, orient="row")


def _propensity(
    snapshot: Snapshot, scores: Sequence[AccountScore], base: dict[str, float]
) -> dict[tuple[int, str], tuple[float, list[str]]]:
    """(account, item) → (propensity, look-alike names owning it) for the items the accounts'
    look-alikes own; any other white item has α × base_rate / (Σ similarity + α)."""
    looks = {s.account_id: [(int(o), float(sim)) for o, sim in s.lookalikes or []] for s in scores}
    others = {o for pairs in looks.values() for o, _ in pairs}
    if not others:
        return {}
    owned: dict[int, set[str]] = {}
    for account_id, item in (
        CellScore.objects.filter(snapshot=snapshot, account_id__in=others, current_revenue__gt=0)
        .order_by()
        .values_list("account_id", "item")
    ):
        owned.setdefault(account_id, set()).add(item)
    names = dict(Account.objects.filter(pk__in=others).values_list("pk", "name"))
    out: dict[tuple[int, str], tuple[float, list[str]]] = {}
    for account_id, pairs in looks.items():
        total = sum(sim for _, sim in pairs)
        hits: dict[str, list[tuple[int, float]]] = {}
        for other, sim in pairs:
            for item in owned.get(other, ()):
                hits.setdefault(item, []).append((other, sim))
        for item, owners in hits.items():
            num = sum(sim for _, sim in owners) + SMOOTHING * base.get(item, 0.0)
            value = min(max(num / (total + SMOOTHING), 0.0), 1.0)
            out[(account_id, item)] = (value, [names.get(o, "") for o, _ in owners[:MAX_NAMED]])
        out[(account_id, "")] = (total, [])  # the denominator, for items no look-alike owns
    return out


def derive_cells(
    snapshot: Snapshot,
    scores: Sequence[AccountScore],
    columns: Iterable[SnapshotItem] | None = None,
    with_propensity: bool = True,
) -> dict[int, dict[str, Cell]]:
    """account id → item → Cell for the accounts of ``scores`` (already scoped by the caller),
    over ``columns`` (every item of the snapshot when None)."""
    cols = list(columns) if columns is not None else items(snapshot)
    if not scores or not cols:
        return {}
    ids = [s.account_id for s in scores]
    item_keys = [c.item for c in cols]
    subset = item_keys if len(cols) < 500 else None
    keys, item_frame = key_frames(scores, cols)
    config = snapshot_config(snapshot)
    rates = rates_frame(snapshot, {s.peer_key for s in scores}, subset)
    stored = stored_frame(snapshot, ids, subset)
    frame = expand(keys, item_frame, rates, stored, config, snapshot.window_months is not None)
    by_item = {c.item: c for c in cols}
    base = {c.item: c.base_rate for c in cols}
    prop = _propensity(snapshot, scores, base) if with_propensity else {}
    out: dict[int, dict[str, Cell]] = {}
    for row in frame.iter_rows(named=True):
        col = by_item[row["item"]]
        cell = Cell(
            account_id=row["account_id"],
            item=row["item"],
            item_name=row["item_name"],
            family=row["family"] or "",
            product_id=col.product_id,
            current_revenue=row["current_revenue"],
            previous_revenue=row["previous_revenue"],
            potential=row["potential"],
            potential_source=row["potential_source"],
            peer_count=row["peer_count"] or 0,
            peers=list(row["peers"] or []),
            explanation=row["explanation"] or "",
            state=row["state"],
            whitespace_value=row["whitespace_value"],
            open_opportunities=row["open_opportunities"],
            open_amount=row["open_amount"],
            recent_lost=row["recent_lost"],
        )
        if with_propensity and cell.state == "none":
            found = prop.get((cell.account_id, cell.item))
            if found is not None:
                cell.propensity, cell.lookalikes = found
            else:
                total = prop.get((cell.account_id, ""), (0.0, []))[0]
                cell.propensity = SMOOTHING * base.get(cell.item, 0.0) / (total + SMOOTHING)
        out.setdefault(cell.account_id, {})[cell.item] = cell
    return out


def account_cells(snapshot: Snapshot, score: AccountScore) -> list[Cell]:
    """Every cell of one account, by family then name: derived once per finished snapshot and
    account (the account page, its plan and the API read the same row), then from the cache."""
    from accountplan.portfolio.grid_data import SCOPED_SECONDS, cached

    def compute() -> list[Cell]:
        cols = items(snapshot)
        cells = derive_cells(snapshot, [score], cols).get(score.account_id, {})
        return [cells[c.item] for c in cols if c.item in cells]

    return cached(snapshot, f"account-cells:{score.account_id}", compute, SCOPED_SECONDS)

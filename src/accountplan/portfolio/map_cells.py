"""The white space map's cells as the page draws them: a state and a shade, the deal markers
(and, added live by the view, the lost-to-a-competitor marker: ``competitor_losses``), nothing
else. The figures, explanation, peers and propensity behind one cell (its hover) are
derived on demand, one cell at a time (``views_cell.cell_detail``), not 5,000 per page.

A page of 50 accounts × 100 products is one ``expand`` of the page's accounts (a fixed number
of queries) and one pass over its rows as tuples; the cells' HTML is joined here, not by a
template loop, so a page costs milliseconds of Python rather than a template node per cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import polars as pl
from django.utils.safestring import SafeString, mark_safe

from accountplan.analytics.derive import expand
from accountplan.portfolio import cells
from accountplan.portfolio.models import AccountScore, Snapshot, SnapshotItem
from accountplan.portfolio.selectors import PARTIAL_SHADES

#: A cell's markers: an open opportunity, a deal lost recently.
OPEN_MARK = '<i class="mk open" aria-label="open opportunity"></i>'
LOST_MARK = '<i class="mk lost" aria-label="recently lost"></i>'
MISSING = '<td class="cell missing"></td>'


def shade_of(state: str, revenue: Decimal, potential: Decimal | None, full_share: float) -> str:
    """The CSS class of a cell: as ``selectors.shade`` for a whole cell."""
    if state in ("none", "full"):
        return state
    if not potential or potential <= 0:
        return "partial pu"
    ratio = float(revenue) / (float(potential) * (full_share or 0.8))
    step = min(PARTIAL_SHADES, max(1, int(ratio * PARTIAL_SHADES) + 1))
    return f"partial p{step}"


def map_cells(
    snapshot: Snapshot,
    scores: Sequence[AccountScore],
    columns: Sequence[SnapshotItem],
    full_share: float,
) -> dict[int, list[str]]:
    """account id → the HTML of each of its cells over ``columns``, in order (a ``missing``
    cell where the snapshot holds no cell). ``scores`` come scoped from
    ``account_scores(user, …)``. They depend on the snapshot alone (cached per page)."""
    if not scores or not columns:
        return {s.account_id: [] for s in scores}
    ids = [s.account_id for s in scores]
    item_keys = [c.item for c in columns]
    subset = item_keys if len(columns) < 500 else None
    # The peer table's part for these accounts' groups and these items (cached per snapshot).
    keys, item_frame = cells.key_frames(scores, columns)
    config = cells.snapshot_config(snapshot)
    wanted = pl.Series([s.peer_key or None for s in scores], dtype=pl.String).unique()
    rates = cells.rates_without_peers(snapshot).filter(
        pl.col("peer_key").is_in(wanted.implode(), nulls_equal=True)
        & pl.col("item").is_in(pl.Series(item_keys, dtype=pl.String).implode())
    )
    stored = cells.stored_frame(snapshot, ids, subset)
    frame = expand(
        keys, item_frame, rates, stored, config, snapshot.window_months is not None
    ).select(
        "account_id",
        "item",
        "state",
        "current_revenue",
        "potential",
        "open_opportunities",
        "recent_lost",
    )
    found: dict[int, dict[str, str]] = {}
    for account_id, item, state, revenue, potential, open_n, lost_n in frame.iter_rows():
        css = shade_of(state, revenue, potential, full_share)
        marks = (OPEN_MARK if open_n else "") + (LOST_MARK if lost_n else "")
        found.setdefault(account_id, {})[item] = f'<td class="cell {css}">{marks}</td>'
    # Only fixed class names and markers go into this HTML: no text from the book.
    return {
        account_id: [found.get(account_id, {}).get(i, MISSING) for i in item_keys]
        for account_id in ids
    }


def join_rows(
    cells_by_account: dict[int, list[str]],
    columns: Sequence[SnapshotItem],
    extra: dict[int, dict[str, str]] | None = None,
) -> dict[int, SafeString]:
    """account id → its row of cells as one HTML string, with ``extra`` markers (account → item
    → HTML built by ``format_html``, e.g. ``competitor_losses.mark_html``) added to their cells."""
    extra = extra or {}
    item_keys = [c.item for c in columns]
    out = {}
    for account_id, row in cells_by_account.items():
        marks = extra.get(account_id)
        if marks:
            row = [
                td[:-5] + marks[item] + "</td>" if item in marks else td
                for td, item in zip(row, item_keys, strict=True)
            ]
        out[account_id] = mark_safe("".join(row))  # noqa: S308 (fixed HTML and format_html marks)
    return out


def map_rows(
    snapshot: Snapshot,
    scores: Sequence[AccountScore],
    columns: Sequence[SnapshotItem],
    full_share: float,
) -> dict[int, SafeString]:
    """account id → the HTML of its row of cells over ``columns`` (no live markers)."""
    return join_rows(map_cells(snapshot, scores, columns, full_share), columns)

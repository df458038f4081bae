"""Suggested campaigns: for each play, the products with the most white space among that
quadrant's accounts in the current snapshot.

Set-based, like ``targeting``: Σ W over a quadrant's accounts for an item =
Σ over peer groups (Σ size of the quadrant's accounts in the group) × the group's rate
− the same for the accounts whose cell is stored + Σ stored W. Three grouped queries; the only
rows in Python are per (peer group, item).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from accountplan.campaigns.models import CampaignPlay
from accountplan.campaigns.targeting import cents, snapshot_for_targets
from accountplan.portfolio.models import AccountScore, CellScore, PeerRate, Snapshot, SnapshotItem


@dataclass(frozen=True)
class Suggestion:
    """A draft ready to launch: a play, a product and the white space it would address."""

    play: str
    quadrant: str
    item: str
    item_name: str
    family: str
    product_id: int | None
    whitespace: Decimal
    accounts: int


def suggestions(per_play: int = 3) -> list[Suggestion]:
    """The top ``per_play`` items by white space for each campaign play, computed once per
    finished snapshot (a few seconds at 100k accounts) and then read from the shared cache."""
    from accountplan.portfolio.grid_data import cached

    snapshot = snapshot_for_targets()
    if snapshot is None:
        return []
    return cached(
        snapshot, f"campaign-suggestions:{per_play}", lambda: _compute(snapshot, per_play)
    )


def _compute(snapshot: Snapshot, per_play: int) -> list[Suggestion]:
    items = {i.item: i for i in SnapshotItem.objects.filter(snapshot=snapshot)}
    out: list[Suggestion] = []
    for play in CampaignPlay:
        quadrant = play.quadrant
        scores = AccountScore.objects.filter(snapshot=snapshot, play=quadrant).order_by()
        n = scores.count()
        if not n:
            continue
        sizes = dict(
            scores.filter(size__isnull=False).values_list("peer_key").annotate(s=Sum("size"))
        )
        rates = {
            (key, item): Decimal(rate)
            for key, item, rate in PeerRate.objects.filter(
                snapshot=snapshot, peer_key__in=list(sizes), rate__gt=""
            ).values_list("peer_key", "item", "rate")
        }
        totals: dict[str, Decimal] = {}
        for (key, item), rate in rates.items():
            totals[item] = totals.get(item, Decimal(0)) + Decimal(str(sizes[key])) * rate
        stored = (
            CellScore.objects.filter(
                snapshot=snapshot,
                account__portfolio_scores__snapshot=snapshot,
                account__portfolio_scores__play=quadrant,
            )
            .order_by()
            .values_list("item", "account__portfolio_scores__peer_key")
            .annotate(
                ws=Sum("whitespace_value"),
                size=Sum("account__portfolio_scores__size"),
                cells=Count("pk"),
            )
        )
        for item, key, ws, size, _cells in stored:
            derived = Decimal(str(size or 0)) * rates.get((key, item), Decimal(0))
            totals[item] = totals.get(item, Decimal(0)) - derived + Decimal(str(ws or 0))
        best = sorted(
            ((cents(v), k) for k, v in totals.items() if k in items and v > 0),
            key=lambda t: (-t[0], items[t[1]].item_name),
        )[:per_play]
        for value, item in best:
            col = items[item]
            out.append(
                Suggestion(
                    play.value, quadrant, item, col.item_name, col.family, col.product_id, value, n
                )
            )
    return out

"""Read helpers of the portfolio pages (white space map, grid, account card).

Every read starts from ``for_user``; each page runs a fixed number of queries whatever the number
of rows (one query for a page's cells).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from accountplan.analytics.grid import PLAYS
from accountplan.book.models import Account, Contact, Product
from accountplan.core import fmt
from accountplan.portfolio import cells, competitor_losses
from accountplan.portfolio.cells import Cell
from accountplan.portfolio.models import AccountScore, Snapshot, SnapshotItem, SnapshotStatus

if TYPE_CHECKING:
    from accountplan.core.models import User

#: Sort keys of the map and the grid's list → order_by field (descending by default for figures).
SCORE_SORTS: dict[str, str] = {
    "whitespace": "whitespace_value",
    "name": "account__name",
    "revenue": "current_revenue",
    "score": "potential_score",
    "tier": "tier",
}
#: The shades of partial cells: R/P as a share of the "full" threshold, in quarters.
PARTIAL_SHADES = 4


def current_snapshot(level: str | None = None) -> Snapshot | None:
    """The newest finished snapshot (of ``level`` when given), or None."""
    found: Snapshot | None = Snapshot.objects.current(level=level)
    return found


def available_levels() -> list[str]:
    """The levels ("product", "family") that have a finished snapshot."""
    levels = set(
        Snapshot.objects.filter(status=SnapshotStatus.DONE)
        .order_by()
        .values_list("level", flat=True)
        .distinct()
    )
    return [lv for lv in ("product", "family") if lv in levels]


def pending_rescore() -> Snapshot | None:
    """The newest queued or running snapshot, if a rescore is under way.

    A run that stopped giving signs of life (killed midway) is marked failed before the answer,
    so a dead run is never announced as in progress. Every page asks, so the common case stays
    one query: the stale runs are failed only when the newest pending run is one of them.
    """
    from accountplan.portfolio.services import fail_stale_snapshots, is_stale

    pending = Snapshot.objects.filter(status__in=[SnapshotStatus.QUEUED, SnapshotStatus.RUNNING])
    found: Snapshot | None = pending.order_by("-pk").first()
    if found is not None and is_stale(found):
        fail_stale_snapshots()
        found = pending.order_by("-pk").first()
    return found


@dataclass
class ScoreFilters:
    """Filters shared by the map and the grid (empty values do not filter)."""

    owner: int | None = None
    territory: str = ""
    segment: str = ""
    industry: str = ""
    tier: int | None = None
    play: str = ""
    q: str = ""


def account_scores(user: User, snapshot: Snapshot) -> QuerySet[AccountScore]:
    """The snapshot's scores of the accounts ``user`` may see, with account and owner."""
    return (
        AccountScore.objects.for_user(user)
        .filter(snapshot=snapshot)
        .select_related("account", "account__owner")
    )


def filter_scores(qs: QuerySet[AccountScore], f: ScoreFilters) -> QuerySet[AccountScore]:
    """Narrow scores by the account's owner, territory, segment, industry and by tier and play."""
    if f.owner is not None:
        qs = qs.filter(account__owner_id=f.owner)
    if f.territory:
        qs = qs.filter(account__territory=f.territory)
    if f.segment:
        qs = qs.filter(account__segment=f.segment)
    if f.industry:
        qs = qs.filter(account__industry=f.industry)
    if f.tier is not None:
        qs = qs.filter(tier=f.tier)
    if f.play == "none":
        qs = qs.filter(play="")
    elif f.play:
        qs = qs.filter(play=f.play)
    if f.q:
        qs = qs.filter(Q(account__name__icontains=f.q) | Q(account__external_id__icontains=f.q))
    return qs


def order_scores(qs: QuerySet[AccountScore], sort: str) -> QuerySet[AccountScore]:
    """Order by a sort key such as ``-whitespace``; blanks last, ties by name then pk."""
    descending = sort.startswith("-")
    name = SCORE_SORTS[sort.lstrip("-")]
    first = F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
    return qs.order_by(first, "account__name", "pk")


def families(snapshot: Snapshot) -> list[str]:
    """The product families of a snapshot's items ("" when the item has no family)."""
    return sorted(
        set(SnapshotItem.objects.filter(snapshot=snapshot).values_list("family", flat=True))
    )


@dataclass(frozen=True)
class Column:
    """One column of the map: a product (or family) of the snapshot."""

    item: str
    name: str
    family: str


def columns(snapshot: Snapshot, family: str = "") -> list[SnapshotItem]:
    """The snapshot's items (every account has every item), by family then name (one query)."""
    return cells.items(snapshot, family)


def cells_by_account(
    user: User, snapshot: Snapshot, scores: Sequence[AccountScore], family: str = ""
) -> dict[int, dict[str, Cell]]:
    """account id → item → cell for the given scores: stored cells and derived ones, in a fixed
    number of queries. ``scores`` come from ``account_scores(user, …)``, so already scoped."""
    del user  # the scores carry the scoping
    return cells.derive_cells(snapshot, scores, cells.items(snapshot, family))


def shade(cell: Cell, full_share: float) -> str:
    """The cell's CSS class: ``none``, ``full``, ``partial pN`` (N = 1..4, darker = closer to
    full, by R/P against the full threshold) or ``partial pu`` when P is unknown."""
    if cell.state == "none":
        return "none"
    if cell.state == "full":
        return "full"
    if not cell.potential or cell.potential <= 0:
        return "partial pu"
    ratio = float(cell.current_revenue) / (float(cell.potential) * (full_share or 0.8))
    step = min(PARTIAL_SHADES, max(1, int(ratio * PARTIAL_SHADES) + 1))
    return f"partial p{step}"


def _money(value: float | Decimal | None) -> str:
    return "unknown" if value is None else fmt.money(value)


def cell_title(account_name: str, cell: Cell, peer_limit: int = 12) -> str:
    """The hover text of a cell: R, P, W, the state, the potential's explanation and its peers."""
    lines = [
        f"{account_name} × {cell.item_name}",
        f"Revenue R {_money(cell.current_revenue)} · potential P {_money(cell.potential)} · "
        f"white space W {_money(cell.whitespace_value)}",
        f"State: {cell.state}"
        + (
            f" (R/P {float(cell.current_revenue / cell.potential):.0%})"
            if cell.potential and cell.state != "none"
            else ""
        ),
    ]
    if cell.explanation:
        lines.append(f"P: {cell.explanation}")
    peers = list(cell.peers or [])
    if peers:
        more = f" and {cell.peer_count - peer_limit:,} more" if cell.peer_count > peer_limit else ""
        lines.append("Peers: " + ", ".join(peers[:peer_limit]) + more)
    if cell.open_opportunities:
        lines.append(f"Open opportunities: {cell.open_opportunities} ({_money(cell.open_amount)})")
    if cell.recent_lost:
        lines.append(f"Lost recently: {cell.recent_lost}")
    if cell.propensity is not None and cell.state == "none":
        lines.append(f"Propensity: {cell.propensity:.0%}")
    return "\n".join(lines)


# --- grid ----------------------------------------------------------------------------------------


def primary_contacts(user: User) -> Subquery:
    """A subquery: the account's primary contact ("First Last, title") — a contact who is primary
    on one of its deals, else the first contact by last name."""
    first = (
        Contact.objects.for_user(user)
        .filter(account=OuterRef("account_id"))
        .order_by("-opportunity_roles__is_primary", "last_name", "first_name", "pk")
        .values("pk")[:1]
    )
    return Subquery(first)


def contact_labels(user: User, contact_ids: Iterable[int | None]) -> dict[int, str]:
    """contact id → "First Last (title) <email>" for the given ids (one query)."""
    ids = [c for c in contact_ids if c]
    out: dict[int, str] = {}
    for c in Contact.objects.for_user(user).filter(pk__in=ids).order_by():
        label = f"{c.first_name} {c.last_name}".strip()
        if c.title:
            label += f" ({c.title})"
        if c.email:
            label += f" <{c.email}>"
        out[c.pk] = label
    return out


def item_names(snapshot: Snapshot) -> dict[str, str]:
    """item → its display name in a snapshot (one query)."""
    return dict(SnapshotItem.objects.filter(snapshot=snapshot).values_list("item", "item_name"))


def product_map_link(product: Product) -> str | None:
    """The white space map filtered to ``product`` (its column, rows ranked by its white space)
    in the current product-level snapshot; None when no snapshot holds it (one query)."""
    snapshot = current_snapshot("product")
    if snapshot is None:
        return None
    item = (
        SnapshotItem.objects.filter(snapshot=snapshot, product=product)
        .values_list("item", flat=True)
        .first()
    )
    if item is None:
        return None
    return f"{reverse('portfolio:whitespace')}?{urlencode({'level': 'product', 'item': item})}"


# --- account card --------------------------------------------------------------------------------


@dataclass
class AccountPortfolio:
    """What the account page's Portfolio card shows."""

    snapshot: Snapshot | None
    score: AccountScore | None = None
    cells: list[Cell] = field(default_factory=list)
    next_best: list[Cell] = field(default_factory=list)
    campaign: str = ""
    full_share: float = 0.8
    #: item → the competitors the cell was lost to (``competitor_losses``), latest first.
    lost_to_competitor: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def used_parts(self) -> list[dict[str, Any]]:
        """The score's attributes with a value (each with its percentile and weight)."""
        return [p for p in (self.score.score_parts if self.score else []) if p.get("used")]

    @property
    def row_html(self) -> SafeString:
        """The white space row: one square per cell (state, shade, hover text, deal markers),
        written here rather than by a template loop over a hundred cells."""
        marks = {(False, False): "", (True, False): '<i class="mk open"></i>'}
        marks[(False, True)] = '<i class="mk lost"></i>'
        marks[(True, True)] = marks[(True, False)] + marks[(False, True)]
        lost = self.lost_to_competitor
        return format_html_join(
            "",
            '<span class="cell {}" data-state="{}" title="{}">{}{}</span>',
            (
                (
                    c.css,
                    c.state,
                    c.title
                    + (f"\n{competitor_losses.label(lost[c.item])}" if c.item in lost else ""),
                    mark_safe(marks[(bool(c.open_opportunities), bool(c.recent_lost))]),  # noqa: S308 (constants)
                    mark_safe(competitor_losses.mark_html(lost[c.item]) if c.item in lost else ""),  # noqa: S308 (format_html)
                )
                for c in self.cells
            ),
        )

    @property
    def missing(self) -> list[str]:
        """The labels of the attributes with no value for this account."""
        return [
            m.strip()
            for m in (self.score.missing_attributes if self.score else "").split(",")
            if m.strip()
        ]


def account_portfolio(user: User, account: Account) -> AccountPortfolio:
    """The current snapshot's figures of one visible account: score, cells, next best."""
    snapshot = current_snapshot()
    if snapshot is not None and snapshot.level != "product":
        snapshot = current_snapshot("product") or snapshot
    if snapshot is None:
        return AccountPortfolio(snapshot=None)
    score = (
        AccountScore.objects.for_user(user)
        .filter(snapshot=snapshot, account=account)
        .select_related("snapshot")
        .first()
    )
    full_share = float((snapshot.config or {}).get("full_share") or 0.8)
    row = [] if score is None else cells.account_cells(snapshot, score)
    for c in row:
        c.css = shade(c, full_share)
        c.title = cell_title(account.name, c)
    by_item = {c.item: c for c in row}
    lost = competitor_losses.lost_to_competitor([account.pk], list(by_item), snapshot.level)
    best = [by_item[i] for i in (score.next_best if score else []) if i in by_item]
    return AccountPortfolio(
        snapshot=snapshot,
        score=score,
        cells=row,
        next_best=best,
        campaign=PLAYS.get(score.play, "") if score else "",
        full_share=full_share,
        lost_to_competitor=lost.get(account.pk, {}),
    )

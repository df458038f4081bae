"""JSON endpoints of portfolio analytics, read from the current (newest finished) snapshot.

Every row is scoped through ``for_user``: an account executive sees only their accounts' scores
and cells; an account they may not see answers 404.
"""

import statistics
from typing import Any

from django.db.models import F, QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from accountplan.core.api_auth import api_user
from accountplan.core.api_common import (
    AUTH_ERRORS,
    DETAIL_ERRORS,
    ErrorOut,
    FilterText,
    LimitOffset,
    ObjectId,
)
from accountplan.core.errors import NotFound
from accountplan.portfolio.models import AccountScore, CellScore, Snapshot
from accountplan.portfolio.schemas import (
    AccountExplainedOut,
    AccountScoreOut,
    AccountSortKey,
    CellOut,
    GridOut,
    PlayChoice,
    SnapshotOut,
    StateChoice,
)
from accountplan.portfolio.services import request_rescore

router = Router(tags=["analytics"])

NO_SNAPSHOT = (
    "No finished analytics snapshot yet: run `accountplan analyze --out DIR`, or POST "
    "/api/analytics/rescore and wait for the worker."
)
SNAPSHOT_ERRORS: dict[int, Any] = {**AUTH_ERRORS, 404: ErrorOut}


def _current() -> Snapshot:
    snapshot = Snapshot.objects.current()
    if snapshot is None:
        raise NotFound(NO_SNAPSHOT)
    return snapshot


@router.get(
    "/analytics/snapshot",
    response={200: SnapshotOut, **SNAPSHOT_ERRORS},
    summary="The current analytics snapshot",
)
def current_snapshot(request: HttpRequest) -> Snapshot:
    """The newest finished snapshot: as-of date, window, level, when it was computed, counts."""
    api_user(request)
    return _current()


@router.get(
    "/analytics/snapshots/{snapshot_id}",
    response={200: SnapshotOut, **DETAIL_ERRORS},
    summary="A snapshot's status",
)
def get_snapshot(request: HttpRequest, snapshot_id: ObjectId) -> Snapshot:
    """Any kept snapshot, queued, running, done or failed (poll it after a rescore)."""
    api_user(request)
    snapshot = Snapshot.objects.filter(pk=snapshot_id).first()
    if snapshot is None:
        raise NotFound(f"Snapshot {snapshot_id} not found.")
    return snapshot


def _scores(request: HttpRequest, snapshot: Snapshot) -> QuerySet[AccountScore]:
    return (
        AccountScore.objects.for_user(api_user(request))
        .filter(snapshot=snapshot)
        .select_related("account")
    )


@router.get(
    "/analytics/accounts",
    response={200: list[AccountScoreOut], **SNAPSHOT_ERRORS},
    summary="Account scores",
)
@paginate(LimitOffset)
def list_account_scores(
    request: HttpRequest,
    play: PlayChoice | None = None,
    tier: int | None = None,
    owner: FilterText | None = None,
    territory: FilterText | None = None,
    segment: FilterText | None = None,
    industry: FilterText | None = None,
    sort: AccountSortKey = AccountSortKey.WHITESPACE,
) -> QuerySet[AccountScore]:
    """Scores of the accounts the caller may see, highest first by ``sort`` (ties by name)."""
    qs = _scores(request, _current())
    if play is not None:
        qs = qs.filter(play=play.value)
    if tier is not None:
        qs = qs.filter(tier=tier)
    if owner:
        qs = qs.filter(account__owner__username__iexact=owner)
    if territory:
        qs = qs.filter(account__territory__iexact=territory)
    if segment:
        qs = qs.filter(account__segment__iexact=segment)
    if industry:
        qs = qs.filter(account__industry__iexact=industry)
    return qs.order_by(F(sort.value).desc(nulls_last=True), "account__name", "pk")


@router.get(
    "/analytics/accounts/{account_id}",
    response={200: AccountExplainedOut, **DETAIL_ERRORS},
    summary="An account's score and its explanation",
)
def get_account_score(request: HttpRequest, account_id: ObjectId) -> AccountScore:
    """One account's figures, score parts, play, tier and the reasoning behind them."""
    score = _scores(request, _current()).filter(account_id=account_id).first()
    if score is None:
        raise NotFound(f"Account {account_id} not found in the current snapshot.")
    return score


@router.get(
    "/analytics/cells",
    response={200: list[CellOut], **SNAPSHOT_ERRORS},
    summary="White-space cells",
)
@paginate(LimitOffset)
def list_cells(
    request: HttpRequest,
    account: ObjectId | None = None,
    item: FilterText | None = None,
    state: StateChoice | None = None,
    family: FilterText | None = None,
) -> QuerySet[CellScore]:
    """Cells of the accounts the caller may see, biggest white-space value first."""
    qs = (
        CellScore.objects.for_user(api_user(request))
        .filter(snapshot=_current())
        .select_related("account")
    )
    if account is not None:
        qs = qs.filter(account_id=account)
    if item:
        qs = qs.filter(item=item)
    if state is not None:
        qs = qs.filter(state=state.value)
    if family:
        qs = qs.filter(family__iexact=family)
    return qs.order_by(F("whitespace_value").desc(nulls_last=True), "account__name", "item", "pk")


@router.get(
    "/analytics/grid",
    response={200: GridOut, **SNAPSHOT_ERRORS},
    summary="The prioritization grid",
)
def grid(request: HttpRequest) -> dict[str, Any]:
    """Scored accounts the caller may see as points, the thresholds and counts per play.

    The thresholds are those of the whole book (medians over all accounts), so an account
    executive's points sit exactly where they do on the manager's grid.
    """
    snapshot = _current()
    rows = list(
        _scores(request, snapshot)
        .order_by("account__name", "pk")
        .values_list("account_id", "account__name", "current_revenue", "potential_score", "play")
    )
    book = list(
        AccountScore.objects.filter(snapshot=snapshot).values_list(
            "current_revenue", "potential_score"
        )
    )
    revenues = [r for r, _s in book]
    scores = [s for _r, s in book if s is not None]
    counts = {p.value: 0 for p in PlayChoice}
    points = []
    unscored = 0
    for account_id, name, revenue, score, play in rows:
        if score is None or not play:
            unscored += 1
            continue
        counts[play] += 1
        points.append(
            {
                "account_id": account_id,
                "account_name": name,
                "current_revenue": revenue,
                "potential_score": score,
                "play": play,
            }
        )
    return {
        "snapshot_id": snapshot.pk,
        # The medians the grid splits at, over the whole book (equal to the median is high).
        "revenue_threshold": statistics.median(revenues) if revenues else None,
        "score_threshold": statistics.median(scores) if scores else None,
        "counts": counts,
        "unscored": unscored,
        "points": points,
    }


@router.post(
    "/analytics/rescore",
    response={202: SnapshotOut, 403: ErrorOut, **AUTH_ERRORS},
    summary="Queue a rescore",
)
def rescore(request: HttpRequest) -> tuple[int, Snapshot]:
    """Queue a rescore of the whole book for the background worker (managers and admins)."""
    return 202, request_rescore(api_user(request))

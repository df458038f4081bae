"""JSON endpoints of portfolio analytics, read from the current (newest finished) snapshot.

Every row is scoped through ``for_user``: an account executive sees only their accounts' scores
and cells; an account they may not see answers 404.
"""

import dataclasses
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder as JSONEncoder
from django.db.models import F, QuerySet
from django.db.models.functions import Mod
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
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
from accountplan.core.models import User
from accountplan.portfolio import cells, grid_data
from accountplan.portfolio.models import (
    AccountScore,
    CellScore,
    Scorecard,
    Snapshot,
    SnapshotItem,
)
from accountplan.portfolio.schemas import (
    AccountExplainedOut,
    AccountScoreOut,
    AccountSortKey,
    CellOut,
    GridOut,
    PlayChoice,
    ScorecardIn,
    ScorecardOut,
    SnapshotOut,
    StateChoice,
)
from accountplan.portfolio.scorecard import (
    ATTRIBUTE_KEYS,
    FLAT_FIELDS,
    ScorecardError,
    get_scorecard,
    peer_warning,
    segment_field,
    update_scorecard,
    weights,
)
from accountplan.portfolio.scorecard import NAMES as SETTING_NAMES
from accountplan.portfolio.services import enqueue_rescore, request_rescore

router = Router(tags=["analytics"])

#: The most grid points one API call returns.
MAX_GRID_POINTS = 5_000
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
        .select_related("account", "snapshot")
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


def _cell_out(cell: cells.Cell, account_name: str) -> dict[str, Any]:
    out = dataclasses.asdict(cell)
    return out | {"account_name": account_name, "expected_value": cell.expected_value}


class CellPage:
    """A list of cells the paginator slices: stored cells are derived in full only for the page
    it takes (one fixed set of queries per page), never for the whole book."""

    def __init__(
        self,
        snapshot: Snapshot,
        qs: QuerySet[CellScore] | None,
        columns: list[SnapshotItem],
        rows: list[Any],
    ):
        self.snapshot, self.qs, self.columns, self.rows = snapshot, qs, columns, rows

    def count(self) -> int:
        return self.qs.count() if self.qs is not None else len(self.rows)

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        if self.qs is None:
            return self.rows[window]
        page = list(self.qs.values_list("account_id", "item")[window])
        ids = {a for a, _ in page}
        scores = list(
            AccountScore.objects.filter(snapshot=self.snapshot, account_id__in=ids).select_related(
                "account", "snapshot"
            )
        )
        names = {s.account_id: s.account.name for s in scores}
        wanted = {i for _, i in page}
        derived = cells.derive_cells(
            self.snapshot, scores, [c for c in self.columns if c.item in wanted]
        )
        return [_cell_out(derived[a][i], names[a]) for a, i in page if i in derived.get(a, {})]


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
) -> CellPage:
    """Cells of the accounts the caller may see, biggest white-space value first.

    With ``account``: every item of that account (the cells with no revenue are derived from the
    peer table). Without: the stored cells, those with revenue in either window, an open or
    recently lost deal, or an imported potential.
    """
    user = api_user(request)
    snapshot = _current()
    columns = [i for i in cells.items(snapshot) if not family or i.family.lower() == family.lower()]
    items = [i.item for i in columns]
    if account is not None:
        score = _scores(request, snapshot).filter(account_id=account).first()
        if score is None:
            raise NotFound(f"Account {account} not found in the current snapshot.")
        row = cells.account_cells(snapshot, score)
        row = [
            c
            for c in row
            if c.item in items
            and (not item or c.item == item)
            and (state is None or c.state == state.value)
        ]
        row.sort(key=lambda c: (-(c.whitespace_value or -1), c.item))
        return CellPage(snapshot, None, columns, [_cell_out(c, score.account.name) for c in row])
    qs = CellScore.objects.for_user(user).filter(snapshot=snapshot, item__in=items)
    if item:
        qs = qs.filter(item=item)
    if state is not None:
        qs = qs.filter(state=state.value)
    qs = qs.order_by(F("whitespace_value").desc(nulls_last=True), "account__name", "item", "pk")
    return CellPage(snapshot, qs, columns, [])


@router.get(
    "/analytics/grid",
    response={200: GridOut, **SNAPSHOT_ERRORS},
    summary="The prioritization grid",
)
def grid(
    request: HttpRequest,
    limit: int = Query(1000, ge=1, le=MAX_GRID_POINTS),
    offset: int = Query(0, ge=0),
    sample: bool = False,
) -> HttpResponse:
    """Scored accounts the caller may see as points, the thresholds and counts per play.

    The thresholds are those of the whole book (medians over all accounts), so an account
    executive's points sit exactly where they do on the manager's grid. Points come by account
    id, ``limit`` (at most 5,000) from ``offset``; ``points_total`` says how many there are.
    With ``sample=true`` they are instead an even sample of at most ``limit`` accounts (every
    n-th by id), as the grid page draws them. Thresholds and counts are computed once per
    snapshot (and per caller scope for a few minutes).
    """
    user = api_user(request)
    snapshot = _current()
    key = f"api-grid:{grid_data.scope(user)}:{limit}:{offset}:{sample}"
    body = grid_data.cached(
        snapshot,
        key,
        lambda: json.dumps(_grid(request, user, snapshot, limit, offset, sample), cls=JSONEncoder),
        grid_data.SCOPED_SECONDS,
    )
    # The same answer for the snapshot's life: sent as stored, not validated point by point.
    return HttpResponse(body, content_type="application/json")


def _grid(
    request: HttpRequest, user: User, snapshot: Snapshot, limit: int, offset: int, sample: bool
) -> dict[str, Any]:
    scores = _scores(request, snapshot)
    counts = grid_data.counts(snapshot, scores, grid_data.scope(user))
    limits = grid_data.thresholds(snapshot)
    plotted = scores.filter(potential_score__isnull=False).exclude(play="")
    total = sum(q.count for q in counts.quadrants)  # a play means a score: the points
    if sample and total > limit:
        step = -(-total // limit)
        plotted = plotted.alias(bucket=Mod(F("account_id"), step)).filter(bucket=0)
        window = slice(0, limit)
    else:
        window = slice(offset, offset + limit)
    rows = plotted.order_by("account_id").values_list(
        "account_id", "account__name", "current_revenue", "potential_score", "play"
    )[window]
    points = [
        {
            "account_id": account_id,
            "account_name": name,
            "current_revenue": revenue,
            "potential_score": score,
            "play": play,
        }
        for account_id, name, revenue, score, play in rows
    ]
    return {
        "snapshot_id": snapshot.pk,
        # The medians the grid splits at, over the whole book (equal to the median is high).
        "revenue_threshold": limits.revenue,
        "score_threshold": limits.score,
        "counts": {q.play: q.count for q in counts.quadrants},
        "unscored": counts.unscored,
        "points_total": total,
        "limit": limit,
        "offset": 0 if sample else offset,
        "sampled": sample and total > limit,
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


def _scorecard_out(card: Scorecard, user: User) -> dict[str, Any]:
    return {
        "weights": weights(card),
        "icp_industries": list(card.icp_industries or []),
        "icp_min_employees": card.icp_min_employees,
        "icp_max_employees": card.icp_max_employees,
        "icp_regions": list(card.icp_regions or []),
        "tier1_min_percentile": card.tier1_min_percentile,
        "full_share": card.full_share,
        "min_peers": card.min_peers,
        "peer_field": card.peer_field,
        # Counts over the whole book: only for those who see the whole book.
        "peer_field_warning": peer_warning(segment_field(card.peer_field))
        if user.sees_whole_book
        else None,
        "updated_at": card.updated_at,
    }


def _problem_loc(message: str) -> list[str | int]:
    """Where a scorecard problem is, in the API's field names: a message starts with the
    setting's name ("Growth weight ..." → weights, growth; "Minimum peers ..." → min_peers);
    the body itself when it names no field."""
    for flat, (section, key) in FLAT_FIELDS.items():
        if message.startswith(f"{SETTING_NAMES.get(f'{section}.{key}', f'{section}.{key}')} "):
            return ["body", flat]
    for key in ATTRIBUTE_KEYS:
        if message.startswith(f"{SETTING_NAMES[f'weights.{key}']} "):
            return ["body", "weights", key]
    return ["body"]


@router.get(
    "/analytics/scorecard",
    response={200: ScorecardOut, **AUTH_ERRORS},
    summary="The scorecard",
)
def get_scorecard_settings(request: HttpRequest) -> dict[str, Any]:
    """Weights, ideal customer profile, thresholds and peer group of the next rescores."""
    return _scorecard_out(get_scorecard(), api_user(request))


@router.patch(
    "/analytics/scorecard",
    response={200: ScorecardOut, 400: ErrorOut, 403: ErrorOut, **AUTH_ERRORS},
    summary="Change the scorecard",
)
def patch_scorecard(request: HttpRequest, body: ScorecardIn) -> Any:
    """Change the given settings (managers and admins) and queue a rescore; the same rules as
    the TOML file, every problem listed in a 422."""
    user = api_user(request)
    try:
        card = update_scorecard(user, body.model_dump(exclude_unset=True))
    except ScorecardError as exc:
        problems = exc.details if isinstance(exc.details, list) else [exc.message]
        return 422, {
            "detail": [
                {"type": "value_error", "loc": _problem_loc(str(m)), "msg": str(m)}
                for m in problems
            ]
        }
    enqueue_rescore(trigger="scorecard", user=user)
    return _scorecard_out(card, user)

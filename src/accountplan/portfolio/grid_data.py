"""What the prioritization grid shows, at any size of book: thresholds, counts per play and the
points, each with a cost that does not grow with the book on a repeat visit.

A finished snapshot never changes, so what is computed over it is cached under its
``cache_key``: the whole book's thresholds for as long as the snapshot lives, the visible
counts and points for a few minutes per viewer scope and filters (an account's owner or team
may change between two rescores). Beyond ``SAMPLE_POINTS`` scored accounts the chart draws an
even sample (every n-th account by id) and says so; ``?points=all`` draws them all.
"""

from __future__ import annotations

import hashlib
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.cache import caches
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Mod

from accountplan.analytics.grid import PLAYS
from accountplan.portfolio.charts import Point
from accountplan.portfolio.models import AccountScore, Snapshot

if TYPE_CHECKING:
    from accountplan.core.models import User

#: How many points the chart draws before it samples.
SAMPLE_POINTS = 1_000
#: How long the visible counts and points of one scope and filter set are reused (seconds).
SCOPED_SECONDS = 300
#: How long a process keeps its own copy of a cached entry (seconds).
LOCAL_SECONDS = 120
#: How long the whole book's figures of a finished snapshot are kept (seconds).
BOOK_SECONDS = 24 * 3600


def cached[T](
    snapshot: Snapshot, name: str, compute: Callable[[], T], seconds: int = BOOK_SECONDS
) -> T:
    """``compute()`` once per finished snapshot and ``name``; every call while it is not done.

    Looked up in this process's memory, then in the cache every process shares (where the
    worker's warming and other processes put theirs), then computed and put in both. The
    process keeps its copy ``LOCAL_SECONDS`` at most, so a shared entry's expiry reaches it soon.
    """
    base = snapshot.cache_key
    if base is None:
        return compute()
    key = f"{base}:{hashlib.sha256(name.encode()).hexdigest()}"
    local, shared = caches["default"], caches["shared"]
    found = local.get(key)
    if found is None:
        found = shared.get(key)
        if found is None:
            found = compute()
            shared.set(key, found, seconds)
        local.set(key, found, min(seconds, LOCAL_SECONDS))
    return found


def forget() -> None:
    """Empty both levels of the cache (this process's and the shared one)."""
    caches["default"].clear()
    caches["shared"].clear()


def scope(user: User) -> str:
    """The part of a cache key that says which accounts the user sees."""
    return "book" if user.sees_whole_book else f"user:{user.pk}"


@dataclass(frozen=True)
class Thresholds:
    """The grid's thresholds, computed over the WHOLE book of the snapshot."""

    revenue: float | None
    score: float | None


def thresholds(snapshot: Snapshot) -> Thresholds:
    """Median current revenue of all accounts, median score of the scored ones (one query,
    once per snapshot)."""

    def compute() -> Thresholds:
        revenue: list[Any] = []
        scores: list[float] = []
        rows = (
            AccountScore.objects.filter(snapshot=snapshot)
            .order_by()
            .values_list("current_revenue", "potential_score")
        )
        for r, s in rows.iterator(chunk_size=20_000):
            revenue.append(r)
            if s is not None:
                scores.append(s)
        return Thresholds(
            revenue=statistics.median(revenue) if revenue else None,
            score=statistics.median(scores) if scores else None,
        )

    return cached(snapshot, "thresholds", compute)


@dataclass
class Quadrant:
    """A play of the grid with its campaign and how many visible accounts fall in it."""

    play: str
    campaign: str
    count: int = 0


@dataclass(frozen=True)
class Counts:
    """Visible accounts per play, the unscored ones and all of them."""

    quadrants: list[Quadrant]
    unscored: int
    total: int


def counts(snapshot: Snapshot, qs: QuerySet[AccountScore], key: str) -> Counts:
    """Counts per play of ``qs`` (one grouped query on the snapshot's play index, cached)."""

    def compute() -> Counts:
        by_play = {play: Quadrant(play, text) for play, text in PLAYS.items()}
        unscored = total = 0
        for play, n in qs.order_by().values_list("play").annotate(n=Count("pk")):
            total += n
            if play in by_play:
                by_play[play].count += n
            else:
                unscored += n
        return Counts(list(by_play.values()), unscored, total)

    return cached(snapshot, f"counts:{key}", compute, SCOPED_SECONDS)


@dataclass(frozen=True)
class Points:
    """The chart's points and how many scored accounts they stand for."""

    points: list[Point]
    scored: int
    sampled: bool
    zero_revenue: int


def points(snapshot: Snapshot, qs: QuerySet[AccountScore], key: str, everything: bool) -> Points:
    """The scored accounts of ``qs`` as points, every n-th by account id beyond
    ``SAMPLE_POINTS`` unless ``everything`` (one count and one query, cached)."""

    def compute() -> Points:
        scored_qs = qs.filter(potential_score__isnull=False)
        scored = scored_qs.count()
        chosen = scored_qs
        step = 1
        if not everything and scored > SAMPLE_POINTS:
            step = -(-scored // SAMPLE_POINTS)
            chosen = scored_qs.alias(bucket=Mod(F("account_id"), step)).filter(bucket=0)
        rows = chosen.order_by("account_id").values_list(
            "account_id", "account__name", "current_revenue", "potential_score", "tier", "play"
        )
        pts: list[Point] = [
            {
                "id": account_id,
                "name": name,
                "revenue": float(revenue),  # a position on the chart
                "score": round(score or 0.0, 2),  # scored: never None here
                "tier": tier,
                "play": play,
            }
            for account_id, name, revenue, score, tier, play in rows
        ]
        zero = (
            scored_qs.filter(current_revenue__lte=0).count()
            if step > 1
            else sum(1 for p in pts if p["revenue"] <= 0)
        )
        return Points(pts, scored, step > 1, zero)

    return cached(
        snapshot, f"points:{key}:{'all' if everything else 'sample'}", compute, SCOPED_SECONDS
    )

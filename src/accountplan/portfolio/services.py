"""Scoring runs: queue one, compute one (load → analyze → propensity → store), keep the last few."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import polars as pl
from django.db import transaction
from django.utils import timezone

from accountplan.analytics.explain import explain
from accountplan.analytics.frames import AnalysisConfig, Book
from accountplan.core.errors import Forbidden
from accountplan.portfolio.loader import LoadStats, load_book_with_stats
from accountplan.portfolio.models import AccountScore, CellScore, Snapshot, SnapshotStatus
from accountplan.portfolio.scorecard import config_to_json, get_scorecard, to_config

if TYPE_CHECKING:
    from accountplan.analytics.pipeline import Analysis
    from accountplan.core.models import User

#: Finished snapshots kept per (level, window); older ones are deleted after each run.
KEEP_SNAPSHOTS = 5
#: Next best products stored per account.
NEXT_BEST_N = 3

Step = Callable[[str], None]


@dataclass(frozen=True)
class Result:
    """A finished run: the stored snapshot, and the frames behind it (for exports)."""

    snapshot: Snapshot
    analysis: Analysis
    accounts: pl.DataFrame  # the analysis' accounts + external ids and next best products
    cells: pl.DataFrame  # the analysis' cells + propensity, expected value, look-alikes


def _none(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def create_snapshot(
    *,
    as_of: dt.date | None = None,
    window_months: int | None = 12,
    level: Literal["product", "family"] = "product",
    trigger: str = "",
    user: User | None = None,
) -> Snapshot:
    """A queued snapshot row (``as_of`` None means "today, when it runs")."""
    return Snapshot.objects.create(
        as_of=as_of, window_months=window_months, level=level, trigger=trigger, requested_by=user
    )


def enqueue_rescore(
    *, trigger: str = "import", user: User | None = None, as_of: dt.date | None = None
) -> Snapshot:
    """Queue a rescore of the default view (product level, 12-month window) for the worker.

    The task is sent when the current transaction commits, so a worker never sees a snapshot
    (or an import) that is then rolled back.
    """
    from accountplan.portfolio.tasks import rescore

    snapshot = create_snapshot(as_of=as_of, trigger=trigger, user=user)
    transaction.on_commit(lambda: rescore.enqueue(snapshot.pk))
    return snapshot


def rescore_after_import() -> Snapshot:
    """Queue a rescore after an import wrote rows; a still-queued import rescore is reused.

    Called once the import's transaction committed. Five files imported in a row give one
    rescore, not five.
    """
    waiting = (
        Snapshot.objects.filter(status=SnapshotStatus.QUEUED, trigger="import", started_at=None)
        .order_by("-pk")
        .first()
    )
    return waiting or enqueue_rescore(trigger="import")


def request_rescore(user: User) -> Snapshot:
    """A rescore asked for by someone (web UI, API): managers and admins only."""
    if not user.can_edit_book:
        raise Forbidden("Only managers and admins may start a rescore.")
    return enqueue_rescore(trigger="web", user=user)


def run_snapshot(snapshot: Snapshot, step: Step | None = None) -> Result:
    """Compute ``snapshot`` now: load the book, analyze it, score propensity, store every row.

    The snapshot goes running → done (or failed, with the error, and the error is raised again).
    """
    step = step or (lambda _label: None)
    Snapshot.objects.filter(pk=snapshot.pk).update(
        status=SnapshotStatus.RUNNING, started_at=timezone.now(), error=""
    )
    try:
        as_of = snapshot.as_of or timezone.localdate()
        config = to_config(get_scorecard(), as_of, snapshot.window_months, snapshot.level)  # type: ignore[arg-type]
        step("loading")
        book, stats = load_book_with_stats()
        step("computing")
        result = compute(book, config)
        step("storing")
        store(snapshot, config, stats, *result)
    except Exception as exc:
        Snapshot.objects.filter(pk=snapshot.pk).update(
            status=SnapshotStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )
        raise
    snapshot.refresh_from_db()
    return Result(snapshot, *result)


def compute(book: Book, config: AnalysisConfig) -> tuple[Analysis, pl.DataFrame, pl.DataFrame]:
    """Analyze the book and join propensity and next best products onto the frames."""
    from accountplan.analytics.pipeline import analyze
    from accountplan.analytics.propensity import next_best, score_cells

    analysis = analyze(book, config)
    cells = analysis.cells
    scored = score_cells(book, config, cells)
    cells = cells.join(
        scored.select("account_id", "item", "propensity", "lookalikes"),
        on=["account_id", "item"],
        how="left",
    ).with_columns(expected_value=pl.col("propensity") * pl.col("whitespace_value"))
    best = _next_best_lists(next_best(cells, n=NEXT_BEST_N))
    accounts = analysis.accounts.join(best, on="account_id", how="left").with_columns(
        pl.col("next_best").fill_null(pl.lit([], dtype=pl.List(pl.String)))
    )
    return analysis, accounts, cells


def _next_best_lists(best: pl.DataFrame) -> pl.DataFrame:
    """account_id → next_best (List[String] of items, best first), whatever shape next_best has."""
    if "next_best" in best.columns and best.schema["next_best"] == pl.List(pl.String):
        return best.select("account_id", "next_best")
    order = [c for c in ("rank", "propensity", "expected_value") if c in best.columns]
    if order and order[0] != "rank":
        best = best.sort(["account_id", order[0]], descending=[False, True])
    elif order:
        best = best.sort(["account_id", "rank"])
    return best.group_by("account_id", maintain_order=True).agg(
        pl.col("item").cast(pl.String).alias("next_best")
    )


def store(
    snapshot: Snapshot,
    config: AnalysisConfig,
    stats: LoadStats,
    analysis: Analysis,
    accounts: pl.DataFrame,
    cells: pl.DataFrame,
) -> None:
    """Write every account and cell row of a run (bulk), mark it done, prune old snapshots."""
    parts: dict[int, list[dict[str, Any]]] = {}
    for row in analysis.scores.iter_rows(named=True):
        parts.setdefault(row["account_id"], []).append(
            {
                k: _none(row[k])
                for k in ("attribute", "label", "value", "percentile", "weight", "used")
            }
        )
    product_ids = _product_ids(config)
    account_rows = [
        AccountScore(
            snapshot=snapshot,
            account_id=r["account_id"],
            current_revenue=r["current_revenue"] or 0.0,
            previous_revenue=_none(r["previous_revenue"]),
            growth=_none(r["growth"]),
            whitespace_value=r["whitespace_value"] or 0.0,
            wallet=r["wallet"] or 0.0,
            share_of_wallet=_none(r["share_of_wallet"]),
            share_of_wallet_gap=_none(r["share_of_wallet_gap"]),
            icp_fit=_none(r["icp_fit"]),
            satisfaction=_none(r["satisfaction"]),
            potential_score=_none(r["potential_score"]),
            missing_attributes=r["missing_attributes"] or "",
            scored=bool(r["scored"]),
            high_revenue=bool(r["high_revenue"]),
            high_potential=r["high_potential"],
            play=r["play"] or "",
            value=r["value"] or 0.0,
            value_percentile=_none(r["value_percentile"]),
            tier=r["tier"],
            cost_to_serve=_none(r["cost_to_serve"]),
            gross_margin=_none(r["gross_margin"]),
            cost_to_serve_flag=bool(r["cost_to_serve_flag"]),
            cadence=r["cadence"] or "",
            clv=_none(r["clv"]),
            score_parts=parts.get(r["account_id"], []),
            next_best=list(r["next_best"] or []),
            explanation=explain(analysis, r["account_id"]),
        )
        for r in accounts.iter_rows(named=True)
    ]
    cell_rows = [
        CellScore(
            snapshot=snapshot,
            account_id=c["account_id"],
            item=c["item"],
            item_name=c["item_name"] or c["item"],
            family=c["family"] or "",
            product_id=product_ids.get(c["item"]),
            current_revenue=c["current_revenue"] or 0.0,
            previous_revenue=_none(c["previous_revenue"]),
            size=_none(c["size"]),
            potential=_none(c["potential"]),
            potential_source=c["potential_source"],
            peer_count=c["peer_count"] or 0,
            peer_median_rate=_none(c["peer_median_rate"]),
            peer_segment=c["peer_segment"] or "",
            peers=list(c["peer_names"] or []),
            explanation=c["explanation"] or "",
            state=c["state"],
            whitespace_value=_none(c["whitespace_value"]),
            propensity=_none(c["propensity"]),
            expected_value=_none(c["expected_value"]),
            lookalikes=list(c["lookalikes"] or []),
            open_opportunities=c["open_opportunities"] or 0,
            open_amount=c["open_amount"] or 0.0,
            recent_lost=c["recent_lost"] or 0,
        )
        for c in cells.iter_rows(named=True)
    ]
    with transaction.atomic():
        AccountScore.objects.bulk_create(account_rows, batch_size=1000)
        CellScore.objects.bulk_create(cell_rows, batch_size=1000)
        Snapshot.objects.filter(pk=snapshot.pk).update(
            status=SnapshotStatus.DONE,
            as_of=config.as_of,
            config=config_to_json(config),
            finished_at=timezone.now(),
            account_count=len(account_rows),
            cell_count=len(cell_rows),
            revenue_rows=stats.revenue_rows,
            skipped_won_deals=stats.skipped_won_deals,
        )
        prune(snapshot.level, snapshot.window_months)


def _product_ids(config: AnalysisConfig) -> dict[str, int]:
    # The product FK of a product-level cell: its item is the product's external id or name.
    if config.level != "product":
        return {}
    from accountplan.book.models import Product

    ids: dict[str, int] = {}
    for pk, ext, name in Product.objects.values_list("pk", "external_id", "name"):
        ids[ext or name] = pk
    return ids


def prune(level: str, window_months: int | None, keep: int = KEEP_SNAPSHOTS) -> int:
    """Delete finished snapshots of this (level, window) beyond the newest ``keep``."""
    done = Snapshot.objects.done().filter(level=level, window_months=window_months)
    old = list(done.values_list("pk", flat=True)[keep:])
    if not old:
        return 0
    CellScore.objects.filter(snapshot_id__in=old).delete()
    AccountScore.objects.filter(snapshot_id__in=old).delete()
    Snapshot.objects.filter(pk__in=old).delete()
    return len(old)


def analyze_now(
    *,
    as_of: dt.date | None = None,
    window_months: int | None = 12,
    level: Literal["product", "family"] = "product",
    trigger: str = "cli",
    user: User | None = None,
    step: Step | None = None,
) -> Result:
    """Create a snapshot and compute it in this process (CLI, demo)."""
    snapshot = create_snapshot(
        as_of=as_of, window_months=window_months, level=level, trigger=trigger, user=user
    )
    return run_snapshot(snapshot, step)


def ensure_snapshot(as_of: dt.date, *, fresh: bool = False) -> Snapshot | None:
    """Compute a snapshot now (demo) unless a finished one exists; ``fresh`` always computes."""
    if not fresh and Snapshot.objects.current() is not None:
        return None
    return analyze_now(as_of=as_of, trigger="demo").snapshot

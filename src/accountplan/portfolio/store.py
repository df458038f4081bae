"""Store a computed analysis as a snapshot, through the database's bulk path.

What is stored grows with what exists: one row per account (figures, score, percentiles, its
peer group and size, next best products, look-alikes), one per cell that holds something
(revenue, a deal marker, an override), one per (peer group, item) of the peer table and one per
item. Every other cell is derived on read from those (``portfolio.cells``).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from functools import partial
from typing import TYPE_CHECKING

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from accountplan.analytics.frames import MONEY
from accountplan.portfolio.bulk import (
    delete_in_turns,
    insert_frame,
    insert_in_turns,
    json_strings,
    on_own_connection,
)
from accountplan.portfolio.models import (
    SCORE_ATTRIBUTES,
    AccountScore,
    CellScore,
    PeerRate,
    Snapshot,
    SnapshotItem,
    SnapshotStatus,
)

if TYPE_CHECKING:
    from accountplan.analytics.frames import AnalysisConfig
    from accountplan.analytics.pipeline import Analysis
    from accountplan.portfolio.loader import LoadStats


def _cents(name: str) -> pl.Expr:
    """An exact figure rounded half-even to the cent, as stored."""
    return pl.col(name).cast(MONEY)


def _percentiles(analysis: Analysis) -> pl.DataFrame:
    """account_id and pct_<attribute> for the attributes the snapshot keeps."""
    long = analysis.scores.filter(pl.col("attribute").is_in(list(SCORE_ATTRIBUTES)))
    if long.height == 0:
        return analysis.accounts.select("account_id")
    wide = long.pivot(on="attribute", index="account_id", values="percentile")
    return wide.rename({c: f"pct_{c}" for c in wide.columns if c != "account_id"})


#: Accounts per part of the account-score rows: each part's text (look-alikes as JSON) is built
#: and sent before the next, so a 1M-account run never holds the whole table's text at once.
ACCOUNT_PART_ROWS = 125_000


def _all_percentiles(analysis: Analysis) -> pl.DataFrame:
    pct = _percentiles(analysis)
    missing = [f"pct_{a}" for a in SCORE_ATTRIBUTES if f"pct_{a}" not in pct.columns]
    return pct.with_columns(pl.lit(None, dtype=pl.Float64).alias(c) for c in missing)


def account_parts(
    snapshot_id: int, analysis: Analysis, accounts: pl.DataFrame, looks: pl.DataFrame
) -> list[Callable[[], pl.DataFrame]]:
    """The portfolio_accountscore rows of a run in parts of ``ACCOUNT_PART_ROWS`` accounts,
    each built when it is called (the percentiles are pivoted once, by the first)."""
    pct: list[pl.DataFrame] = []

    def part(start: int) -> pl.DataFrame:
        if not pct:
            pct.append(_all_percentiles(analysis))
        some = accounts.slice(start, ACCOUNT_PART_ROWS)
        if some.height < accounts.height:
            looks_of = looks.join(some.select("account_id"), on="account_id", how="semi")
        else:
            looks_of = looks
        return account_rows(snapshot_id, analysis, some, looks_of, pct[0])

    starts = range(0, max(accounts.height, 1), ACCOUNT_PART_ROWS)
    return [partial(part, start) for start in starts]


def account_rows(
    snapshot_id: int,
    analysis: Analysis,
    accounts: pl.DataFrame,
    looks: pl.DataFrame,
    pct: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The portfolio_accountscore rows of ``accounts`` (columns = the table's)."""
    if pct is None:
        pct = _all_percentiles(analysis)
    pair = pl.concat_list(pl.col("other_id").cast(pl.Float64), "similarity")
    pairs = looks.group_by("account_id").agg(pair.sort_by("rank").alias("_looks"))
    frame = accounts.join(pct, on="account_id", how="left").join(pairs, on="account_id", how="left")
    empty_text = pl.lit("", dtype=pl.String)
    return frame.select(
        pl.lit(snapshot_id).alias("snapshot_id"),
        "account_id",
        pl.col("peer_key").fill_null(empty_text),
        _cents("size"),
        _cents("current_revenue"),
        _cents("previous_revenue"),
        pl.col("growth").cast(pl.Float64),
        _cents("whitespace_value"),
        _cents("wallet"),
        pl.col("share_of_wallet").cast(pl.Float64),
        pl.col("share_of_wallet_gap").cast(pl.Float64),
        pl.col("icp_fit").cast(pl.Float64),
        pl.col("satisfaction").cast(pl.Float64),
        pl.col("potential_score").cast(pl.Float64),
        pl.col("missing_attributes").fill_null(empty_text),
        pl.col("scored").fill_null(False),
        *(pl.col(f"pct_{a}").cast(pl.Float64) for a in SCORE_ATTRIBUTES),
        pl.col("high_revenue").fill_null(False),
        "high_potential",
        pl.col("play").fill_null(empty_text),
        _cents("value"),
        pl.col("value_percentile").cast(pl.Float64),
        pl.col("tier").cast(pl.Int64),
        _cents("cost_to_serve"),
        _cents("gross_margin"),
        pl.col("cost_to_serve_flag").fill_null(False),
        pl.col("cadence").fill_null(empty_text),
        pl.col("clv").cast(pl.Float64).round(2).cast(MONEY),
        json_strings(pl.col("next_best").fill_null(pl.lit([], pl.List(pl.String))), "next_best"),
        json_strings(
            pl.col("_looks").fill_null(pl.lit([], pl.List(pl.List(pl.Float64)))), "lookalikes"
        ),
    )


def cell_rows(snapshot_id: int, cells: pl.DataFrame) -> pl.DataFrame:
    """The portfolio_cellscore rows: the stored cells only."""
    return cells.select(
        pl.lit(snapshot_id).alias("snapshot_id"),
        "account_id",
        "item",
        _cents("current_revenue"),
        _cents("previous_revenue"),
        _cents("override"),
        _cents("potential"),
        "state",
        _cents("whitespace_value"),
        pl.col("open_opportunities").cast(pl.Int64),
        _cents("open_amount"),
        pl.col("recent_lost").cast(pl.Int64),
    )


def rate_rows(snapshot_id: int, rates: pl.DataFrame) -> pl.DataFrame:
    """The portfolio_peerrate rows: the peer table, rates as exact decimal text."""
    empty_text = pl.lit("", dtype=pl.String)
    return rates.select(
        pl.lit(snapshot_id).alias("snapshot_id"),
        pl.col("peer_key").fill_null(empty_text),
        "item",
        pl.col("peer_count").cast(pl.Int64),
        pl.col("segment_count").cast(pl.Int64),
        pl.col("peer_median_rate").cast(pl.String).fill_null(empty_text).alias("rate"),
        pl.col("peer_segment").fill_null(empty_text),
        json_strings(pl.col("peers"), "peers"),
        pl.col("peer_text").fill_null(empty_text),
    )


def item_rows(
    snapshot_id: int, items: pl.DataFrame, base: pl.DataFrame, product_ids: pl.DataFrame
) -> pl.DataFrame:
    """The portfolio_snapshotitem rows: the map's columns, with owners and base rate."""
    return (
        items.join(base, on="item", how="left")
        .join(product_ids, on="item", how="left")
        .select(
            pl.lit(snapshot_id).alias("snapshot_id"),
            "item",
            "item_name",
            pl.col("family").fill_null(""),
            "product_id",
            pl.col("owners").fill_null(0).cast(pl.Int64),
            pl.col("base_rate").fill_null(0.0).cast(pl.Float64),
        )
    )


#: The tables of a snapshot's rows, children first.
ROW_MODELS = (CellScore, AccountScore, PeerRate, SnapshotItem)


def _in_turns() -> bool:
    """Whether this connection writes a run in committed chunks: SQLite (one writer for the
    whole database) outside a caller's transaction."""
    return connection.vendor == "sqlite" and not connection.in_atomic_block


def _write_rows(parts: list[tuple[str, Callable[[], pl.DataFrame]]], snapshot_id: int) -> int:
    """Insert each (table, rows) part on this thread's connection: in one transaction, or in
    committed chunks on SQLite outside a caller's transaction (a heartbeat between them)."""
    if _in_turns():

        def beat() -> None:
            Snapshot.objects.filter(pk=snapshot_id).update(heartbeat_at=timezone.now())

        return sum(insert_in_turns(table, rows(), beat) for table, rows in parts)
    with transaction.atomic():
        return sum(insert_frame(table, rows()) for table, rows in parts)


def _in_parallel(jobs: list[Callable[[], int]]) -> list[int]:
    """Run ``jobs`` at once, each on its own thread and database connection."""
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(on_own_connection, jobs))


def _may_write_apart() -> bool:
    """Whether rows may be written on other connections: PostgreSQL (SQLite has one writer),
    and not inside a caller's transaction (its rows would not be visible to them)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


class EarlyCells:
    """A run's cells, written on a connection of their own as soon as ``analyze`` has them,
    while propensity still runs (outside a caller's transaction; inside one ``store`` writes
    them). ``store`` waits for them before the snapshot turns done. SQLite has one writer, so
    there the run waits for them before its next write of its own (``wait_if_sole_writer``)."""

    def __init__(self, snapshot_id: int) -> None:
        self.snapshot_id = snapshot_id
        self._pool: ThreadPoolExecutor | None = None
        self._future: Future[int] | None = None

    @property
    def started(self) -> bool:
        return self._future is not None

    def start(self, analysis: Analysis) -> None:
        """Start writing ``analysis.cells`` outside a caller's transaction; else do nothing."""
        if self.started or connection.in_atomic_block:
            return
        pk = self.snapshot_id
        parts = _cell_parts(pk, analysis)
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._future = self._pool.submit(on_own_connection, lambda: _write_rows(parts, pk))

    def wait(self) -> None:
        """Wait until the cells are written; raise the write's error if it failed."""
        if self._future is None or self._pool is None:
            return
        try:
            self._future.result()
        finally:
            self._pool.shutdown()

    def wait_if_sole_writer(self) -> None:
        """On SQLite, wait for the cells before this connection writes (the heartbeat)."""
        if connection.vendor == "sqlite":
            self.wait()

    def settle(self) -> None:
        """Wait for the write to end, whatever its outcome (before its rows are deleted)."""
        with suppress(Exception):  # the run fails with its own error; the rows are deleted
            self.wait()


#: Cells per part of the cell-score rows: each part's columns (in the table's form) are built
#: when it is written, so a run never holds a second copy of all its cells (400 MB at 1M).
CELL_PART_ROWS = 500_000


def _cell_parts(pk: int, analysis: Analysis) -> list[tuple[str, Callable[[], pl.DataFrame]]]:
    cells = analysis.cells
    starts = range(0, max(cells.height, 1), CELL_PART_ROWS)
    table = CellScore._meta.db_table
    return [(table, partial(_cell_part, pk, cells, start)) for start in starts]


def _cell_part(pk: int, cells: pl.DataFrame, start: int) -> pl.DataFrame:
    return cell_rows(pk, cells.slice(start, CELL_PART_ROWS))


def delete_rows(snapshot_ids: list[int]) -> None:
    """Delete the rows of these snapshots from every snapshot table: one DELETE each, or on
    SQLite outside a transaction, in committed chunks (millions of rows at 1M accounts)."""
    for model in ROW_MODELS:
        if _in_turns():
            delete_in_turns(model._meta.db_table, "snapshot_id", snapshot_ids)
        else:
            model.objects.filter(snapshot_id__in=snapshot_ids)._raw_delete(model.objects.db)


def store(
    snapshot: Snapshot,
    config: AnalysisConfig,
    stats: LoadStats,
    analysis: Analysis,
    accounts: pl.DataFrame,
    looks: pl.DataFrame,
    base: pl.DataFrame,
    product_ids: pl.DataFrame,
    warnings: list[str],
    early: EarlyCells | None = None,
) -> None:
    """Write every row of a run and mark it done (``run_snapshot`` prunes old ones after).

    On PostgreSQL, outside a caller's transaction, the cells are copied on a connection of their
    own, from ``early`` (started during the computation) or at once with the accounts (the server
    parses and indexes each on its own core), each in its own transaction; the snapshot only
    turns "done" once all are in, and pages read done snapshots only; if any part fails,
    ``run_snapshot`` deletes the rows already written. On SQLite, outside a caller's
    transaction, each part goes in chunks committed one by one (SQLite has one writer: the web's
    writes wait for a chunk, not for the run), the cells from ``early`` while propensity ran.
    Inside a caller's transaction everything goes in it.
    """
    pk = snapshot.pk
    first: list[tuple[str, Callable[[], pl.DataFrame]]] = [
        (SnapshotItem._meta.db_table, lambda: item_rows(pk, analysis.items, base, product_ids)),
        (PeerRate._meta.db_table, lambda: rate_rows(pk, analysis.rates)),
    ]
    scores = AccountScore._meta.db_table
    first += [(scores, p) for p in account_parts(pk, analysis, accounts, looks)]
    second = _cell_parts(pk, analysis)
    if _in_turns():
        _write_rows(first, pk)
        if early is not None and early.started:
            early.wait()
        else:
            _write_rows(second, pk)
        with transaction.atomic():
            _mark_done(snapshot, config, stats, analysis, accounts, warnings)
        refresh_statistics()  # after the commit: 8 s at 1M that web writes need not wait for
        return
    parallel = _may_write_apart()
    with transaction.atomic():
        if early is not None and early.started:
            _write_rows(first, pk)
            early.wait()
        elif parallel:
            _in_parallel([lambda: _write_rows(first, pk), lambda: _write_rows(second, pk)])
        else:
            _write_rows(first, pk)
            _write_rows(second, pk)
        _mark_done(snapshot, config, stats, analysis, accounts, warnings)
    refresh_statistics()


def _mark_done(
    snapshot: Snapshot,
    config: AnalysisConfig,
    stats: LoadStats,
    analysis: Analysis,
    accounts: pl.DataFrame,
    warnings: list[str],
) -> None:
    from accountplan.portfolio.scorecard import config_to_json

    Snapshot.objects.filter(pk=snapshot.pk).update(
        status=SnapshotStatus.DONE,
        error="",  # a slow step may have been taken for a stale run meanwhile
        as_of=config.as_of,
        config=config_to_json(config),
        finished_at=timezone.now(),
        account_count=accounts.height,
        cell_count=analysis.cells.height,
        revenue_rows=stats.revenue_rows,
        skipped_won_deals=stats.skipped_won_deals,
        warnings=warnings,
    )


#: The snapshot tables whose statistics the planners need once a run has written its rows.
SNAPSHOT_TABLES = (
    "portfolio_accountscore",
    "portfolio_cellscore",
    "portfolio_peerrate",
    "portfolio_snapshotitem",
)


def refresh_statistics() -> None:
    """ANALYZE the snapshot tables: a run adds a whole book of rows at once, and until the
    statistics know it (SQLite never learns by itself; PostgreSQL's autovacuum comes later) the
    planners take the new snapshot for a few rows and pick plans that scan it all."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in SNAPSHOT_TABLES:
            cursor.execute(f"ANALYZE {table}")

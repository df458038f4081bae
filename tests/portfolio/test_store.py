"""Storing a snapshot: all of its rows or none of them, on both write paths.

Outside a caller's transaction (``transaction=True``), PostgreSQL copies the accounts and the
cells at once on two connections, each committing on its own; these tests check that a run that
fails midway leaves none of its rows behind there too, and that the prune clears what a failed
run had written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import IntegrityError

from accountplan.portfolio.models import (
    AccountScore,
    CellScore,
    PeerRate,
    Snapshot,
    SnapshotItem,
    SnapshotStatus,
)
from accountplan.portfolio.services import (
    KEEP_SNAPSHOTS,
    analyze_now,
    create_snapshot,
    prune,
    run_snapshot,
)

AS_OF = dt.date(2017, 12, 31)


def rows_of(snapshot: Snapshot) -> dict[str, int]:
    return {
        model.__name__: model.objects.filter(snapshot_id=snapshot.pk).count()
        for model in (AccountScore, CellScore, PeerRate, SnapshotItem)
    }


@pytest.mark.django_db(transaction=True)
def test_a_run_stores_every_row_and_a_failed_one_none(maven_book: Path) -> None:
    good = analyze_now(as_of=AS_OF).snapshot
    stored = rows_of(good)
    assert good.status == SnapshotStatus.DONE
    assert stored["AccountScore"] == good.account_count == 85
    assert stored["CellScore"] == good.cell_count > 0

    # A second run of the same book writes the same cells, but one is already there: the cells'
    # unique constraint refuses the whole copy, whichever connection writes it.
    snapshot = create_snapshot(as_of=AS_OF, trigger="cli")
    first = CellScore.objects.filter(snapshot=good).order_by("account_id", "item").first()
    assert first is not None
    CellScore.objects.create(
        snapshot=snapshot, account_id=first.account_id, item=first.item, state="full"
    )
    with pytest.raises(IntegrityError):
        run_snapshot(snapshot)

    snapshot.refresh_from_db()
    assert snapshot.status == SnapshotStatus.FAILED
    assert "IntegrityError" in snapshot.error
    assert rows_of(snapshot) == dict.fromkeys(stored, 0)  # the accounts were written, then undone
    assert rows_of(good) == stored  # the last good snapshot keeps serving
    assert Snapshot.objects.current() == good


@pytest.mark.django_db(transaction=True)
def test_the_prune_clears_the_rows_a_failed_run_left(maven_book: Path) -> None:
    done = analyze_now(as_of=AS_OF).snapshot
    # a run killed while writing: its rows are in, it never turned "done", it was marked failed
    killed = create_snapshot(as_of=AS_OF, trigger="cli")
    account = AccountScore.objects.filter(snapshot=done).first()
    assert account is not None
    AccountScore.objects.create(snapshot=killed, account_id=account.account_id)
    CellScore.objects.create(snapshot=killed, account_id=account.account_id, item="X", state="none")
    Snapshot.objects.filter(pk=killed.pk).update(status=SnapshotStatus.FAILED, error="killed")

    assert prune(done.level, done.window_months) == 0  # no done snapshot beyond the kept ones
    assert rows_of(killed) == {"AccountScore": 0, "CellScore": 0, "PeerRate": 0, "SnapshotItem": 0}
    killed.refresh_from_db()
    assert killed.error == "killed"  # the failed run stays in the history
    assert rows_of(done)["AccountScore"] == 85


@pytest.mark.django_db(transaction=True)
def test_a_run_prunes_the_oldest_snapshots_once_it_is_done(maven_book: Path) -> None:
    steps: list[str] = []
    runs = [analyze_now(as_of=AS_OF, step=steps.append).snapshot for _ in range(KEEP_SNAPSHOTS + 1)]
    # the oldest went with all its rows once the newest was done; the newest five stay
    assert steps[-4:] == ["loading", "computing", "storing", "pruning"]
    assert not Snapshot.objects.filter(pk=runs[0].pk).exists()
    assert rows_of(runs[0]) == dict.fromkeys(rows_of(runs[1]), 0)
    kept = list(Snapshot.objects.done().values_list("pk", flat=True))
    assert kept == [run.pk for run in reversed(runs[1:])]
    assert all(rows_of(run)["AccountScore"] == 85 for run in runs[1:])


def test_a_run_leaves_statistics_for_the_planners(maven_book: Path) -> None:
    """Once done, the snapshot tables have planner statistics that know their rows."""
    from django.db import connection

    from accountplan.portfolio.store import SNAPSHOT_TABLES

    analyze_now(as_of=AS_OF)
    with connection.cursor() as cursor:
        for table in SNAPSHOT_TABLES:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
                stats = [row[0] for row in cursor.fetchall()]
                # The first number of an index's statistics is the table's row count.
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
                rows = cursor.fetchone()[0]
                assert rows > 0 and stats
                assert any(int(s.split()[0]) == rows for s in stats)
            else:
                cursor.execute("SELECT COUNT(*) FROM pg_stats WHERE tablename = %s", [table])
                assert cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_deleting_an_account_deletes_its_rows_in_every_snapshot_by_the_index(
    maven_book: Path,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accountplan.book.models import Account

    first = analyze_now(as_of=AS_OF).snapshot
    second = analyze_now(as_of=AS_OF).snapshot
    cell = CellScore.objects.filter(snapshot=second).order_by("account_id", "item").first()
    assert cell is not None
    gone = cell.account_id
    before = {s.pk: rows_of(s) for s in (first, second)}
    own = {
        s.pk: (
            AccountScore.objects.filter(snapshot=s, account_id=gone).count(),
            CellScore.objects.filter(snapshot=s, account_id=gone).count(),
        )
        for s in (first, second)
    }
    assert all(scores == 1 and cells > 0 for scores, cells in own.values())

    with CaptureQueriesContext(connection) as queries:
        Account.objects.filter(pk=gone).delete()

    for snapshot in (first, second):
        after = rows_of(snapshot)
        assert after["AccountScore"] == before[snapshot.pk]["AccountScore"] - 1
        assert after["CellScore"] == before[snapshot.pk]["CellScore"] - own[snapshot.pk][1]
        assert not CellScore.objects.filter(snapshot=snapshot, account_id=gone).exists()
    deletes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('DELETE FROM "portfolio_')
        and ("accountscore" in q["sql"] or "cellscore" in q["sql"])
    ]
    assert len(deletes) == 2
    # Both ask for the snapshots too, so the unique (snapshot, account, …) index answers them.
    assert all('"snapshot_id" IN' in sql for sql in deletes)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for sql in deletes:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
                assert "SCAN" not in plan and "USING" in plan, plan


def _stored_rows(snapshot: Snapshot) -> dict[str, list[tuple[object, ...]]]:
    skip = {"id", "snapshot"}
    out = {}
    for model in (AccountScore, CellScore):
        names = [f.attname for f in model._meta.concrete_fields if f.name not in skip]
        rows = model.objects.filter(snapshot_id=snapshot.pk).values_list(*names)
        out[model.__name__] = sorted(rows, key=repr)
    return out


@pytest.mark.django_db(transaction=True)
def test_a_run_written_in_small_parts_stores_the_same_rows(
    maven_book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 1M accounts the account and cell rows are built and sent part by part (bounded
    memory): parts of 7 accounts and 50 cells store exactly what one whole part does."""
    from accountplan.portfolio import store

    whole = analyze_now(as_of=AS_OF).snapshot
    monkeypatch.setattr(store, "ACCOUNT_PART_ROWS", 7)
    monkeypatch.setattr(store, "CELL_PART_ROWS", 50)
    parts = analyze_now(as_of=AS_OF).snapshot
    assert parts.status == SnapshotStatus.DONE
    assert whole.cell_count > 100 and whole.account_count == 85  # many parts of each
    assert _stored_rows(parts) == _stored_rows(whole)

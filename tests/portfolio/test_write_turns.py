"""Long writes outside a transaction commit chunk by chunk, so another writer is never shut out.

SQLite has one writer for the whole database: a rescore that wrote millions of rows in one
transaction made every web write wait past its busy timeout and fail. ``insert_in_turns`` and
``delete_in_turns`` commit each chunk; between two chunks, another connection must be able to
write at once (a write lock still held would make it fail: shared-cache SQLite refuses at once,
a file waits out its timeout).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import polars as pl
import pytest
from django.db import transaction
from django.utils import timezone

from accountplan.portfolio.bulk import delete_in_turns, insert_in_turns, on_own_connection
from accountplan.portfolio.models import Snapshot, SnapshotItem
from accountplan.portfolio.services import create_snapshot

TABLE = SnapshotItem._meta.db_table


def items(snapshot_id: int, n: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "snapshot_id": [snapshot_id] * n,
            "item": [f"P{i:03d}" for i in range(n)],
            "item_name": [f"Product {i}" for i in range(n)],
            "family": ["Tools"] * n,
            "product_id": pl.Series([None] * n, dtype=pl.Int64),
            "owners": list(range(n)),
            "base_rate": [0.5] * n,
        }
    )


class OtherWriter:
    """Writes on a connection of its own (another thread) each time it is called."""

    def __init__(self, snapshot_id: int) -> None:
        self.snapshot_id = snapshot_id
        self.seen: list[int] = []

    def write(self) -> int:
        Snapshot.objects.filter(pk=self.snapshot_id).update(heartbeat_at=timezone.now())
        return SnapshotItem.objects.filter(snapshot_id=self.snapshot_id).count()

    def __call__(self) -> None:
        with ThreadPoolExecutor(max_workers=1) as pool:
            self.seen.append(pool.submit(on_own_connection, self.write).result())


@pytest.mark.django_db(transaction=True)
def test_an_insert_in_turns_lets_another_writer_in_between_chunks() -> None:
    snapshot = create_snapshot(trigger="cli")
    other = OtherWriter(snapshot.pk)

    assert insert_in_turns(TABLE, items(snapshot.pk, 7), between=other, chunk_rows=3) == 7

    # 3 chunks (3 + 3 + 1 rows): the other connection wrote after the first two, and saw what
    # had been committed so far
    assert other.seen == [3, 6]
    assert SnapshotItem.objects.filter(snapshot=snapshot).count() == 7
    stored = SnapshotItem.objects.filter(snapshot=snapshot).order_by("item")
    assert list(stored.values_list("item", "owners")) == [(f"P{i:03d}", i) for i in range(7)]


@pytest.mark.django_db(transaction=True)
def test_a_delete_in_turns_lets_another_writer_in_and_spares_other_rows() -> None:
    old, kept = create_snapshot(trigger="cli"), create_snapshot(trigger="cli")
    insert_in_turns(TABLE, items(old.pk, 5))
    insert_in_turns(TABLE, items(kept.pk, 4))
    other = OtherWriter(old.pk)

    assert delete_in_turns(TABLE, "snapshot_id", [old.pk], between=other, chunk_rows=2) == 5

    assert other.seen == [3, 1]  # after each full chunk of 2: 5 → 3 → 1 → 0
    assert not SnapshotItem.objects.filter(snapshot=old).exists()
    assert SnapshotItem.objects.filter(snapshot=kept).count() == 4


@pytest.mark.django_db(transaction=True)
def test_writing_in_turns_inside_a_transaction_is_refused() -> None:
    snapshot = create_snapshot(trigger="cli")
    with transaction.atomic():
        with pytest.raises(RuntimeError, match="outside a transaction"):
            insert_in_turns(TABLE, items(snapshot.pk, 2))
        with pytest.raises(RuntimeError, match="outside a transaction"):
            delete_in_turns(TABLE, "snapshot_id", [snapshot.pk])
    assert not SnapshotItem.objects.filter(snapshot=snapshot).exists()

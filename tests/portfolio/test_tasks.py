"""The background rescore: queued in the database, run by the worker, after imports too."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from accountplan.portfolio.models import AccountScore, CellScore, Snapshot, SnapshotItem
from accountplan.portfolio.services import enqueue_rescore, rescore_after_import
from tests.portfolio.conftest import MAVEN_AS_OF, import_file


def run_worker() -> None:
    call_command("worker", "--batch", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_queued_rescore(maven_book: Path):
    snapshot = enqueue_rescore(trigger="cli", as_of=dt.date(2017, 12, 31))
    assert Snapshot.objects.get(pk=snapshot.pk).status == "queued"
    # The imports of the fixture committed, so they queued their own rescore too.
    assert DBTaskResult.objects.count() == 2

    run_worker()

    snapshot.refresh_from_db()
    assert snapshot.status == "done", snapshot.error
    assert str(snapshot.as_of) == MAVEN_AS_OF
    assert AccountScore.objects.filter(snapshot=snapshot).count() == 85
    # (the worker also queues the daily run of the rules, governance.tasks, for later)
    rescores = DBTaskResult.objects.filter(task_path__endswith=".rescore")
    assert set(rescores.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)
def test_an_import_queues_one_rescore_and_the_worker_computes_it(maven_dir: Path):
    import_file("accounts", maven_dir / "accounts.csv")
    import_file("products", maven_dir / "products.csv")
    queued = Snapshot.objects.get()
    assert (queued.status, queued.trigger) == ("queued", "import")  # two imports, one rescore

    run_worker()

    queued.refresh_from_db()
    assert queued.status == "done", queued.error
    assert queued.account_count == 85
    # no deal imported yet: no cell holds revenue, so none is stored; the 7 products are items
    assert queued.cell_count == CellScore.objects.filter(snapshot=queued).count() == 0
    assert SnapshotItem.objects.filter(snapshot=queued).count() == 7


@pytest.mark.django_db(transaction=True)
def test_a_failed_run_records_its_error(db: None):
    snapshot = enqueue_rescore(trigger="cli")
    Snapshot.objects.filter(pk=snapshot.pk).update(level="region")  # the analysis refuses it
    run_worker()
    snapshot.refresh_from_db()
    assert snapshot.status == "failed"
    assert snapshot.error


def test_a_waiting_import_rescore_is_reused(db: None):
    first = rescore_after_import()
    assert rescore_after_import() == first
    assert Snapshot.objects.count() == 1


def test_rescores_waiting_in_the_queue_are_merged_whoever_asks(
    db: None, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from accountplan.core.models import Role, User
    from accountplan.portfolio.services import request_rescore

    manager = User.objects.create_user("mgr", role=Role.MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        first = request_rescore(manager)
        assert request_rescore(manager) == first
        assert rescore_after_import() == first
        assert enqueue_rescore(trigger="cli") == first
        other_date = enqueue_rescore(trigger="cli", as_of=dt.date(2017, 12, 31))
    assert other_date != first
    assert Snapshot.objects.count() == 2
    assert DBTaskResult.objects.count() == 2
    # Once it has started, a new request queues a new rescore: the book may have changed.
    Snapshot.objects.filter(pk=first.pk).update(status="running")
    assert request_rescore(manager) != first

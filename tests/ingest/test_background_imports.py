"""Web imports run in the background worker: progress in the page, a dead worker's run failed."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accountplan.book.models import Account
from accountplan.core.models import User
from accountplan.ingest import background
from accountplan.ingest.models import ImportRun
from accountplan.ingest.report import Status
from tests.ingest.conftest import table_counts
from tests.ingest.test_views import upload


@pytest.fixture
def manager_client(client: Client, manager: User) -> Client:
    client.force_login(manager)
    return client


def running_run(manager: User) -> ImportRun:
    run = ImportRun.objects.create(
        user=manager,
        entity="accounts",
        mapping_name="maven",
        file_name="big.csv",
        status=Status.RUNNING,
        source="web",
    )
    background.run_dir(run.pk).mkdir(parents=True)
    background.upload_path(run.pk).write_bytes(b"account\nAcme\n")
    return run


@pytest.mark.django_db
def test_the_polled_page_shows_the_phase_and_the_rows_done(
    manager_client: Client, manager: User
) -> None:
    run = running_run(manager)
    beat = background.Heartbeat(run.pk)
    beat.update("validate", 5_000, 200_000)
    beat.beat()
    url = reverse("ingest:import_detail", args=[run.pk])

    page = manager_client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<html" in page
    polled = manager_client.get(url, headers={"HX-Request": "true"})
    html = polled.content.decode()
    assert "<html" not in html  # the progress alone
    assert "Checking the rows" in html and "5,000 of 200,000 rows (3%)" in html

    beat.update("write", 150_000, 200_000)
    beat.beat()
    html = manager_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Writing the rows" in html and "150,000 of 200,000 rows (75%)" in html

    # Once the run ended, the next poll reloads the page: the report replaces the progress.
    ImportRun.objects.filter(pk=run.pk).update(status=Status.IMPORTED)
    done = manager_client.get(url, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"


@pytest.mark.django_db
def test_a_run_whose_worker_died_is_failed_with_nothing_written(
    manager_client: Client, manager: User, settings: object
) -> None:
    run = running_run(manager)
    before = table_counts()
    # Its last heartbeat is two minutes old: the worker was killed (default limit 60 s).
    (background.run_dir(run.pk) / "progress.json").write_text(
        json.dumps({"phase": "write", "done": 10, "total": 20, "beat": time.time() - 120})
    )
    html = manager_client.get(reverse("ingest:import_detail", args=[run.pk])).content.decode()
    run.refresh_from_db()
    assert run.status == Status.FAILED and run.finished_at is not None
    assert "Failed: the background worker stopped before the import finished" in html
    assert "Nothing was written" in html
    assert table_counts() == before
    assert not background.run_dir(run.pk).exists()


@pytest.mark.django_db
def test_a_fresh_heartbeat_is_left_alone_and_a_claimed_run_without_one_is_stale(
    manager: User,
) -> None:
    alive = running_run(manager)
    background.Heartbeat(alive.pk).beat()
    silent = running_run(manager)  # claimed, killed before its first beat
    assert background.fail_stale_imports() == 1
    assert ImportRun.objects.get(pk=alive.pk).status == Status.RUNNING
    assert ImportRun.objects.get(pk=silent.pk).status == Status.FAILED


# the worker closes its database connection when done: outside a test transaction
@pytest.mark.django_db(transaction=True)
def test_the_worker_command_runs_a_queued_web_import(
    manager_client: Client, maven_dir: Path, data_dir: Path
) -> None:
    response = upload(manager_client, "accounts.csv", (maven_dir / "accounts.csv").read_bytes())
    started = time.monotonic()
    queued = manager_client.post(response.url)
    answered = time.monotonic() - started
    run = ImportRun.objects.get()
    assert queued.status_code == 303 and run.status == Status.QUEUED
    assert background.upload_path(run.pk).read_bytes() == (maven_dir / "accounts.csv").read_bytes()
    assert Account.objects.count() == 0

    call_command("worker", "--batch", stdout=io.StringIO(), stderr=io.StringIO())
    run.refresh_from_db()
    assert (run.status, run.created) == (Status.IMPORTED, 85)
    assert Account.objects.count() == 85
    assert not background.run_dir(run.pk).exists()  # the file is gone with the run
    assert answered < 5, f"queueing the import took {answered:.1f} s"

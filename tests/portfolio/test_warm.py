"""The worker warms the pages' whole-book figures at the end of a rescore, in the shared cache:
the first visitor of any web process then finds them ready."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accountplan.core.models import Role, User
from accountplan.portfolio.grid_data import forget
from accountplan.portfolio.models import Snapshot
from accountplan.portfolio.services import enqueue_rescore
from accountplan.portfolio.warm import PAGES, warm

PAGE_URLS = ["/grid/", "/products/", "/accounts/", "/whitespace/"]


def visit(client: Client, url: str) -> tuple[int, bytes]:
    """A first visit in a fresh web process: nothing in its own memory."""
    caches["default"].clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content


@pytest.mark.django_db(transaction=True)
def test_a_worker_rescore_leaves_the_pages_figures_ready(maven_book: Path) -> None:
    enqueue_rescore(trigger="cli", as_of=dt.date(2017, 12, 31))
    call_command("worker", "--batch", stdout=io.StringIO())
    snapshot = Snapshot.objects.current(level="product")
    assert snapshot is not None and snapshot.status == "done"
    client = Client()
    client.force_login(User.objects.create_user("m", password="x", role=Role.MANAGER))

    warmed = {url: visit(client, url) for url in PAGE_URLS}
    cold = {}
    for url in PAGE_URLS:
        forget()  # both levels empty: what a visitor paid before the worker warmed them
        cold[url] = visit(client, url)

    for url in PAGE_URLS:
        assert warmed[url][0] < cold[url][0], url
    # The same figures either way
    # (the CSRF token and the CSP nonce differ per response)
    grid_warm, grid_cold = (
        [
            re.sub(r'nonce="[^"]*"', "", line)
            for line in content.decode().splitlines()
            if "csrf" not in line.lower()
        ]
        for content in (warmed["/grid/"][1], cold["/grid/"][1])
    )
    assert grid_warm == grid_cold


@pytest.mark.django_db(transaction=True)
def test_warming_renders_every_page_and_skips_a_snapshot_not_done(maven_book: Path) -> None:
    call_command("worker", "--batch", stdout=io.StringIO())  # the imports' queued rescore
    snapshot = Snapshot.objects.current(level="product")
    assert snapshot is not None
    assert set(warm(snapshot)) == set(PAGE_URLS) and len(PAGES) == len(PAGE_URLS)
    running = Snapshot.objects.create(status="running", level="product")
    assert warm(running) == {}

"""Warm the shared cache at the end of a rescore, so no visitor pays for a whole-book figure.

A finished snapshot's pages derive figures from the whole book once (the grid's thresholds,
counts and sampled points, the products' buyers, the accounts' filter lists, the white space
map's first page): 1 to 3 s each at 100k accounts, paid by the first visitor after every
rescore, by every web process, and by several at once when they arrive together. The worker
renders those pages once, as a viewer who sees the whole book, right after the snapshot is
done: each page's own code fills the shared cache (``grid_data.cached``) under the very keys
the next request asks for. Viewers who see part of the book (account executives) still compute
theirs on their first visit; their share of the book is smaller.
"""

from __future__ import annotations

import logging
import time

from django.http import HttpRequest
from django.test import RequestFactory
from django.urls import resolve, reverse
from django_htmx.middleware import HtmxDetails

from accountplan.core.models import Role, User
from accountplan.portfolio.models import Snapshot

log = logging.getLogger(__name__)

#: The pages whose whole-book figures are computed ahead (URL names, default filters).
PAGES = ("portfolio:grid", "book:product_list", "book:account_list", "portfolio:whitespace")


def book_viewer() -> User:
    """An unsaved viewer of the whole book: the scope managers, marketing and viewers share."""
    return User(username="rescore-warming", role=Role.VIEWER)


def _request(path: str, user: User) -> HttpRequest:
    request = RequestFactory().get(path)
    request.user = user
    request.resolver_match = resolve(path)
    request.htmx = HtmxDetails(request)  # type: ignore[attr-defined]
    return request


def warm(snapshot: Snapshot) -> dict[str, float]:
    """Render each of ``PAGES`` once for the whole book; seconds per page rendered. One that fails
    is logged and skipped: warming is a head start, never a reason to fail a rescore."""
    if snapshot.cache_key is None:
        return {}
    user = book_viewer()
    took: dict[str, float] = {}
    for name in PAGES:
        path = reverse(name)
        started = time.perf_counter()
        try:
            request = _request(path, user)
            response = resolve(path).func(request)
            status = response.status_code
        except Exception:  # see the docstring: a head start, never a failure
            log.exception("warming %s after snapshot %s failed", path, snapshot.pk)
            continue
        if status != 200:
            log.warning("warming %s after snapshot %s: HTTP %s", path, snapshot.pk, status)
            continue
        took[path] = round(time.perf_counter() - started, 3)
    log.info("warmed the pages of snapshot %s: %s", snapshot.pk, took)
    return took

"""Answers kept for the length of one read request.

A page asks "which snapshot is current?" from several places (the view, the section builders,
the selectors they call): the same indexed query, compiled by the ORM each time (about 1 ms of
Python apiece). During a GET or HEAD request ``memo`` computes each key once; outside a
request (the CLI, the worker, tests calling functions directly) and during writes it computes
every time, so nothing a request changes is read stale.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

_MEMO: ContextVar[dict[Hashable, Any] | None] = ContextVar("accountplan_request_memo", default=None)


def memo[T](key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, once per key within the current read request."""
    store = _MEMO.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    value: T = store[key]
    return value


class RequestMemoMiddleware:
    """Opens a memo for each GET or HEAD request and drops it when the answer is built."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        token = _MEMO.set({})
        try:
            return self.get_response(request)
        finally:
            _MEMO.reset(token)

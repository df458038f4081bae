"""Pagination and sorting helpers shared by list pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 200


def paginate(
    request: HttpRequest,
    queryset: QuerySet[Any],
    per_page: int = DEFAULT_PAGE_SIZE,
    count: int | Callable[[], int] | None = None,
) -> Page[Any]:
    """Return the requested page; out-of-range or junk page numbers fall back to a valid page.

    ``count``, when the caller knows the total already or can count it more cheaply than the
    page's own query (without its joins and annotations), spares the paginator its COUNT(*).
    """
    try:
        size = min(max(int(request.GET.get("per_page", per_page)), 1), MAX_PAGE_SIZE)
    except ValueError:
        size = per_page
    paginator = Paginator(queryset, size)
    if count is not None:
        paginator.__dict__["count"] = count() if callable(count) else count
    return paginator.get_page(request.GET.get("page"))


def sort_key(request: HttpRequest, allowed: Sequence[str], default: str) -> str:
    """Return a safe ``order_by`` key from ``?sort=``; ``-name`` sorts descending."""
    raw = request.GET.get("sort", default)
    return raw if raw.lstrip("-") in allowed else default


def rows_in_order(queryset: QuerySet[Any], ids: Sequence[Any]) -> list[Any]:
    """The rows of ``queryset`` with these primary keys, in the order of ``ids``: the second
    step of a page found as ids first. Sorting a whole table's wide rows (every joined column)
    to keep 25 cost three times sorting their ids (the plans list, 15,000 plans: 16 → 5 ms)."""
    found = queryset.order_by().in_bulk(list(ids))
    return [found[pk] for pk in ids if pk in found]

"""The global search's page (``/search/?q=``) and the JSON the top bar's box asks as the user
types (``/search/suggest/?q=``). Both read ``book.search``, scoped to the signed-in user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from accountplan.book import search

if TYPE_CHECKING:
    from accountplan.core.models import User

#: Results per kind: in the box's list, and on the page.
SUGGEST_LIMIT = 5
PAGE_LIMIT = 25


def _query(request: HttpRequest) -> str:
    """``?q=``, or ``?find=`` (the top bar's box: a page's own filters keep the name ``q``)."""
    return (request.GET.get("q") or request.GET.get("find") or "").strip()[:100]


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    """Every kind's matches for ``?q=`` (up to 25 each), with links to their pages."""
    user: User = request.user  # type: ignore[assignment]
    q = _query(request)
    found = search.search(user, q, limit=PAGE_LIMIT) if q else {}
    groups = [
        {"kind": k, "label": search.KIND_LABELS[k], "hits": found.get(k, [])} for k in search.KINDS
    ]
    return render(
        request,
        "book/pages/search.html",
        {
            "q": q,
            "groups": groups,
            "total": sum(len(g["hits"]) for g in groups),
            "limit": PAGE_LIMIT,
        },
    )


@login_required
def search_suggest(request: HttpRequest) -> JsonResponse:
    """``{"results": [{"kind", "kind_label", "id", "label", "detail", "url"}]}``: up to five per
    kind, accounts first, for the top bar's box."""
    user: User = request.user  # type: ignore[assignment]
    q = _query(request)
    found = search.search(user, q, limit=SUGGEST_LIMIT) if q else {}
    return JsonResponse(
        {
            "query": q,
            "results": [
                {**vars(h), "kind_label": search.KIND_LABELS[h.kind]}
                for k in search.KINDS
                for h in found.get(k, [])
            ],
        }
    )

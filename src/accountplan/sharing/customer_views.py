"""The customer's pages, reached by token only (``/s/<token>/…``).

No account and no session: these views never read ``request.user`` nor touch
``request.session``; a verified one-time code is remembered by a signed cookie limited to the
link's own path. Unknown, expired and revoked tokens all answer the same plain 404; an address
that guesses too much gets a plain 429. Every answer asks browsers not to send the URL (it holds
the token) to other sites as a referrer (``same-origin``: a ``no-referrer`` policy makes
browsers send ``Origin: null`` with the forms, which the CSRF check rightly refuses), not to
cache it, and robots not to index it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accountplan.core.errors import DomainError, NotFound
from accountplan.sharing import conf, customer, export, links
from accountplan.sharing.models import ShareLink
from accountplan.sharing.pages import customer_context

View = Callable[..., HttpResponse]


def _plain(status: int, text: str) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _cookie(link: ShareLink) -> tuple[str, str]:
    return f"apshare{link.pk}", f"sharing.code.{link.token_hash}"


def code_verified(request: HttpRequest, link: ShareLink) -> bool:
    """Whether this browser entered the link's one-time code lately."""
    name, salt = _cookie(link)
    value = request.get_signed_cookie(name, default=None, salt=salt, max_age=conf.CODE_SESSION)
    return value == "ok"


def _harden(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def token_page(page: str, *, needs_code: bool = True) -> Callable[[View], Callable[..., Any]]:
    """Resolve the token (404/429 as plain text), demand the code when the link asks for one,
    log the access, and harden the answer."""

    def wrap(view: View) -> Callable[..., Any]:
        @wraps(view)
        def inner(request: HttpRequest, token: str, **kwargs: Any) -> HttpResponse:
            address = links.client_address(request.META)
            try:
                link = links.resolve(token, address)
            except links.Throttled as exc:
                return _harden(_plain(429, exc.message))
            except NotFound:
                return _harden(HttpResponseNotFound("Not found.", content_type="text/plain"))
            if needs_code and link.require_code and not code_verified(request, link):
                links.log_access(link, "code", address)
                return _harden(
                    render(request, "sharing/customer/code.html", {"link": link, "token": token})
                )
            links.log_access(link, page, address)
            try:
                return _harden(view(request, link, token, **kwargs))
            except DomainError as exc:
                return _harden(_plain(exc.status, exc.message))

        return inner

    return wrap


@require_http_methods(["GET"])
@token_page("page")
def page(request: HttpRequest, link: ShareLink, token: str) -> HttpResponse:
    """The customer's page: the published shared sections, their threads and their actions."""
    context = customer_context(link, token, preview=False)
    return render(request, "sharing/customer/page.html", context)


@require_POST
@token_page("code", needs_code=False)
def code(request: HttpRequest, link: ShareLink, token: str) -> HttpResponse:
    """Send a one-time code by email (``send``), or check one (``code``)."""
    if request.POST.get("send"):
        links.send_code(link)
        return render(
            request, "sharing/customer/code.html", {"link": link, "token": token, "sent": True}
        )
    if links.check_code(link, request.POST.get("code", "")):
        response = redirect(f"/s/{token}/")
        name, salt = _cookie(link)
        response.set_signed_cookie(
            name,
            "ok",
            salt=salt,
            max_age=int(conf.CODE_SESSION.total_seconds()),
            path=f"/s/{token}/",
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        return response
    return render(
        request,
        "sharing/customer/code.html",
        {"link": link, "token": token, "wrong": True},
        status=400,
    )


@require_POST
@token_page("comment")
def comment(request: HttpRequest, link: ShareLink, token: str) -> HttpResponse:
    """The recipient comments on a shared item."""
    section = request.POST.get("section", "")
    item_id = request.POST.get("item", "")
    customer.comment(link, section, item_id, request.POST.get("body", ""))
    return redirect(f"/s/{token}/#item-{item_id}")


@require_POST
@token_page("action")
def action(request: HttpRequest, link: ShareLink, token: str, item_id: str) -> HttpResponse:
    """The recipient completes or updates an action on their side."""
    customer.update_action(
        link, item_id, request.POST.get("status", ""), request.POST.get("due_date", "")
    )
    return redirect(f"/s/{token}/#item-{item_id}")


@require_http_methods(["GET"])
@token_page("json")
def data_json(request: HttpRequest, link: ShareLink, token: str) -> HttpResponse:
    """The published shared view as JSON (what the page shows, nothing more)."""
    view = customer.published_for(link) or {"sections": []}
    return HttpResponse(
        json.dumps(view, ensure_ascii=False, indent=1), content_type="application/json"
    )


@require_http_methods(["GET"])
@token_page("markdown")
def data_markdown(request: HttpRequest, link: ShareLink, token: str) -> HttpResponse:
    """The published shared view as Markdown, to keep or forward."""
    view = customer.published_for(link) or {"sections": []}
    response = HttpResponse(export.markdown(view), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="shared-plan.md"'
    return response

"""The owner's sharing pages: visibility, publish and preview, links, and the comment threads.

Reads need the plan visible to the user; writes need the right to edit it (the same rule as
the plan's own sections).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accountplan.core import fmt
from accountplan.core.errors import DomainError, Forbidden
from accountplan.plans.models import AccountPlan
from accountplan.plans.page_data import account_contacts
from accountplan.plans.querysets import can_edit
from accountplan.sharing import links, rules, services
from accountplan.sharing.models import ShareAccess, ShareLink
from accountplan.sharing.pages import preview_context

if TYPE_CHECKING:
    from accountplan.core.models import User


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _plan(request: HttpRequest, pk: int) -> AccountPlan:
    qs = AccountPlan.objects.for_user(_user(request)).select_related("account", "owner")
    return get_object_or_404(qs, pk=pk)


def _editable(request: HttpRequest, pk: int) -> AccountPlan:
    plan = _plan(request, pk)
    if not can_edit(_user(request), plan):
        raise PermissionDenied("You may read this plan but not change what is shared.")
    return plan


def visibility_rows(plan: AccountPlan, user: User) -> dict[str, Any]:
    """The visibility form's rows: each shareable section with its items and whether shared,
    and the internal-for-good sections (shown, never offered)."""
    config = services.config_of(plan)
    data = services.section_data(plan)
    rows = []
    for key, spec in rules.SHAREABLE.items():
        lists = []
        for ls in spec.lists:
            items = []
            for raw in (data.get(key) or {}).get(ls.key) or []:
                item_id = str(raw.get("id"))
                items.append(
                    {
                        "value": f"{key}.{ls.key}:{item_id}",
                        "id": item_id,
                        "title": (
                            fmt.label(raw.get(ls.title_field))
                            if ls.title_field == "kind"
                            else str(raw.get(ls.title_field) or fmt.DASH)
                        ),
                        "shared": item_id in config.items.get(f"{key}.{ls.key}", ()),
                        "customer_owner": config.customer_owners.get(item_id),
                    }
                )
            lists.append({"key": ls.key, "title": ls.title, "items": items})
        rows.append(
            {"key": key, "title": spec.title, "shared": key in config.sections, "lists": lists}
        )
    internal = list(rules.NEVER_SHAREABLE_SECTIONS.values()) + list(
        rules.NEVER_SHAREABLE_LISTS.values()
    )
    return {
        "rows": rows,
        "internal": internal,
        "goal_amounts": config.goal_amounts,
        "contacts": account_contacts(user, plan.account),
        "shared_count": len(config.sections),
    }


@login_required
def sharing_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about sharing this plan on one page."""
    return _render_page(request, _plan(request, pk))


def _render_page(request: HttpRequest, plan: AccountPlan, new_link: str = "") -> HttpResponse:
    last = services.latest(plan)
    plan_links = list(ShareLink.objects.filter(plan=plan).select_related("created_by"))
    now = timezone.now()
    recent = ShareAccess.objects.filter(link__plan=plan).select_related("link")[:30]
    threads = services.threads(plan)
    titles = rules.view_items(last.data) if last else {}
    context = {
        "plan": plan,
        "account": plan.account,
        "editable": can_edit(_user(request), plan),
        "last": last,
        "changes": services.changes(plan),
        "active_links": [lk for lk in plan_links if lk.is_active(now)],
        "ended_links": [lk for lk in plan_links if not lk.is_active(now)],
        "accesses": recent,
        "threads": [
            {
                "section": key[0],
                "item": key[1],
                "title": titles.get(key, {}).get("title", "(no longer shared)"),
                "comments": comments,
            }
            for key, comments in threads.items()
        ],
        "new_link": new_link,
        "default_expiry": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "shareable": rules.SHAREABLE.values(),
        **visibility_rows(plan, _user(request)),
    }
    return render(request, "sharing/owner/sharing.html", context)


def _parse_visibility(post: Any) -> dict[str, Any]:
    items: dict[str, set[str]] = {}
    for value in post.getlist("item"):
        list_key, _, item_id = value.partition(":")
        items.setdefault(list_key, set()).add(item_id)
    owners = {}
    for name, value in post.items():
        if name.startswith("owner_") and value.strip().isdigit():
            owners[name.removeprefix("owner_")] = int(value)
    return {
        "sections": set(post.getlist("section")),
        "items": items,
        "goal_amounts": post.get("goal_amounts") == "on",
        "customer_owners": owners,
    }


@login_required
@require_POST
def visibility(request: HttpRequest, pk: int) -> HttpResponse:
    """Save what is shared (internal-for-good sections are refused, 422)."""
    plan = _editable(request, pk)
    try:
        services.set_visibility(plan, _user(request), **_parse_visibility(request.POST))
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain")
    messages.success(request, "Saved what is shared. Publish to show it to the customer.")
    return redirect("sharing:plan", pk=plan.pk)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the shared view: customers see it from now on."""
    plan = _editable(request, pk)
    rev = services.publish(plan, _user(request))
    messages.success(request, f"Published shared view {rev.number}.")
    return redirect("sharing:plan", pk=plan.pk)


@login_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The shared view as it would be published now, exactly as the customer will see it."""
    plan = _plan(request, pk)
    return render(request, "sharing/customer/page.html", preview_context(plan))


@login_required
@require_POST
def link_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Create a link; its address is shown once, on the next page."""
    plan = _editable(request, pk)
    expires = None
    raw_day = request.POST.get("expires", "").strip()
    try:
        if raw_day:
            day = dt.date.fromisoformat(raw_day)
            expires = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))
        new = links.create_link(
            plan,
            _user(request),
            email=request.POST.get("email", ""),
            name=request.POST.get("name", ""),
            sections=request.POST.getlist("sections"),
            expires=expires,
            require_code=request.POST.get("require_code") == "on",
        )
    except ValueError:
        messages.error(request, "The expiry must be a date (YYYY-MM-DD).")
        return redirect("sharing:plan", pk=plan.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("sharing:plan", pk=plan.pk)
    # Shown once, in this answer only: the raw token is stored nowhere.
    return _render_page(request, plan, request.build_absolute_uri(new.path()))


@login_required
@require_POST
def link_revoke(request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
    """Revoke a link now."""
    plan = _editable(request, pk)
    link = get_object_or_404(ShareLink, pk=link_id, plan=plan)
    links.revoke(link, _user(request))
    messages.success(request, f"Revoked the link of {link.recipient}.")
    return redirect("sharing:plan", pk=plan.pk)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Our answer in a shared item's thread."""
    plan = _editable(request, pk)
    try:
        services.answer(
            plan,
            _user(request),
            request.POST.get("section", ""),
            request.POST.get("item", ""),
            request.POST.get("body", ""),
        )
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:  # an empty answer, or an item no longer shared
        messages.error(request, exc.message)
    return redirect("sharing:plan", pk=plan.pk)

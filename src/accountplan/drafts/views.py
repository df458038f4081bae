"""The plan page's drafts: "Draft this section" / "Draft the whole plan" answer a panel beside
the section (htmx); accepting writes the chosen entries as revisions marked as drafted.

Only who may edit the plan drafts it (a draft is stored); a plan the user may not see is a 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accountplan.core.errors import DomainError
from accountplan.drafts import page, services
from accountplan.plans import sections as s
from accountplan.plans.models import AccountPlan
from accountplan.plans.querysets import can_edit
from accountplan.plans.sections_view import SectionsView
from accountplan.plans.services import SectionConflict

if TYPE_CHECKING:
    from accountplan.core.models import User


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _scope(value: str) -> str:
    if value == "plan" or value in s.SectionKey.values:
        return value
    raise Http404("No such section.")


@login_required
@require_POST
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft one section (``section``) or the whole plan (``section=plan``): the panel."""
    plan = get_object_or_404(
        AccountPlan.objects.for_user(_user(request)).select_related("account"), pk=pk
    )
    if not can_edit(_user(request), plan):
        raise PermissionDenied("Only who may edit this plan drafts it.")
    scope = _scope(request.POST.get("section", "plan"))
    record = services.create_draft(plan, None, None if scope == "plan" else [scope], _user(request))
    return render(request, "drafts/_panel.html", page.panel(record, scope))


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept all (``all``) or the chosen entries (``entry``), with edited texts
    (``text-<ref>``), on top of the versions shown (``base-<key>``)."""
    user = _user(request)
    try:
        record = services.visible_draft(user, pk)
    except DomainError:
        raise Http404("No such draft.") from None
    if record.plan is None or not can_edit(user, record.plan):
        raise PermissionDenied("Only who may edit this plan accepts its drafts.")
    scope = _scope(request.POST.get("scope", "plan"))
    ctx = page.panel(record, scope)
    refs = None if request.POST.get("all") else request.POST.getlist("entry")
    edits = {k[5:]: str(v) for k, v in request.POST.items() if k.startswith("text-")}
    bases = {}
    for key in s.SectionKey.values:
        raw = request.POST.get(f"base-{key}", "")
        if raw.isdigit():
            bases[key] = int(raw)
    try:
        result = services.accept_draft(record, user, refs, edits, bases)
    except SectionConflict as exc:
        ctx["error"] = exc.message
        return render(request, "drafts/_panel.html", ctx, status=409)
    except DomainError as exc:
        ctx["error"] = exc.message
        return render(request, "drafts/_panel.html", ctx, status=exc.status)
    plan = result.plan or record.plan
    if scope == "plan":
        saved = ", ".join(s.title_of(k) for k in result.saved) or "nothing new"
        messages.success(request, f"Draft accepted: {saved}.")
        response = HttpResponse("")
        response["HX-Redirect"] = reverse("plans:detail", args=[plan.pk])
        return response
    sec = SectionsView(user, plan).one(scope, saved=scope in result.saved)
    sec["drafted_note"] = result.summaries.get(scope) or "Nothing new to add: the plan has it."
    sec["drafted_skipped"] = result.skipped
    response = render(request, "plans/partials/section.html", sec)
    response["HX-Trigger"] = "plan-saved"
    return response

"""The home page (what needs my attention) and snoozing a finding. Thin: data from selectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accountplan.core import fmt
from accountplan.core.errors import DomainError
from accountplan.governance import selectors, services
from accountplan.governance.home_slots import render_slots
from accountplan.governance.models import Finding
from accountplan.plans.querysets import may_write_plans

PAGE_SIZE = 25
#: What the page shows of a finding and of its account's owner (the group heading): the rest
#: of three tables' columns is not read (tests/governance/test_tally.py counts the queries).
LISTED = (
    "rule",
    "severity",
    "summary",
    "evidence",
    "fix_url",
    "rank",
    "opened_at",
    "account_id",
    "plan_id",
    "account__owner_id",
    "account__owner__username",
    "account__owner__first_name",
    "account__owner__last_name",
)


def _user(request: HttpRequest) -> Any:
    return request.user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What needs my attention (or my team's, for a manager), my actions, counts by kind."""
    user = _user(request)
    today = timezone.localdate()
    has_team = selectors.has_team(user)
    team = has_team and request.GET.get("view", "team") == "team"
    findings = selectors.attention(user, team, today)
    rule = request.GET.get("rule", "")
    whole = today if selectors.sees_all_findings(user, team) else None
    counts = selectors.counts_by_rule(findings, whole)
    if rule:
        findings = findings.filter(rule=rule)
    findings = findings.only(*LISTED)
    paginator = Paginator(findings, PAGE_SIZE)
    # the counts by kind already hold the total: no second count over every open finding
    paginator.count = sum(c["count"] for c in counts if not rule or c["rule"] == rule)
    page = paginator.get_page(request.GET.get("page"))
    # a manager's page keeps the book's ranking across pages and groups each page by owner
    groups = selectors.by_owner(list(page.object_list)) if team else []
    acts = selectors.actions(user, team, today)
    return render(
        request,
        "governance/home.html",
        {
            "page_obj": page,
            "groups": groups,
            "counts": counts,
            "total": sum(c["count"] for c in counts),
            "rule": rule,
            "team": team,
            "has_team": has_team,
            "acts": acts,
            "slots": render_slots(user, team, today),
            "can_snooze": may_write_plans(user),
            "snooze": _snooze_form(request, today),
        },
    )


def _snooze_form(request: HttpRequest, today: dt.date) -> dict[str, Any]:
    """What every finding's snooze form shares, built once a page instead of once a finding
    (a URL, a CSRF field and two dates for each of 25 findings: 3 of the page's 9 ms)."""
    start, _, end = reverse("governance:snooze", args=[0]).rpartition("/0/")
    hidden = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="next" value="{}">',
        get_token(request),
        request.get_full_path(),
    )
    return {
        "action_start": start + "/",
        "action_end": "/" + end,
        "hidden": hidden,
        "min": (today + dt.timedelta(days=1)).isoformat(),
        "value": (today + dt.timedelta(days=14)).isoformat(),
    }


@login_required
@require_POST
def snooze(request: HttpRequest, pk: int) -> HttpResponse:
    """Snooze a finding the user may see, with a reason and a date."""
    user = _user(request)
    if not may_write_plans(user):
        raise PermissionDenied("A Viewer cannot snooze findings.")
    finding = get_object_or_404(Finding.objects.for_user(user), pk=pk)
    try:
        until = dt.date.fromisoformat(request.POST.get("until", ""))
        services.snooze(finding, user, request.POST.get("reason", ""), until)
    except ValueError:
        messages.error(request, "Give the date to snooze until as YYYY-MM-DD.")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Snoozed until {fmt.date(until)}: {finding.summary}")
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("home")

"""Pages of the follow-up: a plan's reviews, a micro-plan, the win-back report, the number."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accountplan.core.errors import DomainError
from accountplan.followup import reports
from accountplan.followup.csvsafe import safe_cell
from accountplan.followup.models import LostDealPlan, MicroPlanStatus, Target
from accountplan.followup.number import the_number
from accountplan.followup.selectors import may_act_on_account, micro_plans, why
from accountplan.followup.services import create_review, reengage
from accountplan.followup.targets import import_targets
from accountplan.plans.models import AccountPlan
from accountplan.plans.querysets import can_edit

if TYPE_CHECKING:
    from accountplan.core.models import User


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _plan(request: HttpRequest, pk: int) -> AccountPlan:
    qs = AccountPlan.objects.for_user(_user(request)).select_related("account", "owner")
    return get_object_or_404(qs, pk=pk)


@login_required
def plan_reviews(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan's reviews, compared over time (each snapshot's change from the one before), and
    the form to record one (POST, for who may edit the plan)."""
    plan = _plan(request, pk)
    user = _user(request)
    editable = can_edit(user, plan)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("You can read this plan but not review it.")
        try:
            day = dt.date.fromisoformat(
                request.POST.get("reviewed_on") or dt.date.today().isoformat()
            )
        except ValueError:
            messages.error(request, "The review date must be a date (YYYY-MM-DD).")
            return redirect("followup:plan_reviews", pk=plan.pk)
        revisions = [int(x) for x in request.POST.getlist("revisions") if x.isdigit()]
        try:
            create_review(
                plan,
                user,
                reviewed_on=day,
                findings=request.POST.get("findings", "").splitlines(),
                recalibrations=request.POST.get("recalibrations", ""),
                revision_ids=revisions,
            )
        except DomainError as exc:
            raise PermissionDenied(exc.message) from exc
        messages.success(request, f"Review of {day} recorded with the plan's figures.")
        return redirect("followup:plan_reviews", pk=plan.pk)
    reviews = list(plan.reviews.select_related("reviewer").prefetch_related("revisions"))
    context = {
        "plan": plan,
        "editable": editable,
        "rows": reports.review_rows(reviews),
        "revisions": plan.revisions.order_by("-created_at")[:20],
        "today": dt.date.today(),
    }
    return render(request, "followup/reviews.html", context)


def _micro(request: HttpRequest, pk: int) -> LostDealPlan:
    return get_object_or_404(micro_plans(_user(request)), pk=pk)


@login_required
def micro_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """A lost deal's micro-plan: its snapshot, date, debrief and conditions (editable); a POST
    with ``action=drop`` closes it (no longer watched)."""
    micro = _micro(request, pk)
    user = _user(request)
    editable = may_act_on_account(user, micro.account_id)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("You can read this micro-plan but not change it.")
        if request.POST.get("action") == "drop":
            micro.status = MicroPlanStatus.DROPPED
            micro.save(update_fields=["status"])
            messages.success(request, "Micro-plan closed: the lost deal is no longer watched.")
            return redirect("followup:micro_plan", pk=micro.pk)
        try:
            micro.reengage_on = dt.date.fromisoformat(request.POST["reengage_on"])
            end = request.POST.get("competitor_contract_end", "")
            micro.competitor_contract_end = dt.date.fromisoformat(end) if end else None
        except (KeyError, ValueError):
            messages.error(request, "Dates must be YYYY-MM-DD.")
            return redirect("followup:micro_plan", pk=micro.pk)
        micro.news_signal = request.POST.get("news_signal", "")[:2000]
        micro.debrief = request.POST.get("debrief", "")[:5000]
        micro.debrief_done = request.POST.get("debrief_done") == "on"
        micro.save()
        messages.success(request, "Micro-plan saved.")
        return redirect("followup:micro_plan", pk=micro.pk)
    context = {"m": micro, "editable": editable, "why": why(micro, dt.date.today())}
    return render(request, "followup/micro_plan.html", context)


@login_required
@require_POST
def reengage_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the win-back deal of a micro-plan and go to it."""
    micro = _micro(request, pk)
    try:
        win = reengage(micro, _user(request))
    except DomainError as exc:
        raise PermissionDenied(exc.message) from exc
    messages.success(request, "Win-back opportunity opened, linked to the lost deal.")
    return redirect("book:opportunity_detail", pk=win.pk)


@login_required
def winback_report(request: HttpRequest) -> HttpResponse:
    """Lost deals, and the pipeline and won revenue of their win-backs, by reason and competitor."""
    qs = micro_plans(_user(request))
    context = {
        "by_reason": reports.winback_by(qs, "reason"),
        "by_competitor": reports.winback_by(qs, "competitor"),
        "micro_plans": qs.order_by("reengage_on", "pk")[:200],
    }
    return render(request, "followup/winback.html", context)


@login_required
def number_page(request: HttpRequest) -> HttpResponse:
    """Next year's number for a period: targets, goal builds, run rate, gap; a target form
    and a CSV import for managers; ``?format=csv`` downloads it."""
    user = _user(request)
    period = (request.GET.get("period") or request.POST.get("period") or "").strip()
    if request.method == "POST":
        if not user.can_edit_book:
            raise PermissionDenied("Only managers and admins set targets.")
        try:
            upload = request.FILES.get("file")
            if upload is not None:
                n = import_targets(upload.read())
                messages.success(request, f"Imported {n} targets.")
            else:
                reports.save_target(request.POST)
                messages.success(request, "Target saved.")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(f"{request.path}?period={period}")
    rows = the_number(user, period) if period else []
    if request.GET.get("format") == "csv":
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(["Kind", "Name", "Target", "Goal builds", "Run rate", "Gap", "Plans"])
        for r in rows:
            d = r.as_dict()
            w.writerow(
                [
                    safe_cell(d[k])
                    for k in ("kind", "label", "target", "goal_build", "run_rate", "gap", "plans")
                ]
            )
        resp = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        resp["Content-Disposition"] = f'attachment; filename="number-{safe_cell(period)}.csv"'
        return resp
    drill = request.GET.get("drill", "")
    context: dict[str, Any] = {
        "period": period,
        "rows": rows,
        "drill": next((r for r in rows if f"{r.kind}:{r.key}" == drill), None),
        "may_set": user.can_edit_book,
        "periods": sorted(
            set(AccountPlan.objects.order_by().values_list("period", flat=True).distinct())
            | set(Target.objects.order_by().values_list("period", flat=True).distinct())
        ),
    }
    return render(request, "followup/number.html", context)

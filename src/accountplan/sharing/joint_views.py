"""The owner's pages of joint expectations and the customer scorecard, under
``/plans/<pk>/sharing/``: reads need the plan visible, writes the right to edit it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accountplan.core.errors import DomainError, Forbidden
from accountplan.plans.querysets import can_edit
from accountplan.sharing import expectations, scorecard_export, scorecard_services
from accountplan.sharing import scorecard as sc
from accountplan.sharing.models import Side
from accountplan.sharing.views import _editable, _plan, _user

#: Review rows the form posts at most.
MAX_ROWS = 2 * expectations.MAX_EXPECTATIONS


@login_required
def expectations_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Our expectations, the customer's once revealed, and the side-by-side review."""
    plan = _plan(request, pk)
    rnd = expectations.latest_round(plan)
    user = _user(request)
    view = expectations.side_view(rnd, Side.US)
    rows = expectations.review_rows(rnd) if rnd is not None and rnd.revealed else []
    context = {
        "plan": plan,
        "account": plan.account,
        "editable": can_edit(user, plan),
        "may_open": expectations.may_open(user, plan),
        "e": view,
        "rows": rows,
        "theirs_all": view["theirs"],
        "ours_all": view["mine"],
    }
    return render(request, "sharing/owner/expectations.html", context)


def _done(request: HttpRequest, pk: int, call: object, ok: str) -> HttpResponse:
    try:
        call()  # type: ignore[operator]
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok)
    return redirect("sharing:expectations", pk=pk)


@login_required
@require_POST
def expectations_ours(request: HttpRequest, pk: int) -> HttpResponse:
    """Save our expectations (``hand_in``: final)."""
    plan = _editable(request, pk)
    hand_in = bool(request.POST.get("hand_in"))
    return _done(
        request,
        pk,
        lambda: expectations.write_ours(
            plan, _user(request), request.POST.getlist("expectation"), hand_in=hand_in
        ),
        "Handed in our expectations." if hand_in else "Saved our draft.",
    )


@login_required
@require_POST
def expectations_open(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner shows both sides' expectations before both are in."""
    plan = _editable(request, pk)
    return _done(
        request,
        pk,
        lambda: expectations.open_round(plan, _user(request)),
        "Opened: both sides now see both lists.",
    )


@login_required
@require_POST
def expectations_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the next joint expectation session."""
    plan = _editable(request, pk)
    return _done(
        request,
        pk,
        lambda: expectations.start_round(plan, _user(request)),
        "A new joint expectation session is open to both sides.",
    )


@login_required
@require_POST
def expectations_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the side-by-side review; agreed actions join the plan's action plan."""
    plan = _editable(request, pk)
    post = request.POST
    rows = [
        {
            "theirs": post.get(f"theirs_{i}", ""),
            "ours": post.get(f"ours_{i}", ""),
            "alignment": post.get(f"alignment_{i}", ""),
            "agreed_action": post.get(f"action_{i}", ""),
            "due_date": post.get(f"due_{i}", ""),
        }
        for i in range(MAX_ROWS)
    ]
    return _done(
        request,
        pk,
        lambda: expectations.save_review(plan, _user(request), rows),
        "Saved the review. Agreed actions are in the action plan.",
    )


@login_required
def scorecard_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer's scorecard of us: metrics, weights, each quarter's scores and the trend."""
    plan = _plan(request, pk)
    rows = scorecard_services.history(plan)
    metrics = scorecard_services.active_metrics(plan)
    context = {
        "plan": plan,
        "account": plan.account,
        "metrics": list(zip(metrics, sc.shares([m.weight for m in metrics]), strict=True)),
        "history": list(reversed(rows)),
        "chart": scorecard_services.chart(rows, width=480, height=160),
        "drop": sc.DEFAULT_DROP,
    }
    return render(request, "sharing/owner/scorecard.html", context)


@login_required
def scorecard_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The scorecard history as CSV or XLSX (text cells escaped against formulas)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404("The scorecard downloads as .csv or .xlsx.")
    plan = _plan(request, pk)
    rows = scorecard_services.history(plan)
    stem = scorecard_export.filename_stem(plan)
    if fmt == "xlsx":
        response = HttpResponse(
            scorecard_export.to_xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(scorecard_export.to_csv(rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response

"""The customer's writes of joint expectations and the scorecard, by token only (the same
guard as the rest of the customer's pages: ``customer_views.token_page``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accountplan.sharing import expectations, scorecard_services
from accountplan.sharing.customer_views import token_page
from accountplan.sharing.models import ShareLink

#: Rows the metrics form posts at most (the form shows fewer).
MAX_ROWS = 30


@require_POST
@token_page("expectations")
def write_expectations(request: HttpRequest, link: ShareLink, token: str) -> HttpResponse:
    """The recipient saves their expectations (``hand_in``: final, shown to us once ours are
    in too)."""
    expectations.write_customer(
        link, request.POST.getlist("expectation"), hand_in=bool(request.POST.get("hand_in"))
    )
    return redirect(f"/s/{token}/#expectations")


@require_POST
@token_page("scorecard")
def write_metrics(request: HttpRequest, link: ShareLink, token: str) -> HttpResponse:
    """The recipient's metrics and weights (rows ``name_N``/``weight_N``)."""
    rows = [
        (request.POST.get(f"name_{i}", ""), request.POST.get(f"weight_{i}", ""))
        for i in range(MAX_ROWS)
    ]
    scorecard_services.set_metrics(link, rows)
    return redirect(f"/s/{token}/#scorecard")


@require_POST
@token_page("scorecard")
def write_scores(request: HttpRequest, link: ShareLink, token: str) -> HttpResponse:
    """The recipient scores a quarter (``score_<metric>`` 1–5 or ``na``, ``comment_<metric>``)."""
    scores = {
        m.pk: (request.POST.get(f"score_{m.pk}", ""), request.POST.get(f"comment_{m.pk}", ""))
        for m in scorecard_services.active_metrics(link.plan)
    }
    scorecard_services.score_period(link, request.POST.get("period", ""), scores)
    return redirect(f"/s/{token}/#scorecard")

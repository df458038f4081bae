"""Pages of the fit scorecard: one opportunity's scorecard (read, answer) and the settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from accountplan.book.detail_selectors import visible_opportunity
from accountplan.core.errors import DomainError
from accountplan.fit import selectors, services
from accountplan.fit.models import Answer
from accountplan.fit.scoring import ASKED, FitConfig, FitResult
from accountplan.fit.settings import FitSettingsError, parse_toml, to_toml

if TYPE_CHECKING:
    from accountplan.core.models import User


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _sections(config: FitConfig, result: FitResult, stored: dict[str, Any]) -> list[dict[str, Any]]:
    """The form's fieldsets: the gates, each block, the demand signals; each question with its
    current answer, evidence and (for the relationship map's) its value read from the data."""
    parts: dict[tuple[str, str], Any] = {(p.kind, p.key): p for p in result.parts}

    def row(q: Any, kind: str) -> dict[str, Any]:
        a = stored.get(q.key)
        part = parts.get((kind, q.key))
        return {
            "key": q.key,
            "text": q.text,
            "asked": q.source == ASKED,
            "value": a.value if a else Answer.UNKNOWN,
            "evidence": a.evidence if a else "",
            "answer": part.answer if part else Answer.UNKNOWN,
            "weight": q.weight,
            "points": part.points if part else None,
            "formula": part.formula if part else "",
        }

    out = [
        {
            "key": "gates",
            "label": "Gates",
            "hint": "Answered no, either stops the scoring: the deal is disqualified.",
            "rows": [row(g, "gate") for g in config.gates],
        }
    ]
    for b in config.blocks:
        bp = parts.get(("block", b.key))
        out.append(
            {
                "key": b.key,
                "label": b.label,
                "hint": f"Weight {b.weight.normalize():f}"
                + (f" · {bp.formula}" if bp and not result.gated else ""),
                "rows": [row(q, "question") for q in b.questions],
            }
        )
    out.append(
        {
            "key": "demand",
            "label": "Established or emerging demand",
            "hint": "Not part of the score: a separate reading, with the evidence.",
            "rows": [row(s, "signal") for s in config.demand],
        }
    )
    return out


@login_required
def opportunity_fit(request: HttpRequest, pk: int) -> HttpResponse:
    """One deal's fit scorecard: the score and its parts, the form, the discovery questions and
    the history of answers. POST saves answers (who may write the account's plans)."""
    user = _user(request)
    opp = visible_opportunity(user, pk)
    if opp is None:
        raise Http404("No such opportunity.")
    editable = services.may_answer(user, opp)
    config = selectors.current_config()
    status = 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("You can read this deal but not score it.")
        given = {
            q.key: (
                request.POST.get(f"a_{q.key}", Answer.UNKNOWN),
                request.POST.get(f"e_{q.key}", ""),
            )
            for q in config.questions()
            if q.source == ASKED and f"a_{q.key}" in request.POST
        }
        try:
            services.save_answers(user, opp, given)
        except DomainError as exc:
            messages.error(request, exc.message)
            status = exc.status
        else:
            messages.success(request, "Fit scorecard saved.")
            return HttpResponseRedirect(reverse("fit:opportunity", args=[pk]) + "#fit-score")
    scored = selectors.scored_one(opp, config)
    plan = services.active_plan(opp)
    labels = {q.key: q.text for q in config.questions()}
    context = {
        "opp": opp,
        "result": scored.result,
        "sections": _sections(config, scored.result, scored.answers),
        "analytics": [p for p in scored.result.parts if p.kind == "analytics"],
        "choices": Answer.choices,
        "editable": editable,
        "plan": plan,
        "history": [
            {"label": labels.get(h.key, h.key), **vars(h), "changed_by": h.changed_by}
            for h in selectors.history(opp)
        ],
    }
    return render(request, "fit/pages/opportunity_fit.html", context, status=status)


@login_required
def fit_settings(request: HttpRequest) -> HttpResponse:
    """The fit scorecard's settings as TOML: everyone reads them; managers and admins change
    them (the scores follow at once)."""
    user = _user(request)
    row = selectors.stored_settings()
    text = to_toml(row.layout or selectors.current_layout())
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if not user.can_edit_book:
            raise PermissionDenied("Only managers and admins may change the fit scorecard.")
        text = request.POST.get("toml", "")
        try:
            services.save_settings(user, parse_toml(text))
        except FitSettingsError as exc:
            errors = list(exc.details) if isinstance(exc.details, list) else [exc.message]
            status = 422
        else:
            messages.success(request, "Fit scorecard saved; every deal's fit follows it now.")
            return HttpResponseRedirect(reverse("fit:settings"))
    config = selectors.current_config()
    return render(
        request,
        "fit/pages/settings.html",
        {
            "text": text,
            "errors": errors,
            "config": config,
            "editable": user.can_edit_book,
            "row": row,
        },
        status=status,
    )


@login_required
def fit_settings_toml(request: HttpRequest) -> HttpResponse:
    """The settings as a TOML file (``accountplan fitcard import`` reads it back)."""
    response = HttpResponse(to_toml(selectors.current_layout()), content_type="application/toml")
    response["Content-Disposition"] = 'attachment; filename="fit-scorecard.toml"'
    return response

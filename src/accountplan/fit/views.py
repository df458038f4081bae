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
from accountplan.fit.scoring import ANALYTICS_HOW, ANALYTICS_LABELS, ASKED, FitConfig, FitResult
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
    said = dict(Answer.choices)
    context = {
        "opp": opp,
        "result": scored.result,
        "formula": scored.result.as_dict()["formula"],
        "sections": _sections(config, scored.result, scored.answers),
        "score_parts": [
            p.as_dict() for p in scored.result.parts if p.kind in ("block", "analytics")
        ],
        "choices": Answer.choices,
        "editable": editable,
        "plan": plan,
        "history": [
            {
                **vars(h),
                "label": labels.get(h.key, h.key),
                "changed_by": h.changed_by,
                "old_value": said.get(h.old_value, ""),
                "new_value": said.get(h.new_value, h.new_value),
            }
            for h in selectors.history(opp)
        ],
    }
    return render(request, "fit/pages/opportunity_fit.html", context, status=status)


def _posted_layout(request: HttpRequest, layout: dict[str, Any]) -> dict[str, Any]:
    """The settings the form sends: an uploaded TOML file replaces them all; else the weights,
    band thresholds and guidance typed in the form replace the current ones (as typed: the
    validation names what is wrong)."""
    upload = request.FILES.get("toml_file")
    if upload is not None:
        if upload.size and upload.size > 200_000:
            raise FitSettingsError("The TOML file is larger than 200 KB.")
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FitSettingsError("The TOML file is not UTF-8 text.") from exc
        return parse_toml(text)
    post = request.POST
    for b in layout["blocks"]:
        b["weight"] = post.get(f"w_block_{b['key']}", b["weight"])
        for q in b["questions"]:
            q["weight"] = post.get(f"w_q_{q['key']}", q["weight"])
    for key in list(layout["analytics"]):
        layout["analytics"][key] = post.get(f"w_a_{key}", layout["analytics"][key])
    for i, band in enumerate(layout["bands"]):
        band["min_score"] = post.get(f"band_{i}_min", band["min_score"])
        band["label"] = post.get(f"band_{i}_label", band["label"])
        band["guidance"] = post.get(f"band_{i}_guidance", band["guidance"])
    return layout


@login_required
def fit_settings(request: HttpRequest) -> HttpResponse:
    """The fit scorecard's settings: everyone reads them; managers and admins change the weights,
    bands and guidance in the form, or everything with a TOML file (the scores follow at once)."""
    user = _user(request)
    row = selectors.stored_settings()
    layout = selectors.current_layout()
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if not user.can_edit_book:
            raise PermissionDenied("Only managers and admins may change the fit scorecard.")
        try:
            services.save_settings(user, _posted_layout(request, layout))
        except FitSettingsError as exc:
            errors = [str(e) for e in exc.details] if isinstance(exc.details, list) else []
            errors = errors or [exc.message]
            status = 422
        else:
            messages.success(request, "Fit scorecard saved; every deal's fit follows it now.")
            return HttpResponseRedirect(reverse("fit:settings"))
    return render(
        request,
        "fit/pages/settings.html",
        {
            "layout": layout,
            "errors": errors,
            "config": selectors.current_config(),
            "editable": user.can_edit_book,
            "row": row,
            "analytics_labels": ANALYTICS_LABELS,
            "analytics_how": ANALYTICS_HOW,
        },
        status=status,
    )


@login_required
def fit_settings_toml(request: HttpRequest) -> HttpResponse:
    """The settings as a TOML file (``accountplan fitcard import`` reads it back)."""
    response = HttpResponse(to_toml(selectors.current_layout()), content_type="application/toml")
    response["Content-Disposition"] = 'attachment; filename="fit-scorecard.toml"'
    return response

"""The "Drafting model" settings page (managers and admins): whether drafts are written offline
or rewritten by a model, where customer data goes, and a connection test with no customer data.

The model is configured in the environment (docs/configuration.md), not on this page: the page
says what is configured and how to change it.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from accountplan.core.models import User
from accountplan.drafts.model import ConnectionResult, check_connection
from accountplan.drafts.model_config import DATA_SENT, current_config

FORBIDDEN = "Only managers and admins see and test the drafting model's settings."


def _editor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.can_edit_book:
        raise PermissionDenied(FORBIDDEN)
    return user


def _page(request: HttpRequest, result: ConnectionResult | None = None) -> HttpResponse:
    config = current_config()
    return render(
        request,
        "drafts/pages/drafting_model.html",
        {
            "config": config,
            "problem": config.problem(),
            "data_sent": DATA_SENT,
            "file_name": Path(config.model_path).name if config.model_path else "",
            "timeout": f"{config.timeout:g} s",
            "temperature": f"{config.temperature:g}",
            "result": result,
        },
    )


@login_required
@require_GET
def drafting_model(request: HttpRequest) -> HttpResponse:
    """What drafts are written with, and where customer data goes."""
    _editor(request)
    return _page(request)


@login_required
@require_POST
def drafting_model_test(request: HttpRequest) -> HttpResponse:
    """Send a tiny prompt with no customer data to the configured model; show what came back."""
    _editor(request)
    return _page(request, check_connection())

"""API of the drafting model's settings: what is configured and where customer data goes, and
a connection test with no customer data. Managers and admins only, as the page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from accountplan.core.api_auth import api_user
from accountplan.core.api_common import AUTH_ERRORS, ErrorOut
from accountplan.core.errors import Forbidden
from accountplan.drafts.model import check_connection
from accountplan.drafts.model_config import DATA_SENT, ModelConfig, current_config
from accountplan.drafts.model_views import FORBIDDEN

router = Router(tags=["drafting model"])
ERRORS: dict[int, Any] = {**AUTH_ERRORS, 403: ErrorOut}


class DraftingModelOut(Schema):
    kind: str
    kind_label: str
    model: str | None
    host: str | None
    data_leaves_machine: bool
    data_sent: str | None
    api_key_set: bool
    timeout_seconds: float | None
    temperature: float | None
    problem: str | None


class ConnectionOut(Schema):
    ok: bool
    message: str
    elapsed_ms: int | None
    answer: str | None


def _editor(request: HttpRequest) -> None:
    if not api_user(request).can_edit_book:
        raise Forbidden(FORBIDDEN)


def _out(config: ModelConfig) -> DraftingModelOut:
    configured = config.kind != "offline"
    return DraftingModelOut(
        kind=config.kind,
        kind_label=config.kind_label,
        model=config.model_name or None,
        host=config.host or None,
        data_leaves_machine=config.leaves_machine,
        data_sent=DATA_SENT if configured else None,
        api_key_set=config.has_api_key,
        timeout_seconds=config.timeout if configured else None,
        temperature=config.temperature if configured else None,
        problem=config.problem() or None,
    )


@router.get("/drafting-model", response={200: DraftingModelOut, **ERRORS}, summary="Drafting model")
def drafting_model(request: HttpRequest) -> DraftingModelOut:
    """The drafting model configured (``offline`` by default: nothing leaves the machine); the
    API key is never returned, only whether one is set."""
    _editor(request)
    return _out(current_config())


@router.post(
    "/drafting-model/test",
    response={200: ConnectionOut, **ERRORS},
    summary="Test the drafting model",
)
def drafting_model_test(request: HttpRequest) -> ConnectionOut:
    """Send a tiny prompt with no customer data to the configured model; ``ok`` says whether it
    answered with JSON (``false`` when drafts are offline)."""
    _editor(request)
    result = check_connection()
    return ConnectionOut(
        ok=result.ok,
        message=result.message,
        elapsed_ms=result.elapsed_ms,
        answer=result.answer or None,
    )

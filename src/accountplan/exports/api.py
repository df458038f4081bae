"""The plan exports over the API: the same files as the plan page's export menu and the CLI."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from accountplan.core.api_auth import api_user
from accountplan.core.api_common import DETAIL_ERRORS, ErrorOut, ObjectId, get_visible
from accountplan.exports.service import export_bytes
from accountplan.plans.models import AccountPlan

router = Router(tags=["plans"])


@router.get(
    "/plans/{plan_id}/export/{fmt}",
    response={200: None, 400: ErrorOut, **DETAIL_ERRORS},
    summary="Export a plan as PDF, PowerPoint, Excel or Markdown",
)
def export_plan(
    request: HttpRequest,
    plan_id: ObjectId,
    fmt: str,
    variant: str = Query(
        "internal",
        description="internal: the whole plan; customer: customer-safe, without loss "
        "reasons, competitors, attitudes, scores and completeness.",
    ),
) -> HttpResponse:
    """The plan as a file (``fmt``: pdf, pptx, xlsx or md), starting with its executive
    summary. Anyone who may read the plan may export it; an unknown format or variant is 400."""
    plans = AccountPlan.objects.for_user(api_user(request)).select_related("account", "owner")
    plan: AccountPlan = get_visible(plans, plan_id, "Plan")
    content, content_type, filename = export_bytes(plan, fmt, variant)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

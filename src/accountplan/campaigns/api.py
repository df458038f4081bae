"""Campaigns over the API: list, create, edit, delete (drafts), history, preview, launch,
results, the contacts export and the CampaignInfluence rows. Same permissions as the pages:
every signed-in user reads (lists of accounts scoped to what they see); marketing, managers and
admins create; editing, deleting a draft and launching are the owner's (marketing) or a
manager's or admin's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from accountplan.campaigns import exports, history, influence, results, services, targeting
from accountplan.campaigns.models import Campaign, CreditModel
from accountplan.campaigns.suggestions import suggestions
from accountplan.core.api_auth import api_user
from accountplan.core.api_common import AUTH_ERRORS, DETAIL_ERRORS, ErrorOut, ObjectId
from accountplan.core.errors import DomainError, NotFound
from accountplan.portfolio.downloads import FORMATS, table_response

router = Router(tags=["campaigns"])
WRITE_ERRORS: dict[int, Any] = {**DETAIL_ERRORS, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut}


class CampaignIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    play: str = Field(..., description="expand, penetrate or nurture")
    product_ids: list[int] = Field(default_factory=list, max_length=500)
    families: list[str] = Field(default_factory=list, max_length=100)
    start_date: dt.date
    end_date: dt.date
    budget: Decimal = Decimal(0)
    message_brief: str = Field("", max_length=10000)
    territory: str = Field("", max_length=120)
    industry: str = Field("", max_length=120)
    tier: int | None = Field(None, ge=1, le=3)
    min_whitespace: Decimal | None = None
    propensity: bool = False
    control_share: Decimal = Field(Decimal(0), ge=0, le=Decimal("0.5"))
    seed: int = Field(1, ge=0, le=2_000_000_000)
    influence_days: int = Field(90, ge=0, le=730)


class CampaignUpdateIn(Schema):
    """The fields to change (those left out stay). A launched campaign changes only its name,
    owner, budget and brief (409 otherwise)."""

    name: str | None = Field(None, min_length=1, max_length=200)
    play: str | None = Field(None, description="expand, penetrate or nurture")
    product_ids: list[int] | None = Field(None, max_length=500)
    families: list[str] | None = Field(None, max_length=100)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    owner: str | None = Field(None, description="The owner's username.", max_length=150)
    budget: Decimal | None = Field(None, ge=0)
    message_brief: str | None = Field(None, max_length=10000)
    territory: str | None = Field(None, max_length=120)
    industry: str | None = Field(None, max_length=120)
    tier: int | None = Field(None, ge=1, le=3)
    min_whitespace: Decimal | None = Field(None, ge=0)
    propensity: bool | None = None
    control_share: Decimal | None = Field(None, ge=0, le=Decimal("0.5"))
    seed: int | None = Field(None, ge=0, le=2_000_000_000)
    influence_days: int | None = Field(None, ge=0, le=730)


class CampaignChangeOut(Schema):
    id: int
    action: str
    campaign_name: str
    changed_at: str
    changed_by: str | None
    changes: list[dict[str, str]]


class CampaignOut(Schema):
    id: int
    name: str
    play: str
    status: str
    product_ids: list[int]
    families: list[str]
    start_date: dt.date
    end_date: dt.date
    owner: str | None
    budget: str
    message_brief: str
    control_share: str
    seed: int
    influence_days: int
    launch_date: dt.date | None
    snapshot_as_of: dt.date | None
    target_count: int
    control_count: int
    late_count: int
    target_whitespace: str


def campaign_out(c: Campaign) -> dict[str, Any]:
    """A campaign as JSON (money as decimal strings)."""
    return {
        "id": c.pk,
        "name": c.name,
        "play": c.play,
        "status": c.status,
        "product_ids": sorted(c.products.values_list("pk", flat=True)),
        "families": list(c.families or []),
        "start_date": c.start_date,
        "end_date": c.end_date,
        "owner": str(c.owner) if c.owner else None,
        "budget": str(c.budget),
        "message_brief": c.message_brief,
        "control_share": str(c.control_share),
        "seed": c.seed,
        "influence_days": c.influence_days,
        "launch_date": c.launch_date,
        "snapshot_as_of": c.snapshot_as_of,
        "target_count": c.target_count,
        "control_count": c.control_count,
        "late_count": c.late_count,
        "target_whitespace": str(c.target_whitespace),
    }


def _get(pk: int) -> Campaign:
    found = Campaign.objects.select_related("owner").filter(pk=pk).first()
    if found is None:
        raise NotFound("No such campaign.")
    return found


def jsonable(value: Any) -> Any:
    """Decimals as strings, dates as ISO text, recursively."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@router.get("/campaigns", response={200: list[CampaignOut], **AUTH_ERRORS}, summary="Campaigns")
def list_campaigns(
    request: HttpRequest,
    limit: int = Query(500, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000_000),
) -> list[dict[str, Any]]:
    """The campaigns, newest start first, ``limit`` (at most 500) from ``offset``."""
    api_user(request)
    qs = Campaign.objects.select_related("owner").prefetch_related("products")
    qs = qs.order_by("-start_date", "-pk")[offset : offset + limit]
    return [campaign_out(c) for c in qs]


@router.post("/campaigns", response={201: CampaignOut, **WRITE_ERRORS}, summary="Create a draft")
def create(request: HttpRequest, body: CampaignIn) -> tuple[int, dict[str, Any]]:
    """A draft campaign (marketing, managers, admins)."""
    campaign = services.create_campaign(api_user(request), body.dict())
    return 201, campaign_out(campaign)


@router.get(
    "/campaigns/suggestions",
    response={200: list[dict[str, Any]], **AUTH_ERRORS},
    summary="Suggested campaigns",
)
def suggested(request: HttpRequest) -> list[dict[str, Any]]:
    """For each play, the products with the most white space among the quadrant's accounts."""
    api_user(request)
    return [jsonable(s.__dict__) for s in suggestions()]


@router.get(
    "/campaigns/{campaign_id}", response={200: CampaignOut, **DETAIL_ERRORS}, summary="A campaign"
)
def detail(request: HttpRequest, campaign_id: ObjectId) -> dict[str, Any]:
    api_user(request)
    return campaign_out(_get(campaign_id))


@router.patch(
    "/campaigns/{campaign_id}", response={200: CampaignOut, **WRITE_ERRORS}, summary="Edit"
)
def edit(request: HttpRequest, campaign_id: ObjectId, body: CampaignUpdateIn) -> dict[str, Any]:
    """Change the given fields of a campaign (its owner in marketing, managers, admins); the
    change is recorded in its history. ``tier``/``min_whitespace`` sent as null clear them."""
    from accountplan.core.models import User

    user = api_user(request)
    changes = body.model_dump(exclude_unset=True)
    nulls_allowed = {"tier", "min_whitespace"}
    changes = {k: v for k, v in changes.items() if v is not None or k in nulls_allowed}
    if "owner" in changes:
        owner = User.objects.filter(username=changes["owner"]).first()
        if owner is None:
            raise DomainError(f"No user {changes['owner']!r}.")
        changes["owner"] = owner
    return campaign_out(services.update_campaign(_get(campaign_id), user, changes))


@router.delete(
    "/campaigns/{campaign_id}", response={204: None, **WRITE_ERRORS}, summary="Delete a draft"
)
def delete(request: HttpRequest, campaign_id: ObjectId) -> tuple[int, None]:
    """Delete a draft (409 for a launched campaign: its frozen list and credit are the record
    of what was sent and measured). The deletion stays in the history."""
    services.delete_campaign(_get(campaign_id), api_user(request))
    return 204, None


@router.get(
    "/campaigns/{campaign_id}/history",
    response={200: list[CampaignChangeOut], **DETAIL_ERRORS},
    summary="A campaign's history",
)
def campaign_history(request: HttpRequest, campaign_id: ObjectId) -> list[dict[str, Any]]:
    """Who created, edited and launched the campaign, when, and each field before and after
    (newest first, at most 500)."""
    api_user(request)
    return [history.as_dict(h) for h in history.of(_get(campaign_id))[:500]]


@router.get(
    "/campaigns/{campaign_id}/preview",
    response={200: dict[str, Any], **DETAIL_ERRORS},
    summary="Preview the target list",
)
def preview(request: HttpRequest, campaign_id: ObjectId) -> dict[str, Any]:
    """Counts, tiers and white space of the list the campaign would draw now (accounts the
    caller may see), computed in the database."""
    c = _get(campaign_id)
    found = targeting.preview(api_user(request), targeting.Criteria.of(c), c.control_share)
    return jsonable(found.as_dict())


@router.post(
    "/campaigns/{campaign_id}/launch",
    response={200: CampaignOut, **WRITE_ERRORS},
    summary="Launch: freeze the list",
)
def launch(request: HttpRequest, campaign_id: ObjectId) -> dict[str, Any]:
    """Freeze the list (irreversible; a second launch answers 409) and compute the credit."""
    c = services.launch(_get(campaign_id), api_user(request))
    influence.recompute(c)
    return campaign_out(c)


@router.get(
    "/campaigns/{campaign_id}/results",
    response={200: dict[str, Any], 400: ErrorOut, **DETAIL_ERRORS},
    summary="Results and credit",
)
def campaign_results(
    request: HttpRequest, campaign_id: ObjectId, model: str = CreditModel.EVEN
) -> dict[str, Any]:
    """Per window: target, control and previous period; and the credit under ``model``."""
    user = api_user(request)
    if model not in CreditModel.values:
        raise DomainError("model must be first_touch, last_touch or even.")
    c = _get(campaign_id)
    out = results.campaign_results(c, user)
    out["credit"] = influence.credited(c, model, user) if c.is_launched else None
    return jsonable(out)


@router.get(
    "/campaigns/{campaign_id}/export",
    response={200: None, 400: ErrorOut, **DETAIL_ERRORS},
    summary="Contacts for marketing tools",
)
def export(
    request: HttpRequest,
    campaign_id: ObjectId,
    format: str = Query("csv", description="csv or xlsx"),
) -> HttpResponse:
    """One row per contact with a buying role at each targeted account the caller may see."""
    if format not in FORMATS:
        raise DomainError("format must be csv or xlsx.")
    user = api_user(request)
    c = _get(campaign_id)
    if not c.is_launched:
        raise DomainError("A draft has no frozen list yet: launch it first.")
    return table_response(
        exports.HEADER, exports.contact_rows(user, c), format, exports.file_name(c)
    )


@router.get(
    "/campaigns/{campaign_id}/influence",
    response={200: None, **DETAIL_ERRORS},
    summary="CampaignInfluence rows (CSV)",
)
def influence_csv(request: HttpRequest, campaign_id: ObjectId) -> HttpResponse:
    """The credit rows of the campaign in Salesforce's CampaignInfluence shape."""
    from accountplan.book.models import Account

    user = api_user(request)
    c = _get(campaign_id)
    visible = Account.objects.for_user(user).values("pk")
    qs = c.influences.filter(opportunity__account_id__in=visible).order_by("model", "pk")
    return table_response(
        influence.HEADER, influence.influence_rows(qs), "csv", exports.file_name(c, "influence")
    )

"""API of sharing: list, create and revoke a plan's share links; publish its shared view.

Same permissions as the pages: the plan must be visible (else 404) and writes need the right to
edit it (else 403). A created link's ``url`` is in that one answer only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from accountplan.core.api_auth import api_user
from accountplan.core.api_common import DETAIL_ERRORS, ErrorOut, ObjectId, get_visible
from accountplan.plans.models import AccountPlan
from accountplan.sharing import links, services
from accountplan.sharing.models import ShareLink

router = Router(tags=["sharing"])
WRITE_ERRORS: dict[int, Any] = {**DETAIL_ERRORS, 400: ErrorOut, 403: ErrorOut}


class LinkIn(Schema):
    email: str = Field(..., max_length=254)
    name: str = Field("", max_length=200)
    sections: list[str] = Field(default_factory=list, max_length=20)
    expires: dt.datetime | None = None
    require_code: bool = False


class LinkOut(Schema):
    id: int
    plan_id: int
    recipient: str
    email: str
    sections: list[str]
    expires_at: dt.datetime
    require_code: bool
    active: bool
    revoked_at: dt.datetime | None
    created_at: dt.datetime
    last_access_at: dt.datetime | None


class NewLinkOut(LinkOut):
    url: str = Field(description="The link; in this answer only, never again.")


class PublishedOut(Schema):
    number: int
    published_at: dt.datetime
    sections: list[str]


def _out(link: ShareLink) -> dict[str, Any]:
    return {
        "id": link.pk,
        "plan_id": link.plan_id,
        "recipient": link.recipient,
        "email": link.email,
        "sections": list(link.sections or []),
        "expires_at": link.expires_at,
        "require_code": link.require_code,
        "active": link.is_active(),
        "revoked_at": link.revoked_at,
        "created_at": link.created_at,
        "last_access_at": link.last_access_at,
    }


@router.get(
    "/plans/{plan_id}/share-links",
    response={200: list[LinkOut], **DETAIL_ERRORS},
    summary="List a plan's share links",
)
def list_links(request: HttpRequest, plan_id: ObjectId) -> Any:
    """Every link of the plan, newest first, active or not (never the token)."""
    plan = get_visible(AccountPlan.objects.for_user(api_user(request)), plan_id, "plan")
    return [_out(lk) for lk in ShareLink.objects.filter(plan=plan)]


@router.post(
    "/plans/{plan_id}/share-links",
    response={201: NewLinkOut, **WRITE_ERRORS},
    summary="Create a share link (its url is returned once)",
)
def create_link(request: HttpRequest, plan_id: ObjectId, body: LinkIn) -> Any:
    """A link for one recipient; default expiry 30 days, at most a year."""
    user = api_user(request)
    plan = get_visible(AccountPlan.objects.for_user(user), plan_id, "plan")
    new = links.create_link(
        plan,
        user,
        email=body.email,
        name=body.name,
        sections=body.sections,
        expires=body.expires,
        require_code=body.require_code,
    )
    return 201, {**_out(new.link), "url": request.build_absolute_uri(new.path())}


@router.post(
    "/share-links/{link_id}/revoke",
    response={200: LinkOut, **WRITE_ERRORS},
    summary="Revoke a share link",
)
def revoke_link(request: HttpRequest, link_id: ObjectId) -> Any:
    """The link stops working at once (twice is once)."""
    user = api_user(request)
    link = links.get_link(AccountPlan.objects.for_user(user), link_id)
    return _out(links.revoke(link, user))


@router.post(
    "/plans/{plan_id}/share/publish",
    response={201: PublishedOut, **WRITE_ERRORS},
    summary="Publish the plan's shared view",
)
def publish(request: HttpRequest, plan_id: ObjectId) -> Any:
    """Freeze what is marked shared now as the view customers see."""
    user = api_user(request)
    plan = get_visible(AccountPlan.objects.for_user(user), plan_id, "plan")
    rev = services.publish(plan, user)
    return 201, {
        "number": rev.number,
        "published_at": rev.published_at,
        "sections": [s["key"] for s in rev.data["sections"]],
    }

"""JSON endpoints about people: who am I, the users list, and my own API tokens."""

from datetime import datetime, timedelta
from typing import Annotated

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from accountplan.book.schemas import UserOut
from accountplan.core.api_auth import api_user, no_token_minting, session_auth
from accountplan.core.api_common import (
    AUTH_ERRORS,
    DETAIL_ERRORS,
    ErrorOut,
    FilterText,
    LimitOffset,
    ObjectId,
)
from accountplan.core.models import ApiToken, Role, User
from accountplan.core.tokens import create_token, revoke_token, tokens_of

router = Router(tags=["people"])


class MeOut(UserOut):
    """The caller, with what they may do."""

    email: str
    sees_whole_book: bool
    can_edit_book: bool


class UserFilter(FilterSchema):
    """Filters of ``GET /api/users``."""

    q: Annotated[
        FilterText | None,
        FilterLookup(["username__icontains", "first_name__icontains", "last_name__icontains"]),
        Field(description="Part of the username, first or last name."),
    ] = None
    role: Annotated[Role | None, FilterLookup("role")] = None
    territory: Annotated[FilterText | None, FilterLookup("territory__iexact")] = None
    active: Annotated[
        bool | None, Field(description="Default true; false lists deactivated users.")
    ] = True

    def filter_active(self, value: bool | None) -> Q:
        return Q() if value is None else Q(is_active=value)


class TokenOut(Schema):
    """An API token as listed: never the secret, only its first characters."""

    id: int
    name: str
    prefix: str
    created: datetime
    last_used: datetime | None
    expires: datetime | None


class TokenCreatedOut(TokenOut):
    """A new token: ``token`` is shown this once and cannot be retrieved later."""

    token: str


class TokenIn(Schema):
    """What a new token is for, and how many days it lives (none: until revoked)."""

    name: Annotated[FilterText, Field(min_length=1, max_length=120)]
    expires_in_days: int | None = Field(None, ge=1, le=3650)


@router.get("/me", response={200: MeOut, **AUTH_ERRORS}, summary="Who am I")
def me(request: HttpRequest) -> User:
    """The signed-in user (or the token's owner)."""
    return api_user(request)


@router.get("/users", response={200: list[UserOut], **AUTH_ERRORS}, summary="List users")
@paginate(LimitOffset)
def list_users(request: HttpRequest, filters: Query[UserFilter]) -> QuerySet[User]:
    """Everyone in the sales organisation (names, roles and territories, no contact details)."""
    api_user(request)
    return filters.filter(User.objects.all()).order_by("username", "pk")


@router.get("/tokens", response={200: list[TokenOut], **AUTH_ERRORS}, summary="My API tokens")
def list_my_tokens(request: HttpRequest) -> list[ApiToken]:
    """The caller's own tokens, newest first."""
    return tokens_of(api_user(request))


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, 400: ErrorOut, 403: ErrorOut, **AUTH_ERRORS},
    auth=[no_token_minting, session_auth],
    summary="Create an API token",
)
def create_my_token(request: HttpRequest, payload: TokenIn) -> tuple[int, dict[str, object]]:
    """Create a token for the signed-in browser user (session and CSRF token required).

    A token cannot mint tokens: otherwise a leaked token could outlive its own expiry.
    """
    expires = (
        timezone.now() + timedelta(days=payload.expires_in_days)
        if payload.expires_in_days
        else None
    )
    new = create_token(api_user(request), payload.name, expires=expires)
    body = TokenOut.from_orm(new.token).dict()
    return 201, {**body, "token": new.raw}


@router.delete(
    "/tokens/{token_id}",
    response={204: None, **DETAIL_ERRORS},
    summary="Revoke one of my API tokens",
)
def revoke_my_token(request: HttpRequest, token_id: ObjectId) -> tuple[int, None]:
    """Revoke one of the caller's own tokens; someone else's token is a 404."""
    revoke_token(token_id, owner=api_user(request))
    return 204, None

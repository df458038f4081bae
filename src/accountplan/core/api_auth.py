"""Authentication for the JSON API: a bearer token for scripts, the session for the browser.

Session auth enforces CSRF on unsafe methods (POST, PUT, PATCH, DELETE), as Django forms do;
a bearer token is not sent automatically by browsers, so it needs no CSRF token.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from accountplan.core.models import User
from accountplan.core.tokens import authenticate_token


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a token made by ``accountplan token create``."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        """The token's user, or None (→ 401) for an unknown, expired or revoked token."""
        user = authenticate_token(token.strip())
        if user is not None:
            # Views and scoping read request.user, whichever way the caller signed in.
            request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """Django's session (the signed-in browser), with CSRF checked on unsafe methods.

    The CSRF check comes after knowing there is a signed-in user: a request with no session is
    a 401 that says how to authenticate, not a 403 about a CSRF token it could not have.
    """

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        """The signed-in active user, or None (→ 401)."""
        user = request.user
        if user.is_authenticated and user.is_active:
            return user
        return None


class NoTokenMinting(HttpBearer):
    """Refuses a bearer token where only the signed-in browser may act (creating tokens)."""

    def authenticate(self, request: HttpRequest, token: str) -> None:
        raise HttpError(
            401,
            "A token cannot create tokens (a leaked one could outlive its own expiry): sign in "
            "to the web app and create it there, or run `accountplan token create USERNAME`.",
        )


bearer_auth = BearerTokenAuth()
no_token_minting = NoTokenMinting()
session_auth = ActiveSessionAuth(csrf=True)
#: Token first: a script's request carries no session cookie; the browser's carries no token.
default_auth = [bearer_auth, session_auth]


def api_user(request: HttpRequest) -> User:
    """The authenticated caller of an API operation (set by one of the auth classes above)."""
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user

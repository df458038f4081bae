"""A signed-in browser user manages their own tokens through the API; a token cannot mint more."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from accountplan.core.models import ApiToken, User
from accountplan.core.tokens import create_token

pytestmark = pytest.mark.django_db


def test_create_list_and_revoke_my_token(
    ae: User, session_client: Callable[[User], Client]
) -> None:
    client = session_client(ae)
    created = client.post(
        "/api/tokens", {"name": "laptop", "expires_in_days": 30}, content_type="application/json"
    )
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith(body["prefix"])
    assert body["expires"] is not None

    listed = client.get("/api/tokens").json()
    assert [(t["id"], t["name"]) for t in listed] == [(body["id"], "laptop")]
    assert all("token" not in t for t in listed)

    assert client.delete(f"/api/tokens/{body['id']}").status_code == 204
    assert not ApiToken.objects.exists()


def test_a_blank_name_is_a_400_that_says_what_to_fix(
    ae: User, session_client: Callable[[User], Client]
) -> None:
    response = session_client(ae).post(
        "/api/tokens", {"name": "   "}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Give the token a name that says what it is for."}


def test_a_missing_name_is_a_422(ae: User, session_client: Callable[[User], Client]) -> None:
    response = session_client(ae).post("/api/tokens", {}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "name"


def test_a_token_cannot_create_tokens(ae: User, token_client: Callable[[User], Client]) -> None:
    response = token_client(ae).post(
        "/api/tokens", {"name": "more"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert ApiToken.objects.count() == 1  # only the client's own


def test_someone_elses_token_cannot_be_revoked_nor_seen(
    ae: User, outsider: User, session_client: Callable[[User], Client]
) -> None:
    theirs = create_token(outsider, "charlie's").token
    client = session_client(ae)
    assert client.get("/api/tokens").json() == []
    response = client.delete(f"/api/tokens/{theirs.pk}")
    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()

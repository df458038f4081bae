"""Who may call the API: a session, a valid bearer token; everyone else gets a 401 that explains."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accountplan.core.models import ApiToken, User
from accountplan.core.tokens import create_token, hash_token

pytestmark = pytest.mark.django_db


def test_no_credentials_is_a_401_that_says_how_to_authenticate(client: Client) -> None:
    response = client.get("/api/accounts")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_is_a_401(client: Client, ae: User) -> None:
    create_token(ae, "real one")
    response = client.get("/api/accounts", headers={"Authorization": "Bearer ap_not-a-real-token"})
    assert response.status_code == 401


def test_a_token_with_another_scheme_is_a_401(client: Client, ae: User) -> None:
    raw = create_token(ae, "basic?").raw
    response = client.get("/api/accounts", headers={"Authorization": f"Basic {raw}"})
    assert response.status_code == 401


def test_an_expired_token_is_a_401(client: Client, ae: User) -> None:
    new = create_token(ae, "soon gone", expires=timezone.now() + timedelta(hours=1))
    ApiToken.objects.filter(pk=new.token.pk).update(expires=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/me", headers={"Authorization": f"Bearer {new.raw}"})
    assert response.status_code == 401


def test_a_deactivated_users_token_is_a_401(client: Client, ae: User) -> None:
    raw = create_token(ae, "left the company").raw
    User.objects.filter(pk=ae.pk).update(is_active=False)
    response = client.get("/api/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401


def test_a_revoked_token_is_a_401(client: Client, ae: User) -> None:
    new = create_token(ae, "revoked")
    new.token.delete()
    response = client.get("/api/me", headers={"Authorization": f"Bearer {new.raw}"})
    assert response.status_code == 401


def test_a_valid_token_authenticates_its_user_and_records_its_use(client: Client, ae: User) -> None:
    new = create_token(ae, "script")
    assert new.token.last_used is None
    before = timezone.now()
    response = client.get("/api/me", headers={"Authorization": f"Bearer {new.raw}"})
    assert response.status_code == 200
    assert response.json()["username"] == "bob"
    new.token.refresh_from_db()
    assert new.token.last_used is not None
    assert new.token.last_used >= before


def test_a_session_authenticates(session_client: Callable[[User], Client], manager: User) -> None:
    response = session_client(manager).get("/api/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "alice"
    assert body["sees_whole_book"] is True


def test_only_the_hash_of_a_token_is_stored(ae: User) -> None:
    new = create_token(ae, "hashed")
    stored = ApiToken.objects.get(pk=new.token.pk)
    assert stored.token_hash == hash_token(new.raw)
    assert new.raw not in (stored.token_hash, stored.prefix, stored.name)
    assert new.raw.startswith(stored.prefix)


def test_session_writes_need_the_csrf_token(manager: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    csrf = "k" * 32  # a well-formed CSRF secret, as the browser holds in its csrftoken cookie
    client.cookies["csrftoken"] = csrf
    refused = client.post("/api/tokens", {"name": "cli"}, content_type="application/json")
    assert refused.status_code == 403
    assert "X-CSRFToken" in refused.json()["detail"]
    assert not ApiToken.objects.exists()

    accepted = client.post(
        "/api/tokens",
        {"name": "cli"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert accepted.status_code == 201
    assert ApiToken.objects.get().token_hash == hash_token(accepted.json()["token"])


def test_session_reads_need_no_csrf_token(manager: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    assert client.get("/api/accounts").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_read_never_fails_on_recording_its_token(ae: User) -> None:
    """Another connection holds the write lock (SQLite) or the token's row (PostgreSQL): the
    GET still answers, and the use is recorded by a later request once the lock is free."""
    import sqlite3

    import psycopg
    from django.db import connection

    new = create_token(ae, "script")
    headers = {"Authorization": f"Bearer {new.raw}"}
    if connection.vendor == "sqlite":
        name = connection.settings_dict["NAME"]
        other: Any = sqlite3.connect(name, uri=name.startswith("file:"), timeout=0)
        other.isolation_level = None
        other.execute("BEGIN IMMEDIATE")
    else:
        params = connection.get_connection_params()
        other = psycopg.connect(
            **{k: v for k, v in params.items() if k in ("dbname", "user", "host", "port")}
        )
        other.execute("SELECT id FROM core_apitoken WHERE id = %s FOR UPDATE", [new.token.pk])
    try:
        response = Client().get("/api/me", headers=headers)
        assert response.status_code == 200
        assert response.json()["username"] == "bob"
        new.token.refresh_from_db()
        assert new.token.last_used is None
    finally:
        other.rollback() if connection.vendor != "sqlite" else other.execute("ROLLBACK")
        other.close()
    assert Client().get("/api/me", headers=headers).status_code == 200
    new.token.refresh_from_db()
    assert new.token.last_used is not None

"""``accountplan token create|list|revoke`` manage API tokens; the secret is printed once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from accountplan.core.models import ApiToken, User
from accountplan.core.tokens import hash_token

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def test_create_prints_a_working_token_once(ae: User, client: Client) -> None:
    raw, note = run("create", "bob", "--name", "nightly export")
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.expires) == (ae, "nightly export", None)
    assert token.token_hash == hash_token(raw)
    assert "cannot be shown again" in note
    response = client.get("/api/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.json()["username"] == "bob"


def test_create_with_an_expiry(ae: User) -> None:
    run("create", "bob", "--name", "temp", "--days", "7")
    expires = ApiToken.objects.get().expires
    assert expires is not None
    assert 6 < (expires - timezone.now()).days + 1 <= 7


def test_list_shows_tokens_without_secrets(ae: User) -> None:
    raw, _ = run("create", "bob", "--name", "first")
    run("create", "bob", "--name", "second")
    listing, _ = run("list", "bob")
    assert "first" in listing
    assert "second" in listing
    assert raw not in listing
    assert raw[:10] in listing


def test_revoke_stops_the_token(ae: User, client: Client) -> None:
    raw, _ = run("create", "bob", "--name", "gone")
    token_id = ApiToken.objects.get().pk
    message, _ = run("revoke", str(token_id))
    assert "Revoked" in message
    assert not ApiToken.objects.exists()
    response = client.get("/api/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (("create", "nobody", "--name", "x"), "No user named 'nobody'"),
        (("create", "bob", "--name", "  "), "Give the token a name"),
        (("create", "bob", "--name", "x", "--days", "0"), "--days must be 1 or more"),
        (("revoke", "12345"), "No API token with id 12345"),
        (("list", "nobody"), "No user named 'nobody'"),
    ],
)
def test_mistakes_are_clear_errors(ae: User, args: tuple[str, ...], complaint: str) -> None:
    with pytest.raises(CommandError, match=complaint):
        run(*args)
    assert not ApiToken.objects.exists()

"""Sign-in throttling: 50 wrong passwords in 16 s, then the right one, used to work."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from accountplan.core.models import LoginFailure, User
from accountplan.core.throttle import ACCOUNT_LIMIT, ADDRESS_LIMIT

PASSWORD = "right-horse-battery"


@pytest.fixture
def alice(db: None) -> User:
    return User.objects.create_user("alice", password=PASSWORD, role="manager")


def sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1") -> str:
    response = client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )
    if response.status_code == 302:
        return "in"
    return response.content.decode()


def test_an_account_pauses_after_too_many_wrong_passwords(alice: User) -> None:
    client = Client()
    for _ in range(ACCOUNT_LIMIT):
        assert "Please enter a correct username and password" in sign_in(client, "alice", "nope")
    page = sign_in(client, "Alice", PASSWORD)  # the right password, any case of the name
    assert "Too many wrong passwords for this account" in page
    assert "ask an administrator to unlock it" in page
    # Another address does not help: the account is paused.
    assert "Too many wrong passwords" in sign_in(Client(), "alice", PASSWORD, "10.9.9.9")

    out = io.StringIO()
    call_command("unlock", "alice", stdout=out)
    assert f"{ACCOUNT_LIMIT} failed sign-ins forgotten" in out.getvalue()
    assert sign_in(client, "alice", PASSWORD) == "in"


def test_a_success_clears_the_accounts_failures(alice: User) -> None:
    client = Client()
    for _ in range(ACCOUNT_LIMIT - 1):
        sign_in(client, "alice", "nope")
    assert sign_in(client, "alice", PASSWORD) == "in"
    assert not LoginFailure.objects.filter(username="alice").exists()


def test_an_address_pauses_after_too_many_failures_on_any_accounts(alice: User) -> None:
    client = Client()
    for i in range(ADDRESS_LIMIT):
        sign_in(client, f"guess{i}", "nope", "10.0.0.7")
    assert "Too many failed sign-ins from your network" in sign_in(
        client, "alice", PASSWORD, "10.0.0.7"
    )
    assert sign_in(Client(), "alice", PASSWORD, "10.0.0.8") == "in"

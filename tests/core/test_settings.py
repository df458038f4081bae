"""Secure defaults hold in the settings the tests run with."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.test import Client

from tests.factories import UserFactory


def test_debug_is_off_unless_asked_for() -> None:
    assert settings.DEBUG is False


def test_passwords_are_hashed_with_argon2(db: None) -> None:
    user = UserFactory(username="hash-check")
    assert get_hasher().algorithm == "argon2"
    assert user.password.startswith("argon2$")


def test_csrf_is_enforced_on_the_login_form(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403


def test_the_secret_key_is_not_a_placeholder() -> None:
    assert len(settings.SECRET_KEY) >= 50
    assert "insecure" not in settings.SECRET_KEY

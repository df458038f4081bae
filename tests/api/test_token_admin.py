"""Admins create API tokens in the admin (the secret is shown once) and revoke them there."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accountplan.core.models import ApiToken, Role, User
from accountplan.core.tokens import hash_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_for_tokens() -> Client:
    admin = UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    return client


def test_admin_creates_a_token_and_sees_it_once(admin_client_for_tokens: Client, ae: User) -> None:
    response = admin_client_for_tokens.post(
        "/admin/core/apitoken/add/", {"user": ae.pk, "name": "from the admin"}, follow=True
    )
    assert response.status_code == 200
    shown = re.search(r"(ap_[A-Za-z0-9_-]{20,})", response.content.decode())
    assert shown, "the new token is shown in the success message"
    token = ApiToken.objects.get()
    assert (token.user, token.name) == (ae, "from the admin")
    assert token.token_hash == hash_token(shown.group(1))

    page = admin_client_for_tokens.get(f"/admin/core/apitoken/{token.pk}/change/")
    assert page.status_code == 200
    assert shown.group(1) not in page.content.decode()
    assert token.prefix in page.content.decode()


def test_admin_deletes_a_token(admin_client_for_tokens: Client, ae: User) -> None:
    from accountplan.core.tokens import create_token

    token = create_token(ae, "doomed").token
    response = admin_client_for_tokens.post(
        f"/admin/core/apitoken/{token.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert not ApiToken.objects.exists()

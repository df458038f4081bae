"""The project starts: settings load, the login page renders, pages need a login."""

from django.test import Client


def test_login_page_renders(client: Client, db: None) -> None:
    response = client.get("/login/")
    assert response.status_code == 200
    assert b"Sign in" in response.content


def test_accounts_need_login(client: Client, db: None) -> None:
    response = client.get("/accounts/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]

"""Signing in and out, and the home redirect."""

from __future__ import annotations

from django.test import Client

from accountplan.core.models import User
from tests.factories import PASSWORD


def test_login_page_has_a_focused_username(client: Client, db: None) -> None:
    html = client.get("/login/").content.decode()
    assert "accountplan" in html and "Account planning for B2B sales teams" in html
    assert 'name="username"' in html and "autofocus" in html
    assert '<label for="id_username">' in html and '<label for="id_password">' in html


def test_wrong_password_shows_an_error(client: Client, ae: User) -> None:
    response = client.post("/login/", {"username": ae.username, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_login_then_home_shows_what_needs_attention(client: Client, ae: User) -> None:
    response = client.post("/login/", {"username": ae.username, "password": PASSWORD})
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200 and "What needs attention" in home.content.decode()
    page = client.get("/accounts/").content.decode()
    assert str(ae) in page and "Log out" in page


def test_nav_shows_admin_only_to_staff(client: Client, ae: User, manager: User) -> None:
    client.force_login(ae)
    assert 'href="/admin/"' not in client.get("/accounts/").content.decode()
    manager.is_staff = True
    manager.save()
    client.force_login(manager)
    html = client.get("/accounts/").content.decode()
    assert 'href="/admin/"' in html and 'href="/api/docs"' in html


def test_logout_is_a_post_with_csrf(client: Client, ae: User) -> None:
    client.force_login(ae)
    html = client.get("/accounts/").content.decode()
    assert 'action="/logout/"' in html and "csrfmiddlewaretoken" in html
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/accounts/").status_code == 302


def test_htmx_script_is_served_from_static(client: Client, ae: User) -> None:
    client.force_login(ae)
    html = client.get("/accounts/").content.decode()
    assert "/static/django_htmx/htmx-2.min.js" in html
    assert "//unpkg" not in html and "cdn" not in html.lower()
    assert client.get("/static/django_htmx/htmx-2.min.js").status_code == 200
    assert client.get("/static/accountplan/app.css").status_code == 200

"""Every /api/ response is JSON in the documented shape with the documented status, errors too."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client, RequestFactory

from accountplan.core.error_views import server_error
from accountplan.core.models import User
from accountplan.core.tokens import create_token


def test_an_unauthenticated_write_is_a_401_that_says_how_to_sign_in(db: None) -> None:
    response = Client(enforce_csrf_checks=True).post(
        "/api/tokens", {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["WWW-Authenticate"] == 'Bearer realm="accountplan"'
    assert "Bearer" in response.json()["detail"] and "CSRF" not in response.json()["detail"]


def test_a_signed_in_write_without_its_csrf_token_is_a_403_about_csrf(
    session_client: Callable[[User], Client], ae: User
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(ae)
    response = client.post("/api/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert "X-CSRFToken" in response.json()["detail"]


def test_a_token_cannot_create_tokens_and_is_told_why(ae: User) -> None:
    raw = create_token(ae, "script").raw
    response = Client(enforce_csrf_checks=True).post(
        "/api/tokens",
        {"name": "x"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 401
    detail = response.json()["detail"]
    assert "cannot create tokens" in detail and "CSRF" not in detail


def test_an_unknown_api_path_is_a_json_404(session_client: Callable[[User], Client], ae) -> None:
    response = session_client(ae).get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "No API operation at this path: see /api/docs for the list."
    }
    page = session_client(ae).get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_server_error_under_the_api_is_json_and_html_elsewhere(db: None) -> None:
    api = server_error(RequestFactory().get("/api/plans"))
    assert api.status_code == 500
    assert api["Content-Type"] == "application/json"
    assert b"Server error" in api.content
    page = server_error(RequestFactory().get("/plans/"))
    assert page.status_code == 500 and b"<" in page.content

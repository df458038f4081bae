"""Signing in through the real form in Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from accountplan.core.models import User
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_wrong_password_shows_an_error_then_login_lands_on_the_home_page(
    live_server: Any, page: Any, ae: User
) -> None:
    page.goto(f"{live_server.url}/login/")
    # The username field has the focus, so a keyboard user can type straight away.
    assert page.evaluate("document.activeElement.name") == "username"
    page.fill("input[name=username]", ae.username)
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    assert "correct username and password" in page.inner_text(".errors")

    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")  # the home page: what needs my attention
    assert page.inner_text("h1") == "What needs attention"

    page.click("text=Log out")
    page.wait_for_url(lambda url: "/login/" in url)

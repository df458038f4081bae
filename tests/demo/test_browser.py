"""The login printed by ``accountplan demo`` signs in through the real form and shows the book."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command

from accountplan.book.models import Account


@pytest.mark.browser
def test_the_printed_demo_login_opens_the_accounts_page(
    live_server: Any, page: Any, transactional_db: None
) -> None:
    out = io.StringIO()
    call_command("demo", "--no-serve", "--scale=0.1", "--as-of=2025-06-30", stdout=out)
    password = re.findall(r"Password\s+(\S+)", out.getvalue())[0]
    some_account = Account.objects.order_by("name").first()
    assert some_account is not None

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "demo")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(f"{live_server.url}/accounts/")
    assert some_account.name in page.content()

"""Security headers on every page, a clean ``check --deploy`` with the documented production
settings, and pages that work under their Content-Security-Policy in a real browser."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from accountplan.core.models import User

#: Set by the browser tests' Playwright fixture for this process, never by a deployment.
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
#: docs/configuration.md, "Production behind HTTPS": the settings a deployment sets.
PRODUCTION = {
    "SECRET_KEY": "a" * 20 + "-production-secret-from-the-environment-" + "z" * 20,
    "ALLOWED_HOSTS": "plans.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://plans.example.com",
    "SECURE_COOKIES": "1",
    "BEHIND_PROXY": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "EMAIL_HOST": "smtp.example.com",
}


def test_pages_carry_a_content_security_policy_and_a_permissions_policy(db: None) -> None:
    response = Client().get("/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce is not None
    # The page's one inline script carries this response's nonce, and no other inline one runs.
    assert f'<script nonce="{nonce.group(1)}">' in response.content.decode()
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path: Path) -> None:
    environment = (
        {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG", ASYNC_UNSAFE)}
        | PRODUCTION
        | {"ACCOUNTPLAN_DATA_DIR": str(tmp_path)}
    )
    done = subprocess.run(
        [sys.executable, "-m", "accountplan", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


@pytest.mark.browser
def test_the_demo_pages_run_under_their_policy(
    live_server: Any, page: Any, transactional_db: None
) -> None:
    """No script, style or image of any main page is blocked (the charts and API docs too)."""
    call_command("demo", "--no-serve", "--scale=0.1", "--as-of=2025-06-30", stdout=io.StringIO())
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    user = User.objects.get(username="demo")
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    for path in ("/accounts/", "/grid/", "/whitespace/", "/plans/", "/products/", "/api/docs"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        assert "/login/" not in page.url, path
    page.goto(f"{live_server.url}/grid/")
    page.wait_for_selector("svg")  # the chart drew (Vega compiles its expressions)
    assert blocked == []

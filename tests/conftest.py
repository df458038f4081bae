"""Shared fixtures: the maven sample's location, users by role, and a real Chromium for pages."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from accountplan.core.models import Role, User
from tests import attack_report
from tests.attack_report import attack_figures  # noqa: F401  (a fixture every test may ask for)
from tests.factories import PASSWORD, UserFactory

REPO = Path(__file__).resolve().parent.parent
MAVEN_DIR = Path(os.environ.get("MAVEN_CRM_DIR", REPO / "samples" / "maven-crm"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def maven_dir() -> Path:
    """The public Maven CRM sample shipped in samples/maven-crm."""
    assert (MAVEN_DIR / "accounts.csv").exists(), f"Maven sample not found at {MAVEN_DIR}"
    return MAVEN_DIR


@pytest.fixture
def manager(db: None) -> User:
    return UserFactory(username="alice", role=Role.MANAGER)


@pytest.fixture
def ae(db: None) -> User:
    return UserFactory(username="bob", role=Role.ACCOUNT_EXECUTIVE)


@pytest.fixture
def outsider(db: None) -> User:
    return UserFactory(username="charlie", role=Role.ACCOUNT_EXECUTIVE)


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    """Each test's own data folder (queued web imports keep their files there)."""
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


# --- browser -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium for the session, driven by Playwright."""
    # The sync Playwright API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (fixtures, assertions) are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies) and page per test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def login(live_server: Any, page: Any) -> Callable[[User], Any]:
    """Sign ``user`` in through the real login form and return the page."""

    def _login(user: User) -> Any:
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    return _login


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    attack_report.collect(report)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    attack_report.summary(terminalreporter)

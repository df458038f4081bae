"""In a real Chromium, /api/docs draws Swagger UI from our own server only (works offline)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.browser
def test_swagger_ui_renders_the_operations_without_any_other_host(
    live_server: Any, page: Any, transactional_db: None
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))

    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=15_000)

    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any(p.strip().replace("\u200b", "") == "/api/accounts" for p in paths), paths
    foreign = [url for url in requested if not url.startswith(live_server.url)]
    assert foreign == []
    assert failed == []

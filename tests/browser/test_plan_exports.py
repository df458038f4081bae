"""The plan page's export menu in a real browser: the file builds in the background with a
visible progress state, then downloads; the customer-safe variant is one click away."""

from __future__ import annotations

from typing import Any

import pytest

from tests.plans import conftest as plans_conftest

book = plans_conftest.book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_export_shows_progress_then_downloads_the_customer_pdf(
    book: Any, live_server: Any, login: Any
) -> None:
    page = login(book.bob)
    held: list[Any] = []
    # Hold the export request so the page's "building" state can be seen for certain.
    page.route("**/export/pdf/?variant=customer", lambda route: held.append(route))
    page.goto(f"{live_server.url}/plans/{book.plan.pk}/")
    page.get_by_text("Export", exact=True).click()
    menu = page.locator("[data-export-menu]")
    menu.get_by_role("link", name="PDF").nth(1).click()
    status = menu.get_by_role("status")
    page.wait_for_function("() => document.querySelector('[data-export-status]').dataset.state")
    assert status.inner_text() == "Building PDF (customer)…"
    assert menu.get_attribute("aria-busy") == "true"
    assert len(held) == 1
    with page.expect_download() as download:
        held[0].continue_()
    assert download.value.suggested_filename.endswith("-customer.pdf")
    page.wait_for_function(
        "() => document.querySelector('[data-export-status]').dataset.state === 'done'"
    )
    assert status.inner_text().startswith("PDF (customer) ready:")
    assert menu.get_attribute("aria-busy") == "false"

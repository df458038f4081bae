"""Plan forms in a real browser: the prospecting form takes "15%", focuses the field to fix and
shows what a blank input takes from the data; a stakeholder saved with only a contact stays
unknown ("—") instead of becoming a high-influence decision maker."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from accountplan.plans.models import PlanSection
from tests.factories import OpportunityFactory
from tests.plans import conftest as plans_conftest

#: The plans tests' small book (bob's account, its team, contacts, products, a plan).
book = plans_conftest.book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def edit(page: Any, key: str) -> Any:
    page.click(f"#sec-{key} .edit-btn")
    form = page.locator(f"#sec-{key} form.section-form")
    form.wait_for()
    return form


def test_prospecting_form_takes_percent_signs_and_focuses_the_field_to_fix(
    book: Any, live_server: Any, login: Any
) -> None:
    for amount in (Decimal(10_000), Decimal(20_000)):
        OpportunityFactory.create(account=book.account, amount=amount)
    page = login(book.bob)
    page.goto(f"{live_server.url}/plans/{book.plan.pk}/")
    form = edit(page, "prospecting")
    # What a blank input takes from the data is shown in it.
    deal_size = form.locator("[name='inputs.deal_size']")
    assert deal_size.get_attribute("placeholder") == "15,000.00 (from the data)"
    assert deal_size.input_value() == ""
    form.locator("[name='inputs.current_revenue']").fill("$1,000,000")
    form.locator("[name='inputs.growth_pct']").fill("15%")
    form.locator("[name='inputs.win_rate_pct']").fill("150%")  # out of range
    form.locator("[name='inputs.prospects_per_opportunity']").fill("4")
    form.locator("button[type=submit]", has_text="Save").click()
    invalid = page.locator("#sec-prospecting [name='inputs.win_rate_pct'][aria-invalid=true]")
    invalid.wait_for()
    # The field to fix has the focus, not the first field of the form.
    page.wait_for_function(
        "document.activeElement && document.activeElement.name === 'inputs.win_rate_pct'"
    )
    assert page.locator("#sec-prospecting [name='inputs.growth_pct']").input_value() == "15"
    assert (
        page.locator("#sec-prospecting [name='inputs.growth_pct'][aria-invalid=true]").count() == 0
    )
    invalid.fill("40 %")
    page.locator("#sec-prospecting button[type=submit]", has_text="Save").click()
    page.locator("#sec-prospecting .saved-note").wait_for()
    inputs = PlanSection.objects.get(plan=book.plan, key="prospecting").data["inputs"]
    assert (Decimal(inputs["growth_pct"]), Decimal(inputs["win_rate_pct"])) == (15, 40)
    assert inputs["deal_size"] is None  # left blank: still drawn from the data
    # $1M × 15 % = $150K to find in $15,000 deals at 40 %: 10 deals, 25 opportunities.
    result = page.locator("#sec-prospecting [data-testid=prospecting-result]").inner_text()
    assert "new-business gap" in result.lower()
    explained = page.locator("#sec-prospecting [data-testid=gap-explained]").inner_text()
    assert "$150,000" in explained
    kpis = page.locator("#sec-prospecting [data-testid=prospecting-result] .value")
    assert kpis.all_inner_texts()[2:4] == ["10", "25"]


def test_stakeholder_with_only_a_contact_stays_unknown(
    book: Any, live_server: Any, login: Any
) -> None:
    contact = book.contacts[0]
    page = login(book.bob)
    page.goto(f"{live_server.url}/plans/{book.plan.pk}/")
    form = edit(page, "relationships")
    row = "stakeholders.0."
    for name in ("buying_role", "influence", "attitude", "mobilizer", "strength"):
        select = form.locator(f"[name='{row}{name}']")
        assert select.input_value() == ""
        assert select.locator("option:checked").inner_text() == "—"
    form.locator(f"[name='{row}contact_id']").select_option(str(contact.pk))
    form.locator("button[type=submit]", has_text="Save").click()
    section = page.locator("#sec-relationships")
    section.locator(".saved-note").wait_for()
    cells = section.locator("[data-testid=stakeholder-row] td").all_inner_texts()
    # contact, buying role, influence, attitude, mobilizer, strength
    assert cells[1:6] == ["—", "—", "—", "—", "—"]
    gaps = section.locator("[data-testid=gaps]").inner_text()
    assert "Buying role not set" in gaps and contact.full_name in gaps
    assert "No contact with a decision maker" in gaps
    assert "Unknown" in section.locator("[data-testid=separation-unknown]").inner_text()
    saved = PlanSection.objects.get(plan=book.plan, key="relationships").data["stakeholders"]
    assert [
        (s["buying_role"], s["influence"], s["attitude"], s["mobilizer"], s["strength"])
        for s in saved
    ] == [(None, None, None, None, None)]

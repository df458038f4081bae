"""Facts of one account from a small built book: deals by product, type, competitor and reason
with the rows behind them, stakeholder coverage from the plan's map, overdue actions, and ids
that stay the same for the same data. The offline rules' wording from those facts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from accountplan.book.choices import OpportunityStatus, OpportunityType
from accountplan.book.models import Activity, OpportunityContactRole
from accountplan.drafts.facts import build_facts
from accountplan.drafts.offline import draft_offline
from accountplan.plans.services import save_section
from tests.factories import ContactFactory, OpportunityFactory
from tests.plans import conftest as plans_conftest

book = plans_conftest.book
pytestmark = pytest.mark.django_db

AS_OF = dt.date(2027, 3, 31)
LOST = OpportunityStatus.LOST


@pytest.fixture
def deals(book: Any) -> dict[str, Any]:
    p1, p2 = book.products
    won = [
        OpportunityFactory.create(
            account=book.account, product=p1, amount=Decimal("1000.50"), close_date=AS_OF
        ),
        OpportunityFactory.create(
            account=book.account, product=p1, amount=Decimal("2000"), close_date=dt.date(2026, 9, 1)
        ),
    ]
    lost = [
        OpportunityFactory.create(
            account=book.account,
            product=p2,
            status=LOST,
            stage="Lost",
            amount=Decimal("700"),
            close_date=dt.date(2026, 12, 1),
            competitor="Initech",
            loss_reason="Price",
        ),
        OpportunityFactory.create(
            account=book.account,
            product=p2,
            status=LOST,
            stage="Lost",
            amount=Decimal("300"),
            close_date=dt.date(2027, 1, 5),
            competitor="initech ",
            loss_reason="Price",
        ),
    ]
    old = OpportunityFactory.create(
        account=book.account,
        product=p2,
        status=LOST,
        stage="Lost",
        close_date=dt.date(2024, 1, 1),
        competitor="Initech",
    )
    renewal = OpportunityFactory.create(
        account=book.account,
        product=p1,
        status=OpportunityStatus.OPEN,
        stage="Proposal",
        type=OpportunityType.RENEWAL,
        amount=Decimal("5000"),
        close_date=dt.date(2027, 6, 30),
    )
    other = OpportunityFactory.create(account=book.other, competitor="Initech", status=LOST)
    return {"won": won, "lost": lost, "old": old, "renewal": renewal, "other": other}


def test_deal_facts_count_the_accounts_own_deals_in_the_window_with_their_rows(
    book: Any, deals: dict[str, Any]
) -> None:
    facts = build_facts(book.account, "FY2027", AS_OF, plan=book.plan)
    by_id = facts.by_id()
    closed = by_id["deals.closed"]
    assert closed.values["won"] == 2 and closed.values["lost"] == 2
    assert closed.values["won_amount"] == Decimal("3000.50")
    assert closed.values["win_rate_pct"] == Decimal("50.0")
    assert closed.source.table == "book.Opportunity"
    assert set(closed.source.row_ids) == {d.pk for d in deals["won"] + deals["lost"]}
    # "Initech" and "initech " are one competitor; the 2024 loss and the other account's are out.
    [initech] = facts.of_kind("deals.lost.competitor")
    assert initech.values["count"] == 2 and initech.values["amount"] == Decimal("1000.00")
    assert set(initech.source.row_ids) == {d.pk for d in deals["lost"]}
    assert initech.label == "Lost 2 deals to Initech in the last 12 months ($1,000)"
    [reason] = facts.of_kind("deals.lost.reason")
    assert reason.values["reason"] == "Price"
    renewal = next(f for f in facts.of_kind("deals.open.type") if f.values["type"] == "renewal")
    assert renewal.source.row_ids == (deals["renewal"].pk,)
    won_p1 = by_id[f"deals.won.product:{book.products[0].pk}"]
    assert won_p1.values["count"] == 2
    # The same data gives the same ids and labels.
    again = build_facts(book.account, "FY2027", AS_OF, plan=book.plan)
    assert [(f.id, f.label) for f in again.facts] == [(f.id, f.label) for f in facts.facts]


def test_stakeholder_coverage_and_overdue_actions_come_from_the_plan(book: Any) -> None:
    a, b, c = book.contacts
    c.department = "Finance"
    c.save()
    save_section(
        book.plan,
        "relationships",
        {
            "stakeholders": [
                {"contact_id": a.pk, "buying_role": "decision_maker", "strength": 2},
                {"contact_id": b.pk, "mobilizer": "talker"},
            ]
        },
        1,
        book.bob,
    )
    Activity.objects.create(account=book.account, contact=a, subject="Call", date=AS_OF)
    save_section(
        book.plan,
        "actions",
        {
            "actions": [
                {"title": "Send the proposal", "due_date": "2027-01-15"},
                {"title": "Done already", "due_date": "2027-01-15", "status": "done"},
            ]
        },
        1,
        book.bob,
    )
    extra = ContactFactory.create(account=book.account, department="Operations")
    opp = OpportunityFactory.create(account=book.account, status=OpportunityStatus.OPEN)
    OpportunityContactRole.objects.create(opportunity=opp, contact=extra, role="Economic Buyer")
    facts = build_facts(book.account, "FY2027", AS_OF, plan=book.plan)
    by_id = facts.by_id()
    deciders = by_id["stakeholders.decision_makers"]
    assert deciders.values["strong"] == 0 and deciders.source.row_ids == (a.pk,)
    assert by_id["stakeholders.talkers"].source.row_ids == (b.pk,)
    stale = by_id["stakeholders.stale"]  # b was never touched; a was, on the as-of date
    assert stale.source.row_ids == (b.pk,)
    [finance] = facts.of_kind("stakeholders.uncovered_department")
    assert finance.values["department"] == "Finance" and finance.source.row_ids == (c.pk,)
    [overdue] = facts.of_kind("actions.overdue")
    assert overdue.values["title"] == "Send the proposal"
    [on_deal] = facts.of_kind("contacts.on_deals")
    assert on_deal.values["contact_id"] == extra.pk

    draft = draft_offline(facts)
    texts = {s.key: [e.text for e in s.entries] for s in draft.sections}
    assert "Find a mobilizer: those we know talk but do not act" in texts["actions"]
    assert any(t.startswith("Strengthen our tie to ") for t in texts["actions"])
    assert "Build a relationship in Finance" in texts["actions"]
    assert any("Reschedule “Send the proposal” (overdue since" in t for t in texts["actions"])
    stakeholders = next(s for s in draft.sections if s.key == "relationships").entries
    assert stakeholders[0].item["contact_id"] == extra.pk
    assert stakeholders[0].fact_ids == (f"contacts.on_deals:{extra.pk}",)


def test_offline_wording_of_deals_and_the_swot(book: Any, deals: dict[str, Any]) -> None:
    facts = build_facts(book.account, "FY2027", AS_OF, plan=book.plan)
    draft = draft_offline(facts, ["profile_position", "company_overview", "goals"])
    assert [s.key for s in draft.sections] == ["company_overview", "profile_position", "goals"]
    entries = {e.text: e for s in draft.sections for e in s.entries}
    threat = entries["Lost 2 deals to Initech in the last 12 months ($1,000)"]
    assert threat.field == "swot.threats"
    assert threat.fact_ids == (facts.of_kind("deals.lost.competitor")[0].id,)
    assert (
        "In the last 12 months we won 2 deals worth $3,001 and lost 2 deals worth $1,000."
        in entries
    )
    assert "Win rate 50.0% in the last 12 months" in entries
    renew = entries["Renew the 1 open renewal worth $5,000."]
    assert renew.item["kind"] == "renewal"
    assert renew.item["opportunity_ids"] == [deals["renewal"].pk]
    assert renew.item["amount"] == "5000.00"


def test_the_number_of_queries_does_not_grow_with_the_accounts_rows(
    book: Any, deals: dict[str, Any]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            build_facts(book.account, "FY2027", AS_OF, plan=book.plan)
        return len(ctx.captured_queries)

    before = count()
    for i in range(15):
        OpportunityFactory.create(
            account=book.account,
            product=book.products[i % 2],
            status=LOST,
            stage="Lost",
            competitor=f"Rival {i}",
            loss_reason=f"Reason {i}",
            close_date=dt.date(2027, 2, 1),
        )
        ContactFactory.create(account=book.account, department=f"Dept {i}")
    assert count() == before <= 30

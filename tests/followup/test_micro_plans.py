"""Lost deals get micro-plans (import, bulk), re-engaging opens a linked win-back deal."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accountplan.book.choices import OpportunityStatus, OpportunityType
from accountplan.book.models import Opportunity
from accountplan.core.errors import DomainError
from accountplan.core.models import Role
from accountplan.followup.models import LostDealPlan, MicroPlanStatus
from accountplan.followup.selectors import reengagements_due
from accountplan.followup.services import create_micro_plans, reengage
from accountplan.ingest.services import ImportOptions, ImportSource, run_import
from accountplan.portfolio.models import AccountScore
from accountplan.portfolio.services import create_snapshot, run_snapshot
from tests.factories import (
    AccountFactory,
    ContactFactory,
    OpportunityFactory,
    ProductFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _import(csv_text: str) -> None:
    report = run_import(
        "opportunities",
        ImportSource("deals.csv", csv_text.encode()),
        "maven",
        options=ImportOptions(),
        user=None,
    )
    assert report.status in ("imported", "partial"), report.message


def test_a_lost_deal_imported_from_a_file_gets_its_micro_plan_with_the_snapshot_then():
    owner = UserFactory(username="ann", first_name="Ann", last_name="Lee")
    acme = AccountFactory(name="Acme", owner=owner)
    widget = ProductFactory(name="Widget")
    # Revenue in the scoring window: two won deals, 1,200.50 + 800.25.
    for amount in ("1200.50", "800.25"):
        OpportunityFactory(
            account=acme,
            product=widget,
            amount=Decimal(amount),
            close_date=TODAY - dt.timedelta(days=30),
        )
    run_snapshot(create_snapshot(as_of=TODAY, window_months=12))
    score = AccountScore.objects.get(account=acme)
    lost_on = dt.date(2026, 8, 31)
    _import(
        "opportunity_id,product,account,deal_stage,close_date,close_value,competitor,loss_reason\n"
        f"L1,Widget,Acme,Lost,{lost_on.isoformat()},5000.75,Globex,Price\n"
        f"W1,Widget,Acme,Won,{TODAY.isoformat()},10,,\n"
    )
    micro = LostDealPlan.objects.get()
    assert micro.opportunity.external_id == "L1"
    # Independent recomputation: the account's revenue is the two won deals of the window.
    assert score.current_revenue == Decimal("2000.75")
    assert micro.account_revenue == Decimal("2000.75")
    assert (micro.amount, micro.product, micro.competitor, micro.reason) == (
        Decimal("5000.75"), "Widget", "Globex", "Price",
    )  # fmt: skip
    assert (micro.whitespace_value, micro.play, micro.tier) == (
        score.whitespace_value, score.play, score.tier,
    )  # fmt: skip
    # Two quarters later, the day clipped to February's end.
    assert micro.reengage_on == dt.date(2027, 2, 28)
    assert micro.lost_on == lost_on
    assert micro.debrief
    # Importing the same file again makes no second micro-plan.
    _import(
        "opportunity_id,product,account,deal_stage,close_date,close_value,competitor,loss_reason\n"
        f"L1,Widget,Acme,Lost,{lost_on.isoformat()},5000.75,Globex,Price\n"
    )
    assert LostDealPlan.objects.count() == 1


def test_micro_plans_are_created_in_batches_not_per_row():
    accounts = [AccountFactory() for _ in range(5)]
    Opportunity.objects.bulk_create(
        Opportunity(
            account=accounts[i % 5],
            stage="Lost",
            status=OpportunityStatus.LOST,
            amount=Decimal(i),
            close_date=TODAY,
        )
        for i in range(2500)
    )
    with CaptureQueriesContext(connection) as queries:
        assert create_micro_plans() == 2500
    # Per batch of 1,000: deals, contacts, insert (+ the snapshot once, + the final empty read).
    assert len(queries) <= 3 * 3 + 3
    assert LostDealPlan.objects.count() == 2500


def test_reengaging_opens_a_win_back_deal_linked_to_the_lost_one():
    ae = UserFactory(username="bob", role=Role.ACCOUNT_EXECUTIVE)
    account = AccountFactory(owner=ae)
    lost = OpportunityFactory(
        account=account, status=OpportunityStatus.LOST, stage="Lost", amount=Decimal("700.10"),
        competitor="Initech", loss_reason="Features", owner=ae,
    )  # fmt: skip
    create_micro_plans()
    micro = LostDealPlan.objects.get(opportunity=lost)
    win = reengage(micro, ae)
    win.refresh_from_db()
    assert win.type == OpportunityType.WIN_BACK
    assert win.won_back_from_id == lost.pk
    assert win.status == OpportunityStatus.OPEN
    assert win.amount == Decimal("700.10")
    micro.refresh_from_db()
    assert (micro.status, micro.winback_id) == (MicroPlanStatus.REENGAGED, win.pk)
    # Twice is once.
    assert reengage(micro, ae).pk == win.pk
    assert Opportunity.objects.filter(type=OpportunityType.WIN_BACK).count() == 1


def test_viewers_and_outsiders_may_not_reengage():
    owner = UserFactory(username="own")
    viewer = UserFactory(username="vic", role=Role.VIEWER)
    outsider = UserFactory(username="out")
    lost = OpportunityFactory(
        account=AccountFactory(owner=owner), status=OpportunityStatus.LOST, stage="Lost"
    )
    create_micro_plans()
    micro = LostDealPlan.objects.get(opportunity=lost)
    for user in (viewer, outsider):
        with pytest.raises(DomainError):
            reengage(micro, user)
    assert not Opportunity.objects.filter(type=OpportunityType.WIN_BACK).exists()


def test_due_when_the_date_comes_or_a_condition_fires():
    ae = UserFactory(username="bob")
    other = UserFactory(username="eve")
    a1, a2, a3, a4 = (AccountFactory(owner=ae) for _ in range(4))
    a5 = AccountFactory(owner=other)
    for a in (a1, a2, a3, a4, a5):
        OpportunityFactory(account=a, status=OpportunityStatus.LOST, stage="Lost", close_date=TODAY)
    create_micro_plans()
    plans = {m.account_id: m for m in LostDealPlan.objects.all()}
    plans[a1.pk].reengage_on = TODAY - dt.timedelta(days=1)
    plans[a1.pk].save()
    plans[a2.pk].news_signal = "New CIO announced"
    plans[a2.pk].save()
    plans[a3.pk].competitor_contract_end = TODAY + dt.timedelta(days=30)
    plans[a3.pk].save()
    ContactFactory(account=a4)  # a new contact after the loss
    plans[a5.pk].reengage_on = TODAY
    plans[a5.pk].save()
    due = reengagements_due(ae, TODAY)
    assert {r.account.pk for r in due} == {a1.pk, a2.pk, a3.pk, a4.pk}
    reasons = {r.account.pk: " ".join(r.reasons) for r in due}
    assert "News" in reasons[a2.pk] and "contract" in reasons[a3.pk] and "contact" in reasons[a4.pk]
    assert all(r.link.startswith("/lost-deals/") for r in due)


def test_cli_lost_deals_json():
    lost = OpportunityFactory(
        status=OpportunityStatus.LOST,
        stage="Lost",
        amount=Decimal("12.34"),
        close_date=dt.date(2026, 1, 15),
    )
    out = StringIO()
    call_command("lost-deals", "--json", stdout=out)
    items = json.loads(out.getvalue())
    assert items[0]["opportunity_id"] == lost.pk
    assert items[0]["snapshot"]["amount"] == "12.34"
    assert items[0]["reengage_on"] == "2026-07-15"


def test_micro_plans_written_as_rows_hold_what_a_save_would():
    """The batch write prepares constants once and days/money per row: every column must be
    what ``LostDealPlan.save()`` writes (defaults, the creation time, money to the cent)."""
    from django.utils import timezone

    acme = AccountFactory(name="Acme")
    contact = ContactFactory(account=acme)
    lost = OpportunityFactory(
        account=acme, status=OpportunityStatus.LOST, stage="Lost", amount=Decimal("1234.56"),
        close_date=dt.date(2026, 1, 31), competitor="Globex", loss_reason="Price",
    )  # fmt: skip
    before = timezone.now()
    assert create_micro_plans(dt.date(2026, 12, 5)) == 1
    written = LostDealPlan.objects.get()
    saved = LostDealPlan(
        opportunity=OpportunityFactory(account=acme, status=OpportunityStatus.LOST),
        account=acme, lost_on=dt.date(2026, 1, 31), reengage_on=dt.date(2026, 7, 31),
        amount=Decimal("1234.56"),
    )  # fmt: skip
    saved.save()
    saved.refresh_from_db()
    assert written.opportunity_id == lost.pk and written.last_contact_id == contact.pk
    assert (written.lost_on, written.reengage_on) == (dt.date(2026, 1, 31), dt.date(2026, 7, 31))
    assert written.amount == Decimal("1234.56")
    assert (written.competitor, written.reason) == ("Globex", "Price")
    for name in ("status", "debrief_done", "news_signal", "winback_id", "competitor_contract_end"):
        assert getattr(written, name) == getattr(saved, name), name
    assert before <= written.created_at <= timezone.now()
    # a deal that has its micro-plan is left alone (no error, no second row), even when a
    # second writer got there between the read and the insert
    from accountplan.followup.micro_insert import insert_micro_plans

    assert create_micro_plans() == 0
    again = {
        "opportunity_id": lost.pk, "account_id": acme.pk, "lost_on": dt.date(2026, 2, 1),
        "reengage_on": dt.date(2026, 8, 1), "amount": Decimal("1.00"),
    }  # fmt: skip
    insert_micro_plans([again])
    assert LostDealPlan.objects.filter(opportunity=lost).get().amount == Decimal("1234.56")

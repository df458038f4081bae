"""The follow-up's governance rules: review.due and lostdeal.reengage write findings with
severity, evidence and a fix link, follow their thresholds, close by themselves once the review
is recorded or the micro-plan re-engaged or closed, and show in the CLI, the API and on the home
page without being listed twice (issue 11 point 1, last bullet)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accountplan.book.choices import OpportunityStatus
from accountplan.book.models import Account
from accountplan.core.errors import DomainError
from accountplan.core.models import Role, User
from accountplan.followup.models import LostDealPlan, MicroPlanStatus
from accountplan.followup.services import create_micro_plans, create_review, reengage
from accountplan.governance.models import Finding, RuleSetting
from accountplan.governance.services import run_rules
from accountplan.governance.settings_toml import export_toml, import_toml
from accountplan.plans import services as plan_services
from accountplan.plans.models import AccountPlan, PlanStatus
from accountplan.portfolio.models import AccountScore, Snapshot
from tests.factories import AccountFactory, ContactFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@dataclass
class Case:
    ae: User
    other: User
    plans: dict[str, AccountPlan]
    micro: dict[str, LostDealPlan]
    accounts: dict[str, Account]


def _plan(account: Account, ae: User, started_days_ago: int) -> AccountPlan:
    plan = plan_services.create_plan(account, f"FY{TODAY.year}", ae, status=PlanStatus.ACTIVE)
    AccountPlan.objects.filter(pk=plan.pk).update(
        created_at=timezone.now() - dt.timedelta(days=started_days_ago)
    )
    plan.refresh_from_db()
    return plan


@pytest.fixture
def case() -> Case:
    """Tier-1 plans (a quarterly review, 91 days): "never" started 100 days ago and never
    reviewed (overdue: red); "soon" reviewed 80 days ago (due in 11 days: amber); "fresh"
    reviewed 10 days ago (nothing). Micro-plans: "dated" whose date came, "news" whose date is
    ahead but a news signal fired, "ahead" whose date is in 20 days (coming up, no finding)."""
    ae = UserFactory(username="bob", role=Role.ACCOUNT_EXECUTIVE)
    other = UserFactory(username="eve", role=Role.ACCOUNT_EXECUTIVE)
    snap = Snapshot.objects.create(status="done", finished_at=timezone.now(), as_of=TODAY)
    accounts = {k: AccountFactory(name=f"Acct {k}", owner=ae) for k in ("a1", "a2", "a3", "a4")}
    for acc in accounts.values():
        AccountScore.objects.create(snapshot=snap, account=acc, tier=1, play="Penetrate")
    plans = {
        "never": _plan(accounts["a1"], ae, 100),
        "soon": _plan(accounts["a2"], ae, 200),
        "fresh": _plan(accounts["a3"], ae, 200),
    }
    create_review(plans["soon"], ae, reviewed_on=TODAY - dt.timedelta(days=80), findings=["x"])
    create_review(plans["fresh"], ae, reviewed_on=TODAY - dt.timedelta(days=10), findings=["y"])
    ContactFactory(account=accounts["a4"], last_name="Old")
    for name in ("Dated", "News", "Ahead"):
        OpportunityFactory(
            account=accounts["a4"], name=name, status=OpportunityStatus.LOST, stage="Lost",
            competitor="Globex", close_date=TODAY - dt.timedelta(days=100),
        )  # fmt: skip
    create_micro_plans(TODAY)
    micro = {m.opportunity.name.lower(): m for m in LostDealPlan.objects.all()}
    micro["dated"].reengage_on = TODAY - dt.timedelta(days=3)
    micro["news"].reengage_on = TODAY + dt.timedelta(days=90)
    micro["news"].news_signal = "Globex lost its biggest client"
    micro["ahead"].reengage_on = TODAY + dt.timedelta(days=20)
    for m in micro.values():
        m.save()
    return Case(ae, other, plans, micro, accounts)


def _found(code: str) -> dict[tuple[int, int | None, str], Finding]:
    return {
        (f.account_id, f.plan_id, f.subject): f for f in Finding.objects.open().filter(rule=code)
    }


def test_reviews_due_and_overdue_with_severity_evidence_and_fix(case: Case) -> None:
    run = run_rules(trigger="test", today=TODAY)
    assert not run.errors
    found = _found("review.due")
    never, soon = case.plans["never"], case.plans["soon"]
    assert set(found) == {(never.account_id, never.pk, ""), (soon.account_id, soon.pk, "")}
    red = found[(never.account_id, never.pk, "")]
    amber = found[(soon.account_id, soon.pk, "")]
    assert (red.severity, amber.severity) == ("red", "amber")
    assert red.fix_url == f"/plans/{never.pk}/reviews/#review-form"
    assert "overdue since" in red.summary and "(9 days)" in red.summary
    assert red.evidence[0]["label"] == "Never reviewed; the plan started"
    assert red.evidence[0]["date"] == (TODAY - dt.timedelta(days=100)).isoformat()
    assert red.evidence[1]["label"] == "Review cadence: every 91 days (tier 1)"
    assert red.evidence[2] == {
        "label": "Next review due",
        "date": (TODAY - dt.timedelta(days=9)).isoformat(),
        "url": None,
    }
    last = soon.reviews.get()
    assert amber.evidence[0]["label"] == "Last review (1 in all)"
    assert amber.evidence[0]["url"] == f"/plans/{soon.pk}/reviews/#review-{last.pk}"
    assert amber.evidence[2]["date"] == (TODAY + dt.timedelta(days=11)).isoformat()


def test_review_thresholds_change_what_is_found(case: Case) -> None:
    import_toml('[rules."review.due"]\ndue_within_days = 0\nred_after_days = 30\n')
    run_rules(trigger="test", today=TODAY)
    found = _found("review.due")
    never = case.plans["never"]
    assert set(found) == {(never.account_id, never.pk, "")}
    assert found[(never.account_id, never.pk, "")].severity == "amber"  # 9 days late ≤ 30
    assert '[rules."review.due"]' in export_toml() and "due_within_days = 0" in export_toml()
    with pytest.raises(DomainError):
        import_toml('[rules."lostdeal.reengage"]\non_date = 1\n')


def test_recording_a_review_closes_its_finding(case: Case) -> None:
    run_rules(trigger="test", today=TODAY)
    f = Finding.objects.open().get(rule="review.due", plan=case.plans["never"])
    create_review(case.plans["never"], case.ae, reviewed_on=TODAY, findings=["done"])
    run = run_rules(trigger="test", today=TODAY)
    f.refresh_from_db()
    assert f.closed_at is not None and run.closed >= 1
    assert Finding.objects.open().filter(rule="review.due").count() == 1


def test_lost_deals_due_by_date_or_condition(case: Case) -> None:
    run_rules(trigger="test", today=TODAY)
    found = _found("lostdeal.reengage")
    a4 = case.accounts["a4"].pk
    dated, news = case.micro["dated"], case.micro["news"]
    assert set(found) == {(a4, None, f"micro-plan {dated.pk}"), (a4, None, f"micro-plan {news.pk}")}
    fd = found[(a4, None, f"micro-plan {dated.pk}")]
    fn = found[(a4, None, f"micro-plan {news.pk}")]
    assert fd.severity == fn.severity == "amber"
    assert fd.fix_url == f"/lost-deals/{dated.pk}/"
    product = dated.product
    assert product and fd.evidence[0]["label"] == f"Lost deal “Dated” ({product}) to Globex"
    assert fd.evidence[0]["date"] == (TODAY - dt.timedelta(days=100)).isoformat()
    assert fd.evidence[0]["url"] == f"/opportunities/{dated.opportunity_id}/"
    assert fd.evidence[1]["label"] == "Re-engagement date"
    assert fd.evidence[1]["date"] == (TODAY - dt.timedelta(days=3)).isoformat()
    assert [e["label"] for e in fn.evidence][1:] == ["News signal: Globex lost its biggest client"]
    assert "a news signal" in fn.summary


def test_a_new_contact_fires_and_names_the_contact(case: Case) -> None:
    ContactFactory(account=case.accounts["a4"], first_name="Nina", last_name="New", title="CFO")
    RuleSetting.objects.create(code="lostdeal.reengage", thresholds={"on_date": False})
    run_rules(trigger="test", today=TODAY)
    subjects = {f.subject: f for f in Finding.objects.open().filter(rule="lostdeal.reengage")}
    # The date no longer counts; every watching micro-plan of a4 has a newer contact now.
    ahead = subjects[f"micro-plan {case.micro['ahead'].pk}"]
    assert "Re-engagement date" not in [e["label"] for e in ahead.evidence]
    assert "New contact since the loss: Nina New (CFO)" in [e["label"] for e in ahead.evidence]


def test_only_the_date_when_conditions_are_off(case: Case) -> None:
    RuleSetting.objects.create(code="lostdeal.reengage", thresholds={"on_conditions": False})
    run_rules(trigger="test", today=TODAY)
    assert {f.subject for f in Finding.objects.open().filter(rule="lostdeal.reengage")} == {
        f"micro-plan {case.micro['dated'].pk}"
    }


def test_reengaging_or_closing_the_micro_plan_closes_its_finding(case: Case) -> None:
    run_rules(trigger="test", today=TODAY)
    open_ = {f.subject: f for f in Finding.objects.open().filter(rule="lostdeal.reengage")}
    reengage(case.micro["dated"], case.ae, TODAY)
    client = Client()
    client.force_login(case.ae)
    r = client.post(f"/lost-deals/{case.micro['news'].pk}/", {"action": "drop"})
    assert r.status_code == 302
    assert LostDealPlan.objects.get(pk=case.micro["news"].pk).status == MicroPlanStatus.DROPPED
    run_rules(trigger="test", today=TODAY)
    for f in open_.values():
        f.refresh_from_db()
        assert f.closed_at is not None
    # Someone who may not change the account cannot close it.
    client.force_login(case.other)
    assert client.post(
        f"/lost-deals/{case.micro['ahead'].pk}/", {"action": "drop"}
    ).status_code in (
        403,
        404,
    )


def test_cli_and_api_show_both_kinds(case: Case) -> None:
    run_rules(trigger="test", today=TODAY)
    out = StringIO()
    call_command("findings", "--json", "--user", "bob", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    kinds = {r["rule"] for r in rows}
    assert {"review.due", "lostdeal.reengage"} <= kinds
    review = next(r for r in rows if r["rule"] == "review.due" and r["severity"] == "red")
    assert review["link"].endswith(f"/plans/{case.plans['never'].pk}/reviews/#review-form")
    assert review["evidence"][0]["label"] == "Never reviewed; the plan started"
    client = Client()
    client.force_login(case.ae)
    body = client.get("/api/findings", {"rule": "lostdeal.reengage"}).json()
    items = body.get("items", body.get("results", []))
    assert {i["rule"] for i in items} == {"lostdeal.reengage"} and len(items) == 2
    client.force_login(case.other)
    other = client.get("/api/findings").json()
    assert not other.get("items", other.get("results", []))


def test_home_lists_due_items_once_and_what_is_coming_up(case: Case) -> None:
    run_rules(trigger="test", today=TODAY)
    client = Client()
    client.force_login(case.ae)
    html = client.get("/").content.decode()
    dated = case.micro["dated"]
    # Due now: a finding (with its fix link), not in a slot.
    assert html.count(f'class="fix" href="/lost-deals/{dated.pk}/"') == 1
    assert 'data-rule="lostdeal.reengage"' in html and 'data-rule="review.due"' in html
    assert html.count(f'href="/plans/{case.plans["never"].pk}/reviews/') == 1
    # Coming up: the micro-plan whose date is in 20 days, in the slot only.
    ahead = case.micro["ahead"]
    assert 'data-slot="reengage_upcoming"' in html and 'data-slot="reviews_upcoming"' in html
    assert html.count(f'href="/lost-deals/{ahead.pk}/"') == 1
    slot = html[html.index('data-slot="reengage_upcoming"') :]
    assert f'href="/lost-deals/{ahead.pk}/"' in slot
    assert f'href="/lost-deals/{dated.pk}/"' not in slot
    # The fresh plan's review (in 81 days) is beyond the slot's 45 days: nowhere.
    assert f"/plans/{case.plans['fresh'].pk}/reviews/" not in html

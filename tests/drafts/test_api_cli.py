"""Drafts on the API and the CLI: draft a plan, read it with its evidence, accept part of it;
who may not edit the plan gets 403, who may not see the account 404; ``plan draft`` prints the
same draft (text or JSON) and writes nothing."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from accountplan.core.models import User
from accountplan.core.tokens import create_token
from accountplan.drafts.models import Draft
from accountplan.plans.models import AccountPlan, PlanRevision
from tests.factories import OpportunityFactory
from tests.plans import conftest as plans_conftest

book = plans_conftest.book
pytestmark = pytest.mark.django_db


def client(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {create_token(user, 'tests').raw}"})


def post(c: Client, url: str, body: Any) -> Any:
    return c.post(url, json.dumps(body), content_type="application/json")


def test_draft_read_and_accept_through_the_api(book: Any) -> None:
    OpportunityFactory.create(account=book.account, competitor="Initech", status="lost")
    bob = client(book.bob)
    r = post(bob, "/api/drafts", {"account_id": book.account.pk, "period": "FY2027"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["plan_id"] == book.plan.pk and body["badge"] == "from data"
    assert body["sections"][0]["key"] == "company_overview"
    cited = {i for s in body["sections"] for e in s["entries"] for i in e["fact_ids"]}
    assert cited and cited == {f["id"] for f in body["facts"]}
    profile = next(f for f in body["facts"] if f["id"] == "account.profile")
    assert profile["links"] == [
        {"label": "The account page", "url": f"/accounts/{book.account.pk}/"}
    ]
    assert client(book.dave).get(f"/api/drafts/{body['id']}").json()["id"] == body["id"]
    # Nothing is written until accepted.
    assert not PlanRevision.objects.filter(plan=book.plan, summary__startswith="Drafted").exists()

    ref = next(
        e["ref"] for s in body["sections"] if s["key"] == "company_overview" for e in s["entries"]
    )
    r = post(bob, f"/api/drafts/{body['id']}/accept", {"entries": [ref]})
    assert r.status_code == 200, r.content
    assert set(r.json()["saved"]) == {"company_overview"}
    rev = PlanRevision.objects.get(plan=book.plan, key="company_overview")
    assert rev.summary.startswith("Drafted from data: ")
    assert rev.data["description"].startswith("Acme Corp is ")

    assert post(bob, f"/api/drafts/{body['id']}/accept", {"entries": ["nope.9"]}).status_code == 400


def test_who_may_not_edit_or_see_is_refused(book: Any) -> None:
    body = {"account_id": book.account.pk, "period": "FY2027", "sections": ["goals"]}
    assert post(client(book.vera), "/api/drafts", body).status_code == 403
    assert post(client(book.charlie), "/api/drafts", body).status_code == 404
    r = post(client(book.bob), "/api/drafts", body)
    draft_id = r.json()["id"]
    assert client(book.charlie).get(f"/api/drafts/{draft_id}").status_code == 404
    assert post(client(book.vera), f"/api/drafts/{draft_id}/accept", {}).status_code == 403
    assert post(client(book.bob), "/api/drafts", {**body, "sections": ["nope"]}).status_code == 404


def test_accepting_a_draft_for_a_period_without_a_plan_creates_the_plan(book: Any) -> None:
    r = post(client(book.bob), "/api/drafts", {"account_id": book.account.pk, "period": "FY2030"})
    assert r.status_code == 201 and r.json()["plan_id"] is None
    r = post(client(book.bob), f"/api/drafts/{r.json()['id']}/accept", {})
    plan = AccountPlan.objects.get(account=book.account, period="FY2030")
    assert r.json()["plan_id"] == plan.pk and "company_overview" in r.json()["saved"]


def test_the_cli_prints_the_draft_and_writes_nothing(book: Any) -> None:
    out = io.StringIO()
    call_command(
        "plan",
        "draft",
        book.account.external_id,
        "--period",
        "FY2027",
        "--section",
        "company_overview",
        stdout=out,
    )
    text = out.getvalue()
    assert "Acme Corp · FY2027 · draft from data" in text
    assert "Company overview" in text and "Acme Corp is a Mid-market Retail company" in text
    assert "↳ Acme Corp: Mid-market Retail" in text
    out = io.StringIO()
    call_command("plan", "draft", str(book.account.pk), "--period", "FY2027", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert len(data["sections"]) == 10 and data["id"] is None
    assert all(e["fact_ids"] for s in data["sections"] for e in s["entries"])
    assert Draft.objects.count() == 0
    assert not PlanRevision.objects.filter(summary__startswith="Drafted").exists()


def test_an_account_keeps_its_newest_drafts_only(book: Any) -> None:
    from accountplan.drafts.services import KEEP_PER_ACCOUNT, create_draft

    made = [
        create_draft(book.plan, None, ["company_overview"], book.bob).pk
        for _ in range(KEEP_PER_ACCOUNT + 2)
    ]
    kept = list(Draft.objects.filter(account=book.account).values_list("pk", flat=True))
    assert sorted(kept) == sorted(made[2:])

"""Answers are stored with their history, unknowns become discovery actions on the active plan,
the mobilizer comes from the relationship map, a low-fit deal raises a finding on its account,
and the pages, the API and the CLI show the same score."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from accountplan.book.choices import OpportunityStatus
from accountplan.core.errors import Forbidden
from accountplan.core.models import Role
from accountplan.fit import selectors, services
from accountplan.fit.models import FitAnswerChange
from accountplan.governance.models import Finding
from accountplan.plans.models import PlanStatus
from accountplan.plans.services import create_plan, save_section, section_of
from tests.factories import AccountFactory, ContactFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "meaningful_spend": ("yes", "Budget of 2M approved"),
    "financially_sound": ("yes", ""),
    "pressure_business": ("yes", ""),
    "pressure_deadline": ("yes", ""),
    "discontent_named": ("yes", ""),
    "discontent_cost": ("yes", ""),
    "receptive_insight": ("yes", ""),
    "receptive_change": ("yes", ""),
    "emerging_unsolved": ("yes", ""),
}


@pytest.fixture
def book(db: None) -> dict[str, Any]:
    owner = UserFactory.create(username="alice")
    outsider = UserFactory.create(username="charlie")
    viewer = UserFactory.create(username="vera", role=Role.VIEWER)
    account = AccountFactory.create(owner=owner, name="Acme")
    opp = OpportunityFactory.create(
        account=account, owner=owner, status=OpportunityStatus.OPEN, name="Acme rollout"
    )
    return {"owner": owner, "outsider": outsider, "viewer": viewer, "account": account, "opp": opp}


def test_answers_are_recorded_with_history_and_score(book: dict[str, Any]) -> None:
    scored = services.save_answers(book["owner"], book["opp"], GOOD)
    # 70 of the 70 block points but the mobilizer (10 of emerging's 20) and no analytics: 60.
    assert scored.result.score == Decimal("60.0")
    changes = list(FitAnswerChange.objects.filter(opportunity=book["opp"]))
    assert len(changes) == len(GOOD)
    assert {c.changed_by for c in changes} == {book["owner"]}
    assert all(c.score_after == Decimal("60.0") for c in changes)
    # Saving the same again records nothing new; a change records one row.
    services.save_answers(book["owner"], book["opp"], GOOD)
    assert FitAnswerChange.objects.filter(opportunity=book["opp"]).count() == len(GOOD)
    services.save_answers(book["owner"], book["opp"], {"pressure_deadline": ("no", "")})
    last = FitAnswerChange.objects.filter(opportunity=book["opp"]).first()
    assert last is not None and (last.old_value, last.new_value) == ("yes", "no")
    assert last.score_after == Decimal("50.0")


def test_only_who_may_write_the_accounts_plans_may_answer(book: dict[str, Any]) -> None:
    for who in ("outsider", "viewer"):
        with pytest.raises(Forbidden):
            services.save_answers(book[who], book["opp"], GOOD)


def test_mobilizer_comes_from_the_relationship_map(book: dict[str, Any]) -> None:
    plan = create_plan(book["account"], "FY2027", book["owner"])
    plan.status = PlanStatus.ACTIVE
    plan.save()
    contact = ContactFactory.create(account=book["account"])
    data = {"stakeholders": [{"contact_id": contact.pk, "mobilizer": "mobilizer"}]}
    save_section(plan, "relationships", data, 1, book["owner"])
    scored = services.save_answers(book["owner"], book["opp"], GOOD)
    assert scored.facts.mobilizer is True
    assert scored.result.score == Decimal("70.0")
    assert scored.result.band.label == "Pursue"


def test_unknowns_become_actions_on_the_active_plan_and_close_when_answered(
    book: dict[str, Any],
) -> None:
    plan = create_plan(book["account"], "FY2027", book["owner"])
    plan.status = PlanStatus.ACTIVE
    plan.save()
    services.save_answers(book["owner"], book["opp"], {"meaningful_spend": ("yes", "")})
    actions = section_of(plan, "actions").data["actions"]
    ids = {a["id"]: a for a in actions}
    assert services.action_id(book["opp"].pk, "financially_sound") in ids
    assert services.action_id(book["opp"].pk, "mobilizer") in ids
    assert services.action_id(book["opp"].pk, "meaningful_spend") not in ids
    services.save_answers(book["owner"], book["opp"], {"financially_sound": ("yes", "")})
    actions = section_of(plan, "actions").data["actions"]
    done = {a["id"]: a["status"] for a in actions}
    assert done[services.action_id(book["opp"].pk, "financially_sound")] == "done"


def test_a_low_fit_deal_raises_a_finding_and_a_better_answer_closes_it(
    book: dict[str, Any],
) -> None:
    services.save_answers(book["owner"], book["opp"], {"financially_sound": ("no", "Losses")})
    f = Finding.objects.open().get(rule="fit.low")
    assert f.account_id == book["account"].pk and f.severity == "red"
    assert f.fix_url.startswith(f"/opportunities/{book['opp'].pk}/fit/")
    services.save_answers(book["owner"], book["opp"], GOOD)  # 60: above the threshold of 45
    assert not Finding.objects.open().filter(rule="fit.low").exists()
    services.save_answers(book["owner"], book["opp"], dict.fromkeys(list(GOOD)[2:], ("no", "")))
    f = Finding.objects.open().get(rule="fit.low")
    assert f.severity == "amber" and "fit 0.0 below 45" in f.summary


def test_page_api_and_cli_agree(book: dict[str, Any]) -> None:
    client = Client()
    client.force_login(book["owner"])
    url = f"/opportunities/{book['opp'].pk}/fit/"
    post = {f"a_{k}": v for k, (v, _) in GOOD.items()} | {"e_meaningful_spend": "Budget"}
    response = client.post(url, post)
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="fit-score">60.0<' in page
    assert "Fit = 100 × 60 ÷ 100 = 60.0" in page
    assert "20 × 1 ÷ 2 = 10" in page  # emerging needs: the mobilizer is not known
    api = client.get(f"/api/opportunities/{book['opp'].pk}/fit").json()
    assert api["score"] == "60.0" and api["band"] == "Qualify further"
    assert {a["key"]: a["evidence"] for a in api["answers"]}["meaningful_spend"] == "Budget"
    out = StringIO()
    call_command("fit", str(book["opp"].pk), "--json", stdout=out)
    assert json.loads(out.getvalue())["score"] == "60.0"
    out = StringIO()
    call_command("fit", str(book["opp"].pk), stdout=out)
    assert "Fit: 60.0 / 100 — Qualify further" in out.getvalue()
    r = client.put(
        f"/api/opportunities/{book['opp'].pk}/fit/answers",
        {"answers": [{"key": "nope", "value": "yes"}]},
        content_type="application/json",
    )
    assert r.status_code == 422


def test_settings_change_moves_the_scores(book: dict[str, Any]) -> None:
    manager = UserFactory.create(username="mgr", role=Role.MANAGER)
    services.save_answers(book["owner"], book["opp"], GOOD)
    layout = selectors.current_layout()
    layout["analytics"] = {"strategic_fit": 0, "cost_to_serve": 0, "growth_potential": 0}
    client = Client()
    client.force_login(manager)
    r = client.put("/api/fit/settings", layout, content_type="application/json")
    assert r.status_code == 200, r.content
    assert selectors.scored_one(book["opp"]).result.score == Decimal("85.7")  # 60 / 70
    client.force_login(book["owner"])
    r = client.put("/api/fit/settings", layout, content_type="application/json")
    assert r.status_code == 403


def test_the_goal_build_shows_its_deals_fit(book: dict[str, Any]) -> None:
    plan = create_plan(book["account"], "FY2027", book["owner"])
    goals = {
        "components": [{"kind": "upsell", "amount": "1000", "opportunity_ids": [book["opp"].pk]}]
    }
    save_section(plan, "goals", goals, 1, book["owner"])
    client = Client()
    client.force_login(book["owner"])
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "fit not scored" in page
    services.save_answers(book["owner"], book["opp"], GOOD)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "fit 60.0 · Qualify further" in page
    assert f'href="/opportunities/{book["opp"].pk}/fit/"' in page


def test_settings_page_and_fitcard_command(book: dict[str, Any], tmp_path: Any) -> None:
    manager = UserFactory.create(username="mgr2", role=Role.MANAGER)
    client = Client()
    client.force_login(manager)
    page = client.get("/fit/settings/")
    assert page.status_code == 200 and "Operating pressure to change" in page.content.decode()
    bad = client.post("/fit/settings/", {"band_2_min": "10"})
    assert bad.status_code == 422
    assert "The lowest band must start at min_score = 0" in bad.content.decode()
    ok = client.post("/fit/settings/", {"w_block_pressure": "25", "band_0_guidance": "Go"})
    assert ok.status_code == 302
    assert selectors.current_layout()["blocks"][0]["weight"] == 25
    assert selectors.current_layout()["bands"][0]["guidance"] == "Go"
    path = tmp_path / "fit.toml"
    call_command("fitcard", "export", str(path), stdout=StringIO())
    text = path.read_text().replace("weight = 25", "weight = 40", 1)
    path.write_text(text)
    call_command("fitcard", "import", str(path), stdout=StringIO())
    assert selectors.current_layout()["blocks"][0]["weight"] == 40
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("fit.toml", text.replace("weight = 40", "weight = 30", 1).encode())
    good = client.post("/fit/settings/", {"toml_file": upload})
    assert good.status_code == 302
    assert selectors.current_layout()["blocks"][0]["weight"] == 30


def test_a_rules_run_keeps_the_finding_a_save_opened(book: dict[str, Any]) -> None:
    from accountplan.governance.services import run_rules

    services.save_answers(book["owner"], book["opp"], {"meaningful_spend": ("no", "")})
    opened = Finding.objects.open().get(rule="fit.low")
    run = run_rules(trigger="test")
    assert not run.errors
    assert list(Finding.objects.open().filter(rule="fit.low")) == [opened]
    book["opp"].status = OpportunityStatus.LOST
    book["opp"].save()
    run_rules(trigger="test")
    assert not Finding.objects.open().filter(rule="fit.low").exists()


def test_fit_page_and_api_query_counts_do_not_grow(
    book: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client = Client()
    client.force_login(book["owner"])
    services.save_answers(book["owner"], book["opp"], {"meaningful_spend": ("yes", "")})
    url = f"/opportunities/{book['opp'].pk}/fit/"
    with django_assert_max_num_queries(30) as small:
        client.get(url)
        client.get(f"/api/opportunities/{book['opp'].pk}/fit")
    services.save_answers(book["owner"], book["opp"], GOOD)
    services.save_answers(book["owner"], book["opp"], dict.fromkeys(GOOD, ("no", "x")))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
        assert client.get(f"/api/opportunities/{book['opp'].pk}/fit").status_code == 200


def test_the_low_fit_finding_reaches_the_same_home_pages_as_the_accounts_other_findings(
    book: dict[str, Any], client: Client
) -> None:
    """A low-fit finding is scoped like every account-level finding (governance/selectors:
    owner and team, their managers up the reporting line, a leader without reports the whole
    book): the home page of each user lists it exactly when it lists another rule's finding on
    the same account."""
    from django.utils import timezone

    boss = UserFactory.create(username="mona", role=Role.MANAGER)
    lead = UserFactory.create(username="lead", role=Role.MANAGER)  # no reports: the whole book
    other_boss = UserFactory.create(username="otto", role=Role.MANAGER)
    UserFactory.create(username="olga", manager=other_boss)
    book["owner"].manager = boss
    book["owner"].save(update_fields=["manager"])
    services.save_answers(book["owner"], book["opp"], {"financially_sound": ("no", "Losses")})
    Finding.objects.create(
        rule="people.silent_account", severity="amber", account=book["account"],
        summary="Acme: silent for 90 days", fix_url="/", rank=1, subject="account",
        last_seen_at=timezone.now(),
    )  # fmt: skip
    seen = {}
    for user in (book["owner"], book["outsider"], boss, lead, other_boss):
        client.force_login(user)
        page = client.get("/").content.decode()
        seen[user.username] = ("is a low-fit deal" in page, "silent for 90 days" in page)
    assert seen == {
        "alice": (True, True),  # the owner
        "charlie": (False, False),  # an AE off the account
        "mona": (True, True),  # the owner's manager, team view (the default)
        "lead": (True, True),  # a manager with no reports sees the whole book
        "otto": (False, False),  # another team's manager: in the book, not on his home
    }
    client.force_login(boss)
    mine = client.get("/?view=mine").content.decode()
    assert "is a low-fit deal" not in mine and "silent for 90 days" not in mine

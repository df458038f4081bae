"""A small book with one real case of every governance rule, and controls that trigger none.

bob (AE, reports to alice the manager) owns every account. Snapshot: a1 tier 1 Penetrate, a2 tier 2
Expand, a3 tier 1 Nurture, a4 tier 3 Nurture, a5 tier 1, a6 tier 2, a7 tier 3 (no plans for a5–a7).

- P1 (a1, this year): last changed 61 days ago; an action 40 days late, one due in 5 days, one
  done long ago; a milestone marked late; a 10M goal and nothing won; only talkers (c1, c2, both
  IT), no decider; Finance (c3) has nobody on the map; c1 last touched 100 days ago.
- P2 (a2, this year): decision maker c4 is a detractor and never touched; c5 champion, mobilizer
  unknown, touched 5 days ago; the goal build is renewal only.
- P3 (a3, this year): the control: a decider who is a supporter and a mobilizer touched 5 days
  ago, a goal "Raise NPS to 40", nothing late.
- P4 (a4, last year): the period ended, no plan follows; Nurture with no satisfaction goal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accountplan.book import models as m
from accountplan.core.models import Role, User
from accountplan.governance.models import RuleSetting
from accountplan.plans.models import AccountPlan, PlanStatus
from accountplan.plans.plan_writes import update_plan
from accountplan.plans.services import create_plan, save_section
from accountplan.portfolio.models import AccountScore, Snapshot
from tests.factories import AccountFactory, ContactFactory, UserFactory


@dataclass
class World:
    today: dt.date
    alice: User
    bob: User
    vera: User
    accounts: dict[str, m.Account]
    plans: dict[str, AccountPlan]
    contacts: dict[str, m.Contact]


def _activity(account: m.Account, contact: m.Contact | None, days_ago: int, today: dt.date) -> None:
    m.Activity.objects.create(
        account=account,
        contact=contact,
        subject="Call",
        date=today - dt.timedelta(days=days_ago),
    )


def _plan(account: m.Account, period: str, user: User, sections: dict[str, Any]) -> AccountPlan:
    plan = create_plan(account, period, user)
    for key, data in sections.items():
        save_section(plan, key, data, 1, user)
    update_plan(plan, user, status=PlanStatus.ACTIVE)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def world(db: None) -> World:
    today = timezone.localdate()
    year = today.year
    alice = UserFactory(username="alice", role=Role.MANAGER)
    bob = UserFactory(username="bob", role=Role.ACCOUNT_EXECUTIVE, manager=alice)
    vera = UserFactory(username="vera", role=Role.VIEWER)
    snap = Snapshot.objects.create(status="done", finished_at=timezone.now(), as_of=today)
    spec = {
        "a1": (1, "Penetrate", 1000),
        "a2": (2, "Expand", 800),
        "a3": (1, "Nurture", 900),
        "a4": (3, "Nurture", 100),
        "a5": (1, "Penetrate", 700),
        "a6": (2, "Manage", 300),
        "a7": (3, "Manage", 50),
    }
    accounts = {}
    for key, (tier, play, value) in spec.items():
        acc = AccountFactory(name=f"Acct {key}", owner=bob)
        accounts[key] = acc
        AccountScore.objects.create(
            snapshot=snap, account=acc, tier=tier, play=play, value=Decimal(value)
        )
    a = accounts
    c = {
        "c1": ContactFactory(account=a["a1"], department="IT", last_name="One"),
        "c2": ContactFactory(account=a["a1"], department="IT", last_name="Two"),
        "c3": ContactFactory(account=a["a1"], department="Finance", last_name="Three"),
        "c4": ContactFactory(account=a["a2"], department="Ops", last_name="Four"),
        "c5": ContactFactory(account=a["a2"], department="Ops", last_name="Five"),
        "c6": ContactFactory(account=a["a3"], department="", last_name="Six"),
    }
    _activity(a["a1"], c["c1"], 100, today)
    _activity(a["a1"], c["c2"], 10, today)
    _activity(a["a2"], c["c5"], 5, today)
    _activity(a["a3"], c["c6"], 5, today)
    _activity(a["a6"], None, 10, today)
    d = lambda n: (today + dt.timedelta(days=n)).isoformat()  # noqa: E731
    period, last = f"FY{year}", f"FY{year - 1}"
    plans = {
        "P1": _plan(
            a["a1"],
            period,
            bob,
            {
                "actions": {
                    "actions": [
                        {"title": "Late one", "owner_id": bob.pk, "due_date": d(-40)},
                        {"title": "Soon", "owner_id": bob.pk, "due_date": d(5)},
                        {"title": "Done", "owner_id": bob.pk, "due_date": d(-90), "status": "done"},
                    ]
                },
                "dashboard": {"milestones": [{"title": "Pilot", "date": d(30), "status": "late"}]},
                "goals": {"objective_amount": "10000000", "components": [{"kind": "upsell"}]},
                "relationships": {
                    "stakeholders": [
                        {"contact_id": c["c1"].pk, "buying_role": "user", "mobilizer": "talker"},
                        {"contact_id": c["c2"].pk, "mobilizer": "talker"},
                    ]
                },
            },
        ),
        "P2": _plan(
            a["a2"],
            period,
            bob,
            {
                "relationships": {
                    "stakeholders": [
                        {
                            "contact_id": c["c4"].pk,
                            "buying_role": "decision_maker",
                            "attitude": "detractor",
                        },
                        {"contact_id": c["c5"].pk, "buying_role": "champion"},
                    ]
                },
                "goals": {"components": [{"kind": "renewal"}]},
            },
        ),
        "P3": _plan(
            a["a3"],
            period,
            bob,
            {
                "relationships": {
                    "stakeholders": [
                        {
                            "contact_id": c["c6"].pk,
                            "buying_role": "decision_maker",
                            "attitude": "supporter",
                            "mobilizer": "mobilizer",
                        }
                    ]
                },
                "goals": {"objective_text": "Raise NPS to 40"},
            },
        ),
        "P4": _plan(a["a4"], last, bob, {}),
    }
    AccountPlan.objects.filter(pk=plans["P1"].pk).update(
        updated_at=timezone.now() - dt.timedelta(days=61)
    )
    # Early in January the share of the year gone by is below the default 10 %: test the pace
    # from the first day.
    RuleSetting.objects.create(code="exec.goal_pace", thresholds={"min_elapsed_pct": 0})
    return World(today, alice, bob, vera, accounts, plans, c)

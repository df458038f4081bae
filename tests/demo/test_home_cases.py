"""The demo book gives the printed manager's and account executive's home pages real items of
every governance rule (issue 11's done-when): ``accountplan demo`` as a user runs it (full size,
default seed), both logins signed in through the real form, each rule's kind listed on each home.

The book is written as of a fixed mid-year date, so the cases do not depend on the day the test
runs (the demo dates its cases and runs the rules as of the book's date).
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from accountplan.governance.models import Finding
from accountplan.governance.rules.registry import rules

pytestmark = pytest.mark.django_db

#: The 15 rules of issue 11's point 1; the test also asks for every other registered rule (the
#: follow-up's review and lost-deal rules, the opportunity-fit rule).
CODES = (
    "plan.stale",
    "plan.period_ended",
    "plan.key_account_unplanned",
    "exec.overdue_actions",
    "exec.milestones_behind",
    "exec.goal_pace",
    "rel.no_decision_maker",
    "rel.no_mobilizer",
    "rel.decider_detractor",
    "rel.only_talkers",
    "rel.department_gap",
    "people.stale_contacts",
    "people.silent_account",
    "play.expand_no_growth",
    "play.nurture_no_satisfaction",
)


def _signed_in(username: str, password: str) -> Client:
    client = Client()
    answer = client.post("/login/", {"username": username, "password": password})
    assert answer.status_code == 302 and "/login/" not in answer["Location"], username
    return client


def _items(client: Client, code: str) -> list[str]:
    """The findings of one kind on the signed-in user's home page (its first page)."""
    html = client.get(f"/?rule={code}").content.decode()
    return re.findall(rf'<li class="finding sev-\w+" data-rule="{re.escape(code)}"', html)


def test_the_demo_manager_and_ae_homes_show_every_rule() -> None:
    out = io.StringIO()
    call_command("demo", "--no-serve", "--as-of=2026-06-30", stdout=out)
    printed = dict(
        zip(
            re.findall(r"Username\s+(\S+)", out.getvalue()),
            re.findall(r"Password\s+(\S+)", out.getvalue()),
            strict=True,
        )
    )
    assert set(printed) == {"demo", "ae.demo"}
    assert set(Finding.objects.open().values_list("rule", flat=True)) >= set(CODES)
    for username in ("demo", "ae.demo"):
        client = _signed_in(username, printed[username])
        home = client.get("/").content.decode()
        assert "What needs attention" in home
        missing = [code for code in CODES if not _items(client, code)]
        assert missing == [], f"{username}'s home has no item of {missing}"
        others = [r.code for r in rules() if r.code not in CODES and not _items(client, r.code)]
        assert others == [], f"{username}'s home has no item of {others}"

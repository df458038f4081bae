"""Every rule against the case book (conftest): exactly the accounts and plans built to trigger it,
with the severity and evidence its definition says."""

from __future__ import annotations

import datetime as dt

import pytest

from accountplan.governance.models import Finding
from accountplan.governance.rules.registry import rules
from accountplan.governance.services import run_rules
from tests.governance.conftest import World

#: rule → the (account key, plan key or None, severity) it must find, and nothing else.
EXPECTED: dict[str, set[tuple[str, str | None, str]]] = {
    "plan.stale": {("a1", "P1", "amber")},
    "plan.period_ended": {("a4", "P4", "red")},
    "plan.key_account_unplanned": {("a5", None, "red"), ("a6", None, "amber")},
    "exec.overdue_actions": {("a1", "P1", "red")},
    "exec.milestones_behind": {("a1", "P1", "amber")},
    "exec.goal_pace": {("a1", "P1", "amber")},
    "rel.no_decision_maker": {("a1", "P1", "red"), ("a4", "P4", "red")},
    "rel.decider_detractor": {("a2", "P2", "red")},
    "rel.only_talkers": {("a1", "P1", "amber")},
    "rel.no_mobilizer": {("a2", "P2", "amber"), ("a4", "P4", "amber")},
    "rel.department_gap": {("a1", "P1", "amber")},
    "people.stale_contacts": {("a1", "P1", "amber"), ("a2", "P2", "red")},
    "people.silent_account": {("a5", None, "red")},
    "play.expand_no_growth": {("a2", "P2", "amber")},
    "play.nurture_no_satisfaction": {("a4", "P4", "amber")},
    # The case book scores no deal's fit: nothing found; its cases are in tests/fit.
    "fit.low": set(),
    # The follow-up's rules: nothing in this book (its plans are new, it has no lost deal); their
    # cases are in tests/followup/test_followup_rules.py.
    "review.due": set(),
    "lostdeal.reengage": set(),
    # Sharing's rules: no scorecard in this book, and its plans are new (no session or
    # scorecard due yet); their cases are in tests/sharing/test_joint.py.
    "share.scorecard_drop": set(),
    "share.cadence_due": set(),
}


def _found(world: World, code: str) -> set[tuple[str, str | None, str]]:
    acc = {a.pk: k for k, a in world.accounts.items()}
    pln = {p.pk: k for k, p in world.plans.items()}
    return {
        (acc[f.account_id], pln.get(f.plan_id) if f.plan_id else None, f.severity)
        for f in Finding.objects.open().filter(rule=code)
    }


def test_every_registered_rule_has_a_case() -> None:
    assert {r.code for r in rules()} == set(EXPECTED)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_rule_finds_exactly_its_cases(world: World, code: str) -> None:
    run = run_rules(trigger="test", today=world.today)
    assert not run.errors
    assert _found(world, code) == EXPECTED[code]


def test_evidence_names_the_rows_and_dates(world: World) -> None:
    run_rules(trigger="test", today=world.today)
    overdue = Finding.objects.get(rule="exec.overdue_actions")
    labels = [e["label"] for e in overdue.evidence]
    assert labels == ["Action “Late one” due"]
    assert overdue.evidence[0]["date"] == (world.today - dt.timedelta(days=40)).isoformat()
    assert overdue.fix_url == f"/plans/{world.plans['P1'].pk}/#sec-actions"
    stale = Finding.objects.get(rule="people.stale_contacts", plan=world.plans["P2"])
    # Decision makers first, and "never touched" when no activity names them.
    assert stale.evidence[0]["label"].startswith(world.contacts["c4"].full_name)
    assert "never touched" in stale.evidence[0]["label"]
    gap = Finding.objects.get(rule="rel.department_gap")
    assert [e["label"] for e in gap.evidence] == ["Department “Finance”: contacts, none on the map"]


def test_goal_pace_speaks_money_and_dates_as_the_pages_do(world: World) -> None:
    """P1: a 10,000,000 goal and nothing won; expected by now = goal x the share of its year
    gone by (days elapsed, today included, over the year's days), in whole dollars."""
    from decimal import ROUND_HALF_UP, Decimal

    run_rules(trigger="test", today=world.today)
    found = Finding.objects.get(rule="exec.goal_pace")
    start = dt.date(world.today.year, 1, 1)
    days = (dt.date(world.today.year, 12, 31) - start).days + 1
    share = (Decimal((world.today - start).days + 1) / days).quantize(Decimal("0.0001"))
    expected = (Decimal(10_000_000) * share).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    assert found.summary.endswith(f"won $0 of a $10,000,000 goal; ${expected:,} expected by now"), (
        found.summary
    )
    labels = [e["label"] for e in found.evidence]
    assert labels[0] == "Goal build $10,000,000"
    assert labels[2] == f"Won deals on the account since {start:%b} 1, {start.year}: $0"


def test_an_ended_plan_says_its_end_date_as_the_pages_do(world: World) -> None:
    """P4's period (last year) ended on Dec 31: the summary writes the day as every page does."""
    run_rules(trigger="test", today=world.today)
    found = Finding.objects.get(rule="plan.period_ended")
    year = world.today.year - 1
    assert f"plan ended on Dec 31, {year} and no plan follows it" in found.summary, found.summary
    assert f"{year}-12-31" not in found.summary


def test_rank_is_severity_weight_times_account_value(world: World) -> None:
    run_rules(trigger="test", today=world.today)
    red = Finding.objects.get(rule="exec.overdue_actions")
    amber = Finding.objects.get(rule="plan.stale")
    assert red.rank == 3 * 1000 and amber.rank == 1000


def test_a_disabled_rule_finds_nothing(world: World) -> None:
    from accountplan.governance.models import RuleSetting

    RuleSetting.objects.create(code="plan.stale", enabled=False)
    run_rules(trigger="test", today=world.today)
    assert not Finding.objects.filter(rule="plan.stale").exists()


def test_thresholds_change_what_is_found(world: World) -> None:
    from accountplan.governance.models import RuleSetting

    RuleSetting.objects.create(code="plan.stale", thresholds={"days": 90})
    RuleSetting.objects.create(code="people.silent_account", thresholds={"tier3_days": 30})
    run_rules(trigger="test", today=world.today)
    assert not Finding.objects.filter(rule="plan.stale").exists()
    silent = _found(world, "people.silent_account")
    assert silent == {("a5", None, "red"), ("a4", None, "amber"), ("a7", None, "amber")}


def test_the_relationship_rules_shared_pass_is_reported_on_its_own(world: World) -> None:
    from accountplan.governance.rules.builtin import GAPS_STEP

    run = run_rules(trigger="test", today=world.today)
    rel = [code for code in EXPECTED if code.startswith("rel.")]
    assert GAPS_STEP in run.timings
    assert all(code in run.timings for code in rel)
    assert GAPS_STEP not in EXPECTED  # a step, not a rule: no findings of its own

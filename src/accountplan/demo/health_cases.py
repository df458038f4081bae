"""Demo plans that give every governance rule real cases on the demo AE's accounts (issue 11).

Written through the plans' own services, like a user would: a plan left untouched for two months
with overdue actions, a late milestone, a goal far ahead of the won deals, a map with no decision
maker and only talkers, stakeholders never called; a plan whose decision maker is a detractor and
nobody judged a mobilizer; last year's plan with no plan for this year; an Expand account planned
without cross-sell and a Nurture account planned without a satisfaction goal. One of the AE's
tier-1/2 accounts is kept without a plan and goes quiet (its activities of the last
``SILENT_DAYS`` days dropped), so the AE's home has a key account with no plan and a silent
account even in a small book; a bigger book has more of both by itself.

Everything is dated from the book's as-of date (the rules run as of it too), so a book written
as of a fixed date shows the same cases whatever day it is read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from accountplan.book.models import Account, Activity, Contact
from accountplan.core.models import User
from accountplan.demo.generator import DEMO_AE
from accountplan.plans.models import AccountPlan, PlanStatus
from accountplan.plans.plan_writes import update_plan
from accountplan.plans.services import create_plan, save_section
from accountplan.portfolio.models import AccountScore, Snapshot

#: How long the kept-aside key account has been quiet: past the silent-account rule's default
#: limits (30 days for tier 1, 60 for tier 2).
SILENT_DAYS = 61


def _stakeholders(account: Account, roles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    contacts = list(Contact.objects.filter(account=account).order_by("pk")[: len(roles)])
    return [{"contact_id": c.pk, **r} for c, r in zip(contacts, roles, strict=False)]


def _plan(account: Account, period: str, user: User, sections: dict[str, Any]) -> AccountPlan:
    plan = create_plan(account, period, user)
    for key, data in sections.items():
        save_section(plan, key, data, 1, user)
    update_plan(plan, user, status=PlanStatus.ACTIVE)
    return plan


def write_health_cases(snapshot: Snapshot | None, as_of: dt.date | None = None) -> int:
    """Write the case plans on the demo AE's accounts, then run the rules; returns how many
    plans were written (0 when they are there already)."""
    from accountplan.governance.services import run_rules

    written = _write(snapshot, as_of)
    day = as_of or (snapshot.as_of if snapshot is not None else None)
    run_rules(trigger="demo", today=day)
    return written


@transaction.atomic
def _write(snapshot: Snapshot | None, as_of: dt.date | None) -> int:
    ae = User.objects.filter(username=DEMO_AE).first()
    if ae is None or snapshot is None:
        return 0
    today = as_of or snapshot.as_of or timezone.localdate()
    year = today.year
    period, last = f"FY{year}", f"FY{year - 1}"
    scores = list(
        AccountScore.objects.filter(snapshot=snapshot, account__owner=ae)
        .exclude(account__plans__period__in=[period, last])
        .select_related("account")
        .order_by("-value", "account_id")
    )
    if len(scores) < 4:
        return 0
    by_play: dict[str, AccountScore] = {}
    for s in scores:
        by_play.setdefault(s.play, s)
    _keep_key_account_quiet(scores, by_play, today)
    used: set[int] = set()

    def pick(play: str | None = None) -> Account:
        s = by_play.get(play or "") if play else None
        if s is None or s.account_id in used:
            s = next(x for x in scores if x.account_id not in used)
        used.add(s.account_id)
        return s.account

    d = lambda days: (today + dt.timedelta(days=days)).isoformat()  # noqa: E731
    written = 0
    # 1. Neglected: stale, overdue, late milestone, behind pace, no decider, only talkers.
    a = pick("Penetrate")
    stale = _plan(
        a,
        period,
        ae,
        {
            "goals": {
                "objective_amount": "5000000",
                "strategy": "Grow the installed base",
                "components": [{"kind": "upsell", "amount": "5000000"}],
            },
            "actions": {
                "actions": [
                    {
                        "title": "Book the QBR",
                        "owner_id": ae.pk,
                        "due_date": d(-45),
                        "status": "todo",
                    },
                    {"title": "Send the pilot proposal", "owner_id": ae.pk, "due_date": d(-5)},
                    {"title": "Prepare the renewal", "owner_id": ae.pk, "due_date": d(7)},
                ]
            },
            "dashboard": {
                "milestones": [{"title": "Pilot signed", "date": d(-20), "status": "on_track"}]
            },
            "relationships": {
                "stakeholders": _stakeholders(
                    a, [{"buying_role": "user", "mobilizer": "talker"}, {"mobilizer": "talker"}]
                )
            },
        },
    )
    noon = dt.datetime.combine(today - dt.timedelta(days=61), dt.time(12))
    AccountPlan.objects.filter(pk=stale.pk).update(updated_at=timezone.make_aware(noon))
    written += 1
    # 2. A decision maker who is a detractor; nobody judged a mobilizer.
    b = pick()
    _plan(
        b,
        period,
        ae,
        {
            "relationships": {
                "stakeholders": _stakeholders(
                    b,
                    [
                        {"buying_role": "decision_maker", "attitude": "detractor"},
                        {"buying_role": "champion"},
                    ],
                )
            }
        },
    )
    written += 1
    # 3. Last year's plan, nothing for this year.
    _plan(pick(), last, ae, {"goals": {"strategy": "Last year's plan"}})
    written += 1
    # 4. Expand account whose goal build is renewal only; 5. Nurture account, no satisfaction goal.
    for play, goals in (
        ("Expand", {"strategy": "Keep what we have", "components": [{"kind": "renewal"}]}),
        ("Nurture", {"strategy": "Renew on time", "objective_text": "Renewal at list price"}),
    ):
        if play in by_play and by_play[play].account_id not in used:
            _plan(pick(play), period, ae, {"goals": goals})
            written += 1
    return written


def _keep_key_account_quiet(
    scores: list[AccountScore], by_play: dict[str, AccountScore], today: dt.date
) -> None:
    """Set aside (remove from ``scores``) the AE's lowest-value tier-1/2 account that no play case
    needs, while four accounts remain for the cases, and drop its recent activities: a key
    account with no plan that nobody has called."""
    needed = {by_play[p].account_id for p in ("Expand", "Nurture") if p in by_play}
    spare = [s for s in scores if s.tier in (1, 2) and s.account_id not in needed]
    if not spare or len(scores) <= 4:
        return
    kept = spare[-1]
    scores.remove(kept)
    if by_play.get(kept.play) is kept:
        del by_play[kept.play]
        for s in scores:
            by_play.setdefault(s.play, s)
    Activity.objects.filter(
        account_id=kept.account_id, date__gt=today - dt.timedelta(days=SILENT_DAYS)
    ).delete()

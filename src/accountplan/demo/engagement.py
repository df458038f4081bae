"""How each demo account was engaged: contacts on deals, and calls, emails, meetings over time."""

from __future__ import annotations

import datetime as dt
import random

from accountplan.demo import names
from accountplan.demo.commerce import HISTORY_DAYS, AccountContext, Counters
from accountplan.demo.rows import ActivityRow, ContactRoleRow

#: Activities per month by segment (prospects get the SMB rate).
ACTIVITY_RATE = {"Enterprise": 3.0, "Mid-market": 1.5, "SMB": 0.6}
ACTIVITY_KINDS = ("email", "call", "meeting", "task", "note")
ACTIVITY_WEIGHTS = (35, 25, 20, 10, 10)


def contact_roles(rng: random.Random, ids: Counters, ctx: AccountContext) -> list[ContactRoleRow]:
    """One or two contacts on each deal, the senior one primary."""
    if not ctx.contacts:
        return []
    senior = [c for c in ctx.contacts if c.level <= 1]
    rows: list[ContactRoleRow] = []
    for opp in ctx.opportunities:
        primary = rng.choice(senior or ctx.contacts)
        rows.append(
            ContactRoleRow(
                ids.next_role(),
                opp.external_id,
                primary.external_id,
                rng.choice(names.CONTACT_ROLES[:3]),
                True,
            )
        )
        if len(ctx.contacts) > 1 and rng.random() < 0.5:
            other = rng.choice([c for c in ctx.contacts if c is not primary])
            rows.append(
                ContactRoleRow(
                    ids.next_role(),
                    opp.external_id,
                    other.external_id,
                    rng.choice(names.CONTACT_ROLES[3:]),
                    False,
                )
            )
    return rows


def activities(
    rng: random.Random, ids: Counters, ctx: AccountContext, as_of: dt.date
) -> list[ActivityRow]:
    """Calls, emails and meetings over time; silent accounts stop some months before as-of."""
    start = as_of - dt.timedelta(days=HISTORY_DAYS)
    account = ctx.account
    if account.status == "prospect":
        first, rate = as_of - dt.timedelta(days=365), ACTIVITY_RATE["SMB"]
    else:
        first, rate = start, ACTIVITY_RATE[account.segment]
    last = ctx.silent_since or as_of
    if ctx.churn_date is not None:
        last = min(last, ctx.churn_date + dt.timedelta(days=45))
    span = (last - first).days
    if span <= 0:
        return []
    count = round(rate * span / 30.4 * rng.uniform(0.6, 1.4))
    people = [account.owner, *ctx.team_users]
    rows: list[ActivityRow] = []
    for _ in range(count):
        day = first + dt.timedelta(days=rng.randint(0, span))
        kind = rng.choices(ACTIVITY_KINDS, weights=ACTIVITY_WEIGHTS)[0]
        contact = rng.choice(ctx.contacts).external_id if ctx.contacts else None
        live = [o for o in ctx.opportunities if o.created_date <= day <= o.close_date]
        opp = rng.choice(live).external_id if live and rng.random() < 0.5 else None
        rows.append(
            ActivityRow(
                external_id=ids.next_activity(),
                account=account.external_id,
                contact=contact,
                opportunity=opp,
                kind=kind,
                subject=rng.choice(names.ACTIVITY_SUBJECTS[kind]),
                date=day,
                owner=rng.choice(people),
            )
        )
    rows.sort(key=lambda r: (r.date, r.external_id))
    return rows

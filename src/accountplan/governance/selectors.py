"""Reads for the home page, the digest, the CLI and the API (always scoped, see core/scoping).

"Mine" is the accounts a user owns, the plans they own and the account teams and plan teams they
sit on; a manager's team adds the same for every user who reports to them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from accountplan.core.request_memo import memo
from accountplan.governance.action_rows import ActionLists, action_lists
from accountplan.governance.models import Finding, FindingTally
from accountplan.governance.rules.registry import get
from accountplan.plans.models import AccountPlan, PlanStatus

if TYPE_CHECKING:
    from accountplan.core.models import User

#: How far ahead "upcoming" actions reach.
UPCOMING_DAYS = 14
#: Actions of each list (overdue, upcoming) the home page shows; the count is of them all.
ACTIONS_SHOWN = 20


def people(user: User, team: bool) -> list[int] | None:
    """The user, plus (``team``) everyone who reports to them, directly or not. A manager or
    admin without reports who sees the whole book gets the whole book (None).

    Asked several times by one page (the findings, the actions, the team switch): walked once
    per read request (``core/request_memo.py``)."""
    if not team:
        return [user.pk]
    found = memo(("governance.people", user.pk), lambda: _people(user))
    return None if found is None else list(found)


def _people(user: User) -> list[int] | None:
    from accountplan.core.models import Role
    from accountplan.core.models import User as U

    ids = [user.pk]
    frontier = [user.pk]
    while frontier:
        frontier = [
            pk
            for pk in U.objects.filter(manager_id__in=frontier, is_active=True).values_list(
                "pk", flat=True
            )
            if pk not in ids
        ]
        ids += frontier
    if (
        len(ids) == 1
        and user.sees_whole_book
        and (user.is_superuser or user.role in (Role.ADMIN, Role.MANAGER))
    ):
        return None
    return ids


def has_team(user: User) -> bool:
    """Whether the home page offers the team view (reports, or a leader without reports)."""
    return people(user, True) != [user.pk]


def attention(user: User, team: bool = False, today: dt.date | None = None) -> QuerySet[Finding]:
    """Open, awake findings on my accounts (and my team's), best ranked first."""
    ids = people(user, team)
    qs = Finding.objects.for_user(user).awake(today)  # type: ignore[attr-defined]
    if ids is not None:
        accounts = _account_ids(ids)
        plans = AccountPlan.objects.filter(Q(owner_id__in=ids) | Q(memberships__user_id__in=ids))
        qs = qs.filter(Q(account_id__in=accounts) | Q(plan_id__in=plans.values("pk")))
    return qs.select_related("account", "account__owner", "plan").order_by("-rank", "-pk")


def by_owner(findings: list[Finding]) -> list[tuple[Any, list[Finding]]]:
    """A page of ranked findings grouped by their account's owner: the groups in the order of
    each owner's best-ranked finding, the findings in rank order within a group."""
    groups: dict[int | None, tuple[Any, list[Finding]]] = {}
    for f in findings:
        owner = f.account.owner
        groups.setdefault(f.account.owner_id, (owner, []))[1].append(f)
    return list(groups.values())


def _mine(ids: list[int], prefix: str = "") -> Q:
    return Q(**{f"{prefix}owner_id__in": ids}) | Q(**{f"{prefix}team__user_id__in": ids})


def _account_ids(ids: list[int]) -> QuerySet[Any]:
    from accountplan.book.models import Account

    return Account.objects.filter(_mine(ids)).values("pk")


def sees_all_findings(user: User, team: bool) -> bool:
    """Whether ``attention(user, team)`` is every open, awake finding of the book."""
    return bool(user.is_active and user.sees_whole_book and people(user, team) is None)


def counts_by_rule(
    qs: QuerySet[Finding], whole_book_on: dt.date | None = None
) -> list[dict[str, Any]]:
    """How many findings of each kind (rule), with the rule's label, most first.

    ``whole_book_on``: ``qs`` is every open finding awake on that day (``sees_all_findings``):
    the counts come from the tally the database keeps, less the few findings snoozed past
    that day, instead of counting every open finding."""
    rows = (
        _tally_on(whole_book_on)
        if whole_book_on is not None
        else qs.order_by().values_list("rule").annotate(n=Count("pk")).values_list("rule", "n")
    )
    return [
        {"rule": code, "label": getattr(get(code), "label", code), "count": n}
        for code, n in sorted(rows, key=lambda r: (-r[1], r[0]))
    ]


def _tally_on(today: dt.date) -> list[tuple[str, int]]:
    counts = dict(FindingTally.objects.filter(open_count__gt=0).values_list("rule", "open_count"))
    # Snoozes are set one finding at a time: few rows, read through their own index (a GROUP
    # BY here makes SQLite walk the by-rule index of every open finding instead).
    asleep = Finding.objects.open().filter(snoozed_until__gte=today).order_by()
    for code in asleep.values_list("rule", flat=True):
        counts[code] = counts.get(code, 0) - 1
    return [(code, n) for code, n in counts.items() if n > 0]


def actions(user: User, team: bool, today: dt.date, limit: int = ACTIONS_SHOWN) -> ActionLists:
    """My (and my team's) overdue actions and those due in the next ``UPCOMING_DAYS`` days, on
    the active plans I may see: the first ``limit`` of each, soonest first, and how many of
    each there are (read in the database: ``action_rows.py``)."""
    who = people(user, team)
    horizon = today + dt.timedelta(days=UPCOMING_DAYS)
    if who is None and user.sees_whole_book:  # every active plan: no scope to join
        return action_lists(None, who, today, horizon, limit)
    plans = AccountPlan.objects.for_user(user).filter(status=PlanStatus.ACTIVE)
    if who is not None:
        plans = plans.filter(
            Q(owner_id__in=who) | Q(memberships__user_id__in=who) | Q(account__in=_account_ids(who))
        )
    return action_lists(plans.order_by(), who, today, horizon, limit)

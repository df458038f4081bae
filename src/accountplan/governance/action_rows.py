"""The home page's and the digest's plan actions, read inside the database.

Actions live in each plan's ``actions`` section (a JSON list). Reading every visible plan's
section into Python to find the overdue and upcoming ones cost seconds on a book with 10,000
active plans, and a page listing 20,000 actions helped nobody. Here the database expands the
JSON (SQLite ``json_each``, PostgreSQL ``jsonb_array_elements``), filters and counts, and only
the first ``limit`` of each list come back, soonest first; the counts are of them all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from accountplan.governance.rules.context import plan_url


@dataclass
class ActionItem:
    plan_id: int
    account: str
    period: str
    title: str
    due: dt.date
    status: str
    owner_id: int | None
    overdue: bool
    url: str = field(default="")


@dataclass
class ActionLists:
    """The first overdue and upcoming actions, with how many there are of each."""

    overdue: list[ActionItem]
    upcoming: list[ActionItem]
    overdue_count: int
    upcoming_count: int


#: The action fields read (names fixed here: no user text is ever put into the SQL).
_FIELDS = ("title", "due_date", "status", "owner_id")
_JOINS = (
    " JOIN plans_accountplan p ON p.id = s.plan_id JOIN book_account acc ON acc.id = p.account_id"
)


def _expansion(plans_sql: str, joined: bool) -> tuple[str, dict[str, str]]:
    """FROM clause expanding each visible plan's actions into rows ``a`` (``joined``: with the
    plan ``p`` and its account ``acc``), and the vendor's expressions for an action's fields."""
    tables = "plans_plansection s" + (_JOINS if joined else "")
    if connection.vendor == "postgresql":
        src = (
            f"{tables} CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN "
            "jsonb_typeof(s.data->'actions') = 'array' THEN s.data->'actions' "
            "ELSE '[]'::jsonb END) AS a(v)"
        )
        cols = {k: f"(a.v->>'{k}')" for k in _FIELDS}
    else:
        src = f"{tables}, json_each(s.data, '$.actions') a"
        cols = {
            k: f"json_extract(a.value, '$.{k}')"
            for k in ("title", "due_date", "status", "owner_id")
        }
    return f"{src} WHERE s.key = 'actions' AND s.plan_id IN ({plans_sql})", cols


def action_lists(
    plans: QuerySet[Any], who: list[int] | None, today: dt.date, horizon: dt.date, limit: int
) -> ActionLists:
    """Open actions with a due date on or before ``horizon`` in ``plans``' action sections,
    owned by one of ``who`` (None: anyone); overdue (before ``today``) and upcoming apart."""
    plans_sql, plans_params = plans.values("pk").query.sql_with_params()
    src, c = _expansion(plans_sql, joined=False)
    joined, _ = _expansion(plans_sql, joined=True)
    where = (
        f"{c['due_date']} IS NOT NULL AND {c['due_date']} <> '' AND {c['due_date']} <= %s "
        f"AND ({c['status']} IS NULL OR {c['status']} <> 'done')"
    )
    params: list[Any] = [*plans_params, horizon.isoformat()]
    if who is not None:
        if not who:
            return ActionLists([], [], 0, 0)
        owners = [str(pk) for pk in who] if connection.vendor == "postgresql" else list(who)
        where += f" AND {c['owner_id']} IN ({', '.join(['%s'] * len(owners))})"
        params += owners
    day = today.isoformat()
    counts = (
        f"SELECT SUM(CASE WHEN {c['due_date']} < %s THEN 1 ELSE 0 END), COUNT(*) "  # noqa: S608
        f"FROM {src} AND {where}"
    )
    rows = (
        f"SELECT s.plan_id, acc.name, p.period, {c['title']}, {c['due_date']}, {c['status']}, "  # noqa: S608
        f"{c['owner_id']} FROM {joined} AND {where} AND {c['due_date']} {{op}} %s "
        f"ORDER BY {c['due_date']}, acc.name, s.plan_id LIMIT {int(limit)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(counts, [day, *params])
        late, total = cursor.fetchone() or (0, 0)
        found: list[tuple[Any, ...]] = []
        for op in ("<", ">="):
            cursor.execute(rows.format(op=op), [*params, day])
            found += cursor.fetchall()
    items = [
        ActionItem(
            plan_id=pid,
            account=account,
            period=period,
            title=title or "",
            due=dt.date.fromisoformat(due),
            status=status or "todo",
            owner_id=int(owner) if owner not in (None, "") else None,
            overdue=due < day,
            url=plan_url(pid, "actions"),
        )
        for pid, account, period, title, due, status, owner in found
    ]
    return ActionLists(
        overdue=[a for a in items if a.overdue],
        upcoming=[a for a in items if not a.overdue],
        overdue_count=int(late or 0),
        upcoming_count=int(total or 0) - int(late or 0),
    )

"""The home page's next-best-action suggestions: the proposed actions of the reader's newest
drafts that nobody accepted yet, each with its evidence.

Read from stored drafts (their facts are stored with them), so the home page computes nothing:
the ids of the newest ``SCANNED`` drafts, then at most ``DRAFTS`` drafts (two queries); at most
``SHOWN`` suggestions are listed, ``PER_ACCOUNT`` of each account.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from accountplan.drafts.types import draft_from_json, factset_from_json

#: Drafts read (the newest per account among them) and suggestions shown.
DRAFTS = 5
SHOWN = 6
#: Suggestions per account (so a few accounts share the list).
PER_ACCOUNT = 2
#: Newest drafts scanned (ids and sections only) to find those proposing actions.
SCANNED = 50
#: Drafts older than this are not suggested from.
MAX_AGE_DAYS = 30


def suggestions(user: Any, today: dt.date) -> list[dict[str, Any]]:
    from accountplan.drafts.models import Draft

    if not user.is_authenticated:
        return []
    since = dt.datetime.combine(today - dt.timedelta(days=MAX_AGE_DAYS), dt.time.min, tzinfo=dt.UTC)
    recent = (
        Draft.objects.for_user(user)
        .filter(created_at__gte=since)
        .order_by("-created_at", "-pk")
        .values_list("pk", "account_id", "sections")[:SCANNED]
    )
    picked: dict[int, int] = {}  # account → its newest draft with actions
    for pk, account_id, sections in recent:
        if "actions" in (sections or []) and account_id not in picked:
            picked[account_id] = pk
        if len(picked) >= DRAFTS:
            break
    rows = Draft.objects.filter(pk__in=picked.values()).select_related("account")
    rows = rows.order_by("-created_at", "-pk")
    out: list[dict[str, Any]] = []
    for record in rows:
        draft, facts = draft_from_json(record.draft), factset_from_json(record.facts)
        by_id = facts.by_id()
        done = set(record.accepted_entries or [])
        url = (
            reverse("plans:detail", args=[record.plan_id]) + "#sec-actions"
            if record.plan_id
            else reverse("book:account_detail", args=[record.account_id])
        )
        for s in draft.sections:
            if s.key != "actions":
                continue
            for i, e in enumerate(s.entries):
                if f"actions.{i}" in done:
                    continue
                if sum(1 for o in out if o["account"] == record.account.name) >= PER_ACCOUNT:
                    break
                out.append(
                    {
                        "account": record.account.name,
                        "label": f"{record.account.name}: {e.text}",
                        "text": e.text,
                        "url": url,
                        "evidence": [by_id[f].label for f in e.fact_ids if f in by_id],
                    }
                )
    return out[:SHOWN]


def _context(user: Any, team: bool, today: dt.date) -> dict[str, Any]:
    items = suggestions(user, today)
    return {"items": items, "count": len(items)}


def register() -> None:
    from accountplan.governance.home_slots import Slot, register_slot

    register_slot(
        Slot("next_best_actions", "Next best actions", "drafts/_slot_next_best.html", _context)
    )

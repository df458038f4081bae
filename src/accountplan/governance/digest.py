"""The email digest: the home page's list as plain text, per user (``accountplan digest``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage

from accountplan.core import fmt
from accountplan.governance import selectors
from accountplan.governance.home_slots import render_slots
from accountplan.governance.rules.registry import get

#: The most findings one digest lists (the rest: "and N more" with a link to the home page).
TOP = 30


def digest_text(user: Any, today: dt.date) -> tuple[str, int]:
    """The digest's body for ``user`` and how many items it holds (0: nothing to send)."""
    base = getattr(settings, "ACCOUNTPLAN_BASE_URL", "")
    team = selectors.has_team(user)
    findings = selectors.attention(user, team, today)
    whole = today if selectors.sees_all_findings(user, team) else None
    counts = selectors.counts_by_rule(findings, whole)
    total = sum(c["count"] for c in counts)
    acts = selectors.actions(user, team, today, limit=TOP)
    slots = render_slots(user, team, today)
    lines = [f"What needs attention, {fmt.date(today)}", ""]
    if counts:
        lines.append(
            "Open findings by kind: " + ", ".join(f"{c['label']} {c['count']}" for c in counts)
        )
        lines.append("")
    for f in findings[:TOP]:
        rule = get(f.rule)
        lines.append(f"[{f.get_severity_display()}] {f.summary}")
        label = rule.label if rule else f.rule
        lines.append(f"    {label} · since {fmt.date(f.opened_at)} · fix: {base}{f.fix_url}")
    if total > TOP:
        lines.append(f"… and {total - TOP} more: {base}/")
    for title, items, n in (
        ("Overdue actions", acts.overdue, acts.overdue_count),
        ("Due in the next 14 days", acts.upcoming, acts.upcoming_count),
    ):
        if items:
            lines += ["", title + ":"]
            lines += [
                f"- {a.title} ({a.account} {a.period}, due {fmt.date(a.due)}): {base}{a.url}"
                for a in items
            ]
            if n > len(items):
                lines.append(f"… and {n - len(items)} more: {base}/")
    for s in slots:
        if s.get("items"):
            lines += ["", s["title"] + ":"]
            lines += [f"- {i['label']}: {base}{i['url']}" for i in s["items"]]
    count = total + acts.overdue_count + acts.upcoming_count
    count += sum(len(s.get("items", [])) for s in slots)
    return "\n".join(lines) + "\n", count


def send_digests(users: list[Any], today: dt.date) -> list[tuple[str, int]]:
    """Send each user with an email address and something to see their digest; (email, items)."""
    sent = []
    for user in users:
        if not user.email:
            continue
        body, count = digest_text(user, today)
        if not count:
            continue
        EmailMessage(
            subject=f"accountplan: {count} item{'s' if count != 1 else ''} need attention",
            body=body,
            to=[user.email],
        ).send()
        sent.append((user.email, count))
    return sent

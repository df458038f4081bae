"""Joint expectations (issue 12 point 4): each side writes its expectations of the relationship
apart; neither sees the other's until both are in or the plan's owner opens them; then a
side-by-side review marks each pair aligned, partly aligned or misaligned and records agreed
actions, which become actions of the plan's action plan (saved through the plan's own section
service, so they have their revision and history like any edit).

What the customer writes is recorded in the plan's history as written by the recipient
(``customer.record_note``), without its text: our team reads it only once it is revealed.
"""

from __future__ import annotations

import copy
import datetime as dt
from itertools import zip_longest
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accountplan.core.errors import DomainError, Forbidden, NotFound
from accountplan.core.models import Role, User
from accountplan.plans.models import AccountPlan
from accountplan.plans.plan_writes import require_edit
from accountplan.plans.section_fields import new_id
from accountplan.plans.services import save_section, section_of
from accountplan.sharing.customer import record_note
from accountplan.sharing.models import (
    Alignment,
    Expectation,
    ExpectationPair,
    ExpectationRound,
    ShareLink,
    Side,
)

MAX_EXPECTATIONS = 10
MAX_LENGTH = 2000


def latest_round(plan: AccountPlan) -> ExpectationRound | None:
    """The plan's latest session, or None."""
    return ExpectationRound.objects.filter(plan=plan).order_by("-number").first()


def _open_round(plan: AccountPlan) -> ExpectationRound:
    """The session being written (the latest not reviewed yet), started when there is none."""
    last = ExpectationRound.objects.select_for_update().filter(plan=plan).order_by("-number")
    found = last.first()
    if found is not None and found.reviewed_at is None:
        return found
    top = ExpectationRound.objects.filter(plan=plan).aggregate(n=Max("number"))["n"] or 0
    return ExpectationRound.objects.create(plan=plan, number=top + 1)


def start_round(plan: AccountPlan, user: User) -> ExpectationRound:
    """Start a new session (the latest was reviewed), or return the one under way."""
    require_edit(user, plan)
    with transaction.atomic():
        AccountPlan.objects.select_for_update().filter(pk=plan.pk).first()
        return _open_round(plan)


def clean_bodies(bodies: list[str]) -> list[str]:
    """The non-empty expectations, stripped, 1 to ``MAX_EXPECTATIONS`` of at most
    ``MAX_LENGTH`` characters each."""
    out = [b.strip().replace("\x00", "") for b in bodies if b and b.strip()]
    if not out:
        raise DomainError("Write at least one expectation.")
    if len(out) > MAX_EXPECTATIONS:
        raise DomainError(f"{MAX_EXPECTATIONS} expectations at most.")
    if any(len(b) > MAX_LENGTH for b in out):
        raise DomainError(f"Each expectation is {MAX_LENGTH} characters at most.")
    return out


def _replace(
    rnd: ExpectationRound,
    side: str,
    bodies: list[str],
    label: str,
    *,
    link: ShareLink | None = None,
    author: User | None = None,
) -> None:
    Expectation.objects.filter(round=rnd, side=side).delete()
    now = timezone.now()
    Expectation.objects.bulk_create(
        Expectation(
            round=rnd,
            side=side,
            position=i,
            body=body,
            author_label=label[:300],
            link=link,
            author=author,
            written_at=now,
        )
        for i, body in enumerate(bodies)
    )


def write_customer(link: ShareLink, bodies: list[str], *, hand_in: bool) -> ExpectationRound:
    """The recipient saves their expectations (a draft, or handed in: then final)."""
    clean = clean_bodies(bodies)
    plan = link.plan
    with transaction.atomic():
        AccountPlan.objects.select_for_update().filter(pk=plan.pk).first()
        rnd = _open_round(plan)
        if rnd.customer_in_at is not None:
            raise DomainError("Your expectations are already handed in.")
        _replace(rnd, Side.CUSTOMER, clean, link.recipient, link=link)
        if hand_in:
            rnd.customer_in_at = timezone.now()
            rnd.customer_link = link
            rnd.customer_label = link.recipient[:300]
            rnd.save(update_fields=["customer_in_at", "customer_link", "customer_label"])
        done = "Handed in" if hand_in else "Saved a draft of"
        n = len(clean)
        record_note(
            link,
            f"customer expectations (session {rnd.number})",
            f"{done} {n} expectation{'s' if n != 1 else ''} of the relationship "
            f"(joint expectation session {rnd.number})",
        )
    return rnd


def write_ours(
    plan: AccountPlan, user: User, bodies: list[str], *, hand_in: bool
) -> ExpectationRound:
    """Our team saves its expectations (a draft, or handed in: then final)."""
    require_edit(user, plan)
    clean = clean_bodies(bodies)
    with transaction.atomic():
        AccountPlan.objects.select_for_update().filter(pk=plan.pk).first()
        rnd = _open_round(plan)
        if rnd.us_in_at is not None:
            raise DomainError("Our expectations are already handed in.")
        _replace(rnd, Side.US, clean, str(user), author=user)
        if hand_in:
            rnd.us_in_at = timezone.now()
            rnd.us_by = user
            rnd.save(update_fields=["us_in_at", "us_by"])
    return rnd


def may_open(user: User, plan: AccountPlan) -> bool:
    """The plan's owner opens a session early (so do managers and admins)."""
    return user.pk == plan.owner_id or user.role in (Role.ADMIN, Role.MANAGER)


def open_round(plan: AccountPlan, user: User) -> ExpectationRound:
    """Show both sides' expectations to both before both are in."""
    require_edit(user, plan)
    if not may_open(user, plan):
        raise Forbidden("Only the plan's owner (or a manager) opens the expectations early.")
    with transaction.atomic():
        AccountPlan.objects.select_for_update().filter(pk=plan.pk).first()
        rnd = latest_round(plan)
        if rnd is None or rnd.reviewed_at is not None:
            raise NotFound("No joint expectation session is under way.")
        if rnd.opened_at is None:
            rnd.opened_at = timezone.now()
            rnd.opened_by = user
            rnd.save(update_fields=["opened_at", "opened_by"])
    return rnd


def _lists(rnd: ExpectationRound) -> tuple[list[Expectation], list[Expectation]]:
    rows = list(Expectation.objects.filter(round=rnd).order_by("position", "pk"))
    return (
        [e for e in rows if e.side == Side.CUSTOMER],
        [e for e in rows if e.side == Side.US],
    )


def review_rows(rnd: ExpectationRound) -> list[dict[str, Any]]:
    """The review's rows: the saved pairs, else each side's expectations paired by position."""
    theirs, ours = _lists(rnd)
    by_id = {e.pk: e for e in theirs + ours}
    saved = list(ExpectationPair.objects.filter(round=rnd).order_by("position", "pk"))
    if saved:
        return [
            {
                "theirs": by_id.get(p.theirs_id or 0),
                "ours": by_id.get(p.ours_id or 0),
                "alignment": p.alignment,
                "alignment_label": p.get_alignment_display(),
                "agreed_action": p.agreed_action,
                "action_id": p.action_id,
            }
            for p in saved
        ]
    return [
        {"theirs": t, "ours": o, "alignment": "", "alignment_label": "", "agreed_action": ""}
        for t, o in zip_longest(theirs, ours)
    ]


def side_view(rnd: ExpectationRound | None, side: str) -> dict[str, Any]:
    """What one side sees of a session: its own list always; the other's and the review only
    once revealed."""
    if rnd is None:
        return {
            "round": None, "mine": [], "theirs": [], "revealed": False, "rows": [],
            "slots": [""] * 5, "alignments": Alignment.choices,
        }  # fmt: skip
    theirs, ours = _lists(rnd)
    mine, other = (theirs, ours) if side == Side.CUSTOMER else (ours, theirs)
    revealed = rnd.revealed
    count = min(MAX_EXPECTATIONS, max(5, len(mine) + 2))
    return {
        "round": rnd,
        "mine": mine,
        "slots": [e.body for e in mine] + [""] * (count - len(mine)),
        "theirs": other if revealed else [],
        "other_in": (rnd.us_in_at if side == Side.CUSTOMER else rnd.customer_in_at) is not None,
        "mine_in": (rnd.customer_in_at if side == Side.CUSTOMER else rnd.us_in_at) is not None,
        "revealed": revealed,
        "rows": review_rows(rnd) if revealed and rnd.reviewed_at else [],
        "alignments": Alignment.choices,
    }


def _parse_due(text: str) -> str | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise DomainError("An agreed action's due date must be a date (YYYY-MM-DD).") from None


def save_review(plan: AccountPlan, user: User, rows: list[dict[str, str]]) -> ExpectationRound:
    """Record the side-by-side review: each row's two expectations (either may be empty), its
    alignment, and an agreed action, added once to the plan's action plan."""
    require_edit(user, plan)
    with transaction.atomic():
        AccountPlan.objects.select_for_update().filter(pk=plan.pk).first()
        rnd = ExpectationRound.objects.select_for_update().filter(plan=plan).order_by("-number")
        current = rnd.first()
        if current is None or not current.revealed:
            raise DomainError("Both sides' expectations must be in (or opened) before a review.")
        theirs, ours = _lists(current)
        ids = {Side.CUSTOMER: {e.pk for e in theirs}, Side.US: {e.pk for e in ours}}
        before = {
            (p.theirs_id, p.ours_id): p.action_id
            for p in ExpectationPair.objects.filter(round=current)
        }
        used: set[int] = set()
        pairs: list[ExpectationPair] = []
        new_actions: list[dict[str, Any]] = []
        for i, row in enumerate(rows):
            t = _pick(row.get("theirs", ""), ids[Side.CUSTOMER], used)
            o = _pick(row.get("ours", ""), ids[Side.US], used)
            if t is None and o is None:
                continue
            alignment = row.get("alignment", "")
            if alignment not in Alignment.values:
                raise DomainError(f"Row {i + 1}: say whether it is aligned, partly or misaligned.")
            action = " ".join((row.get("agreed_action") or "").split())[:300]
            action_id = before.get((t, o), "")
            if action and not action_id:
                action_id = new_id()
                new_actions.append(
                    {
                        "id": action_id,
                        "title": action,
                        "due_date": _parse_due(row.get("due_date", "")),
                        "status": "todo",
                        "notes": f"Agreed in joint expectation session {current.number}.",
                    }
                )
            pairs.append(
                ExpectationPair(
                    round=current,
                    position=len(pairs),
                    theirs_id=t,
                    ours_id=o,
                    alignment=alignment,
                    agreed_action=action,
                    action_id=action_id,
                )
            )
        if not pairs:
            raise DomainError("The review has no row.")
        if new_actions:
            section = section_of(plan, "actions")
            data = copy.deepcopy(section.data or {})
            data["actions"] = list(data.get("actions") or []) + new_actions
            save_section(
                plan,
                "actions",
                data,
                section.version,
                user,
                summary=f"agreed actions of joint expectation session {current.number}",
            )
        ExpectationPair.objects.filter(round=current).delete()
        ExpectationPair.objects.bulk_create(pairs)
        current.reviewed_at = timezone.now()
        current.reviewed_by = user
        current.save(update_fields=["reviewed_at", "reviewed_by"])
    return current


def _pick(raw: str, allowed: set[int], used: set[int]) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) not in allowed:
        raise DomainError("An expectation of the review is not one of this session's.")
    if int(raw) in used:
        raise DomainError("Each expectation goes in one row of the review only.")
    used.add(int(raw))
    return int(raw)

"""What a recipient sees and writes through their link.

The recipient sees the last published view (never drafts), narrowed to the link's sections.
What they write (a comment, an update of an action on their side) is recorded in the plan's
history as a revision whose ``CustomerEdit`` names them: an action update is a revision of the
action plan section, a comment a plan-level revision that changes no field.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accountplan.core import fmt
from accountplan.core.errors import DomainError, NotFound
from accountplan.plans.models import AccountPlan, PlanRevision, PlanSection
from accountplan.plans.plan_writes import plan_fields
from accountplan.plans.section_choices import PLAN_KEY, ActionStatus
from accountplan.plans.sections import empty_section, validate_section
from accountplan.plans.services import check_references
from accountplan.sharing import rules
from accountplan.sharing.models import Comment, CustomerEdit, SharedRevision, ShareLink
from accountplan.sharing.services import clean_comment, config_of, latest


def published_for(link: ShareLink) -> dict[str, Any] | None:
    """The last published view, narrowed to the link's sections (None: nothing published)."""
    last = latest(link.plan)
    if last is None:
        return None
    view = copy.deepcopy(last.data)
    if link.sections:
        view["sections"] = [s for s in view["sections"] if s["key"] in link.sections]
    return view


def _item(link: ShareLink, section: str, item_id: str) -> dict[str, Any]:
    view = published_for(link)
    item = rules.view_items(view).get((section, item_id)) if view else None
    if item is None:
        raise NotFound("That item is not shared.")
    return item


def _record(link: ShareLink, revision: PlanRevision, what: str) -> None:
    CustomerEdit.objects.create(
        revision=revision, link=link, recipient=link.recipient[:300], what=what[:500]
    )


def comment(link: ShareLink, section: str, item_id: str, body: str) -> Comment:
    """The recipient's comment on a shared item, recorded in the plan's history."""
    item = _item(link, section, item_id)
    body = clean_comment(body)
    plan = link.plan
    with transaction.atomic():
        AccountPlan.objects.select_for_update().filter(pk=plan.pk).first()
        made = Comment.objects.create(
            plan=plan,
            section=section,
            item_id=item_id,
            body=body,
            link=link,
            author_label=link.recipient[:300],
            from_customer=True,
        )
        short = body if len(body) <= 200 else body[:199] + "…"
        record_note(
            link,
            f"customer comment on “{item['title']}”",
            f"Commented on “{item['title']}”: {short}",
        )
    return made


def record_note(link: ShareLink, summary: str, what: str) -> PlanRevision:
    """Record something the recipient wrote outside the plan's sections (a comment, their
    expectations, their scorecard) in the plan's history: a plan-level revision that changes
    no field, written by the recipient. Call inside the writer's transaction."""
    plan = link.plan
    top = PlanRevision.objects.filter(plan=plan, key=PLAN_KEY).aggregate(v=Max("version"))
    revision = PlanRevision.objects.create(
        plan=plan,
        key=PLAN_KEY,
        version=(top["v"] or 0) + 1,
        data=plan_fields(plan),
        summary=summary[:500],
    )
    _record(link, revision, what)
    return revision


def _parse_date(value: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DomainError("The due date must be a date (YYYY-MM-DD).") from None


def update_action(link: ShareLink, item_id: str, status: str, due_date: str) -> PlanSection:
    """The recipient completes or updates an action on their side (status and due date)."""
    item = _item(link, "actions", item_id)
    # On their side in what they were shown, and still so now (the owner may have taken it back
    # since the last publish).
    if not item.get("customer_side") or item_id not in config_of(link.plan).customer_owners:
        raise DomainError("Only actions on your side can be updated here.")
    if status not in ActionStatus.values:
        raise DomainError(f"Unknown status {status!r}.")
    due = _parse_date(due_date)
    plan = link.plan
    with transaction.atomic():
        AccountPlan.objects.select_for_update().filter(pk=plan.pk).first()
        section = PlanSection.objects.select_for_update().filter(plan=plan, key="actions").first()
        if section is None:
            raise NotFound("That item is not shared.")
        data = copy.deepcopy(section.data or empty_section("actions"))
        action = next((a for a in data.get("actions", []) if a.get("id") == item_id), None)
        if action is None:
            raise NotFound("That item is not shared.")
        before = (action.get("status"), action.get("due_date"))
        action["status"] = status
        action["due_date"] = due.isoformat() if due else None
        if before == (action["status"], action["due_date"]):
            return section
        clean = validate_section("actions", data)
        check_references(plan, "actions", clean)
        now = timezone.now()
        section.data = clean
        section.version += 1
        section.updated_by = None
        section.updated_at = now
        section.save()
        AccountPlan.objects.filter(pk=plan.pk).update(updated_at=now)
        what = (
            f"Updated “{item['title']}”: {fmt.label(status)}, due {fmt.date(due) if due else '—'}"
        )
        revision = PlanRevision.objects.create(
            plan=plan,
            key="actions",
            version=section.version,
            data=clean,
            created_at=now,
            summary=what[:500],
        )
        _record(link, revision, what)
        _patch_published(plan, item_id, status, due)
    return section


def _patch_published(plan: AccountPlan, item_id: str, status: str, due: dt.date | None) -> None:
    """The recipient sees their own update at once: the last published view's copy of that
    action takes the new status and due date (nothing else of the plan is published)."""
    last = SharedRevision.objects.select_for_update().filter(plan=plan).order_by("-number").first()
    if last is None:
        return
    item = rules.view_items(last.data).get(("actions", item_id))
    if item is None:
        return
    item["status"] = status
    item["due_date"] = due.isoformat() if due else ""
    for f in item["fields"]:
        if f["name"] == "status":
            f["value"] = fmt.label(status)
        elif f["name"] == "due_date":
            f["value"] = fmt.date(due)
    last.save(update_fields=["data"])

"""Writes of the fit scorecard: answers (with their history), discovery actions, settings.

Who may answer: whoever may write the plans of the opportunity's account (its owner, its team,
managers and admins, never a Viewer). Who may change the settings: managers and admins.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from accountplan.book.models import Opportunity
from accountplan.core.errors import DomainError, Forbidden
from accountplan.fit import selectors
from accountplan.fit.models import Answer, FitAnswer, FitAnswerChange, FitSettings
from accountplan.fit.scoring import ASKED, RELATIONSHIP_MAP, Question
from accountplan.fit.settings import layout_of, validate

if TYPE_CHECKING:
    from accountplan.core.models import User
    from accountplan.plans.models import AccountPlan


class AnswerInvalid(DomainError):
    status = 422


def may_answer(user: User, opportunity: Opportunity) -> bool:
    """Whether ``user`` may answer the fit questions of ``opportunity`` (as its account's plans)."""
    from accountplan.plans.querysets import can_edit_account_plans

    return can_edit_account_plans(user, opportunity.account)


def save_answers(
    user: User, opportunity: Opportunity, given: dict[str, tuple[str, str]]
) -> selectors.Scored:
    """Store answers ``{question key: (yes | no | unknown, evidence)}``; questions not given keep
    their answers. Each change is recorded (who, when, the score after it); unknown questions
    become discovery actions on the account's active plan; the low-fit finding is refreshed."""
    if not may_answer(user, opportunity):
        raise Forbidden("You can read this deal but not score it.")
    config = selectors.current_config()
    asked = {q.key: q for q in config.questions() if q.source == ASKED}
    problems = [f"Unknown question {k!r}." for k in given if k not in asked]
    problems += [
        f"{asked[k].text}: answer yes, no or unknown, not {v!r}."
        for k, (v, _) in given.items()
        if k in asked and v not in Answer.values
    ]
    problems += [
        f"{asked[k].text}: evidence is at most 500 characters."
        for k, (_, ev) in given.items()
        if k in asked and len(ev) > 500
    ]
    if problems:
        raise AnswerInvalid(" ".join(problems), details=problems)
    now = timezone.now()
    with transaction.atomic():
        Opportunity.objects.select_for_update().filter(pk=opportunity.pk).first()
        current = selectors.answers([opportunity.pk]).get(opportunity.pk, {})
        changes: list[FitAnswerChange] = []
        for key, (value, evidence) in given.items():
            evidence = evidence.strip()
            row = current.get(key)
            if row is None and value == Answer.UNKNOWN and not evidence:
                continue  # nothing said: no row, no history
            if row is not None and row.value == value and row.evidence == evidence:
                continue
            old = row.value if row is not None else ""
            if row is None:
                row = FitAnswer(opportunity=opportunity, key=key)
            row.value, row.evidence, row.updated_at, row.updated_by = value, evidence, now, user
            row.save()
            changes.append(
                FitAnswerChange(
                    opportunity=opportunity,
                    key=key,
                    old_value=old,
                    new_value=value,
                    evidence=evidence,
                    changed_at=now,
                    changed_by=user,
                )
            )
        scored = selectors.scored_one(opportunity, config)
        for c in changes:
            c.score_after = scored.result.score
            c.band_after = scored.result.band.label
        FitAnswerChange.objects.bulk_create(changes)
    if changes:
        sync_discovery_actions(user, opportunity, scored)
        refresh_finding(opportunity)
    return scored


def active_plan(opportunity: Opportunity) -> AccountPlan | None:
    """The account's active plan (the latest period when there are several)."""
    from accountplan.plans.models import AccountPlan, PlanStatus

    found: AccountPlan | None = (
        AccountPlan.objects.filter(account_id=opportunity.account_id, status=PlanStatus.ACTIVE)
        .order_by("-period", "-pk")
        .first()
    )
    return found


def action_id(opportunity_id: int, key: str) -> str:
    """The stable id of the discovery action for one question of one deal."""
    return f"fit-{opportunity_id}-{key[:36]}"


def action_title(opportunity: Opportunity, q: Question) -> str:
    deal = opportunity.name or f"deal {opportunity.pk}"
    if q.source == RELATIONSHIP_MAP:
        return f"Find a mobilizer for {deal} and mark them on the relationship map"[:300]
    return f"Find out for {deal}: {q.text}"[:300]


def sync_discovery_actions(user: User, opportunity: Opportunity, scored: selectors.Scored) -> bool:
    """Add an action per unknown question to the account's active plan (when the user may edit
    it) and mark the actions of questions now answered done. False when there is no plan to
    write to (the opportunity page then lists the questions)."""
    from accountplan.plans.querysets import can_edit
    from accountplan.plans.services import save_section, section_of

    plan = active_plan(opportunity)
    if plan is None or not can_edit(user, plan):
        return False
    open_keys = {q.key: q for q in scored.result.discovery}
    config = selectors.current_config()
    section = section_of(plan, "actions")
    data = dict(section.data or {})
    actions = [dict(a) for a in data.get("actions", [])]
    by_id = {a.get("id"): a for a in actions}
    changed = False
    for q in config.questions():
        aid = action_id(opportunity.pk, q.key)
        existing = by_id.get(aid)
        if q.key in open_keys and existing is None:
            actions.append(
                {
                    "id": aid,
                    "title": action_title(opportunity, q),
                    "owner_id": opportunity.owner_id or plan.owner_id,
                    "due_date": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
                    "status": "todo",
                    "notes": "Discovery question of the opportunity-fit scorecard.",
                }
            )
            changed = True
        elif q.key not in open_keys and existing is not None and existing.get("status") != "done":
            existing["status"] = "done"
            changed = True
    if not changed:
        return True
    data["actions"] = actions
    try:
        save_section(
            plan, "actions", data, section.version, user, summary="fit scorecard: discovery actions"
        )
    except DomainError:
        # A full action plan (or a clash with an editor): the answers stand, and the
        # scorecard page lists the questions instead.
        return False
    return True


def refresh_findings() -> None:
    """Run the low-fit rule alone and reconcile its findings (the others are left as they are)."""
    from accountplan.fit.rules import CODE
    from accountplan.governance.rules.context import RuleContext
    from accountplan.governance.rules.registry import get
    from accountplan.governance.services import store
    from accountplan.governance.settings_toml import effective

    rule = get(CODE)
    if rule is None:
        return
    enabled, values = effective()[CODE]
    ctx = RuleContext(timezone.localdate())
    store(ctx, {CODE: rule.check(ctx, values) if enabled else []}, timezone.now())


def refresh_finding(opportunity: Opportunity) -> None:
    """Open, update or close the low-fit finding of one deal (the rest of the book is left to
    the rules' runs): its cost does not grow with the book."""
    from accountplan.fit.rules import CODE, hits_for
    from accountplan.governance.models import SEVERITY_WEIGHT, Finding, Severity
    from accountplan.governance.rules.registry import get
    from accountplan.governance.settings_toml import effective

    rule = get(CODE)
    if rule is None:
        return
    enabled, values = effective()[CODE]
    rows = selectors.scored_open_opportunities(only=opportunity.pk)
    hits = hits_for(rows, values) if enabled else []
    subject = f"opportunity:{opportunity.pk}"
    now = timezone.now()
    with transaction.atomic():
        found = Finding.objects.open().filter(
            rule=CODE, account_id=opportunity.account_id, plan__isnull=True, subject=subject
        )
        if not hits:
            found.update(closed_at=now)
            return
        hit = hits[0]
        severity = hit.severity or rule.severity
        from accountplan.governance.rules.context import RuleContext

        value = RuleContext(timezone.localdate()).scores([hit.account_id]).get(hit.account_id)
        fields = {
            "rule_version": rule.version,
            "severity": severity,
            "summary": hit.summary[:500],
            "evidence": [e.as_dict() for e in hit.evidence],
            "fix_url": hit.fix_url,
            "rank": (value.value if value else 0) * SEVERITY_WEIGHT[Severity(severity)],
            "last_seen_at": now,
        }
        if not found.update(**fields):
            Finding.objects.create(
                rule=CODE,
                account_id=hit.account_id,
                subject=subject,
                opened_at=now,
                **fields,
            )


def save_settings(user: User | None, layout: Any) -> FitSettings:
    """Validate and store the settings (managers and admins; None: the operator at the command
    line); the scores follow at once."""
    if user is not None and not user.can_edit_book:
        raise Forbidden("Only managers and admins may change the fit scorecard.")
    clean = layout_of(validate(layout))
    with transaction.atomic():
        row = selectors.stored_settings()
        row.layout, row.updated_at, row.updated_by = clean, timezone.now(), user
        row.save()
    refresh_findings()
    return row

"""Draft a plan from the account's data, store the draft, accept (some of) it into the plan.

``draft_plan`` builds the facts, runs the offline rules, then the model pass
(``model.maybe_rewrite``: the offline draft unchanged unless a model is configured), and writes
nothing. ``create_draft`` also stores it for the page and the API. ``accept_draft`` writes the
chosen entries through the plan's own section service (``plans.services.save_section``) as
ordinary revisions whose summary starts "Drafted from data", on top of the version the draft
was shown beside: if someone saved since, the save merges with theirs or is refused (409) like
any other edit. Nothing reaches the plan without a person's accept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from accountplan.book.models import Account
from accountplan.core.errors import DomainError, Forbidden, NotFound
from accountplan.core.models import User
from accountplan.drafts import model
from accountplan.drafts.apply import apply_entries
from accountplan.drafts.facts import build_facts
from accountplan.drafts.models import Draft
from accountplan.drafts.offline import draft_offline
from accountplan.drafts.types import (
    DraftEntry,
    FactSet,
    PlanDraft,
    draft_from_json,
    draft_to_json,
    factset_from_json,
    factset_to_json,
)
from accountplan.plans.diffing import diff
from accountplan.plans.models import AccountPlan
from accountplan.plans.querysets import can_edit, can_edit_account_plans
from accountplan.plans.sections import SectionKey, section_key
from accountplan.plans.services import create_plan, data_at, save_section, section_of
from accountplan.plans.track_changes import summary as change_summary

#: Stored drafts kept per account (older ones are deleted when a new one is stored).
KEEP_PER_ACCOUNT = 20
#: The prefix of every revision an accepted draft writes (history shows it as drafted).
DRAFTED = "Drafted from data"


def _target(
    plan_or_account: AccountPlan | Account, period: str | None
) -> tuple[Account, AccountPlan | None, str]:
    if isinstance(plan_or_account, AccountPlan):
        return plan_or_account.account, plan_or_account, plan_or_account.period
    if not period:
        raise DomainError("Say which period to draft the plan for (e.g. FY2027).")
    plan = AccountPlan.objects.filter(account=plan_or_account, period=period).first()
    return plan_or_account, plan, period


def _sections(sections: Iterable[str] | None) -> list[str] | None:
    if sections is None:
        return None
    keys = [str(section_key(k)) for k in sections]
    return [k for k in SectionKey.values if k in keys]


def draft_with_facts(
    plan_or_account: AccountPlan | Account,
    period: str | None = None,
    sections: Iterable[str] | None = None,
    user: User | None = None,
    *,
    as_of: dt.date | None = None,
) -> tuple[PlanDraft, FactSet]:
    """The draft and the facts it cites; ``user`` (when given) must see the account."""
    account, plan, period = _target(plan_or_account, period)
    if user is not None and not Account.objects.for_user(user).filter(pk=account.pk).exists():
        raise NotFound(f"Account {account.pk} not found.")
    day = as_of or timezone.localdate()
    facts = build_facts(account, period, day, plan=plan)
    offline = draft_offline(facts, _sections(sections))
    return model.maybe_rewrite(offline, facts), facts


def draft_plan(
    plan_or_account: AccountPlan | Account,
    period: str | None = None,
    sections: Iterable[str] | None = None,
    user: User | None = None,
    *,
    as_of: dt.date | None = None,
) -> PlanDraft:
    """A draft of ``sections`` (all when None) of the plan of ``plan_or_account`` for
    ``period``: facts, offline rules, then the model pass. Writes nothing."""
    return draft_with_facts(plan_or_account, period, sections, user, as_of=as_of)[0]


def may_draft(user: User, account: Account, plan: AccountPlan | None) -> bool:
    """Who may ask for a stored draft: who may write the plan (or the account's plans)."""
    return can_edit(user, plan) if plan is not None else can_edit_account_plans(user, account)


def create_draft(
    plan_or_account: AccountPlan | Account,
    period: str | None,
    sections: Iterable[str] | None,
    user: User,
    *,
    as_of: dt.date | None = None,
) -> Draft:
    """Draft and store the draft (not the plan): who may edit the plan asks for one."""
    account, plan, period = _target(plan_or_account, period)
    if not Account.objects.for_user(user).filter(pk=account.pk).exists():
        raise NotFound(f"Account {account.pk} not found.")
    if not may_draft(user, account, plan):
        raise Forbidden("Only who may edit this account's plans drafts them.")
    draft, facts = draft_with_facts(plan or account, period, sections, user, as_of=as_of)
    versions = {}
    if plan is not None:
        versions = {s.key: section_of(plan, s.key).version for s in draft.sections}
    record = Draft.objects.create(
        account=account,
        plan=plan,
        period=period,
        sections=[s.key for s in draft.sections],
        draft=draft_to_json(draft),
        facts=factset_to_json(facts),
        base_versions=versions,
        badge=draft.badge[:200],
        created_by=user,
    )
    # Keep the account's newest drafts only: a draft is a proposal, not a record to hoard.
    old = Draft.objects.filter(account=account).order_by("-created_at", "-pk")[KEEP_PER_ACCOUNT:]
    Draft.objects.filter(pk__in=list(old.values_list("pk", flat=True))).delete()
    return record


def stored(record: Draft) -> tuple[PlanDraft, FactSet]:
    """A stored draft and its facts, as they were."""
    return draft_from_json(record.draft), factset_from_json(record.facts)


def entry_refs(draft: PlanDraft) -> dict[str, tuple[str, DraftEntry]]:
    """``"section.index"`` → (section key, entry): how pages and the API address entries."""
    return {f"{s.key}.{i}": (s.key, e) for s in draft.sections for i, e in enumerate(s.entries)}


@dataclass
class Accepted:
    """What accepting wrote: per section, its new version and summary; what was left out."""

    saved: dict[str, int] = field(default_factory=dict)
    summaries: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    plan: AccountPlan | None = None


def accept_draft(
    record: Draft,
    user: User,
    refs: Iterable[str] | None = None,
    edits: dict[str, str] | None = None,
    base_versions: dict[str, int] | None = None,
) -> Accepted:
    """Write the entries ``refs`` (all when None) of ``record`` into its plan, with the texts
    ``edits`` gives (ref → text), each section on top of its base version (the one the draft
    was shown beside, unless ``base_versions`` says otherwise). One transaction: a conflict in
    one section saves none. A draft for an account without a plan of its period creates it."""
    plan_now = (
        record.plan
        or AccountPlan.objects.filter(account=record.account, period=record.period).first()
    )
    if not may_draft(user, record.account, plan_now):
        raise Forbidden("Only who may edit this plan accepts its drafts.")
    draft, _facts = stored(record)
    refs_map = entry_refs(draft)
    chosen = list(refs_map) if refs is None else [r for r in refs if r in refs_map]
    unknown = [] if refs is None else [r for r in refs if r not in refs_map]
    if unknown:
        raise DomainError(f"The draft has no entry {', '.join(unknown)}.")
    if not chosen:
        raise DomainError("Choose at least one drafted entry to accept.")
    edits = edits or {}
    versions = {**(record.base_versions or {}), **(base_versions or {})}
    prefix = DRAFTED if draft.badge == "from data" else f"{DRAFTED}, {draft.badge}"
    result = Accepted()
    with transaction.atomic():
        plan = (
            record.plan
            or AccountPlan.objects.filter(account=record.account, period=record.period).first()
        )
        if plan is None:
            plan = create_plan(record.account, record.period, user)
        result.plan = plan
        for key in SectionKey.values:
            entries = [
                (e, edits.get(ref)) for ref in chosen for k, e in [refs_map[ref]] if k == key
            ]
            if not entries:
                continue
            current = section_of(plan, key)
            base = int(versions.get(key, current.version))
            base_data = current.data if base == current.version else data_at(plan, key, base)
            applied = apply_entries(key, base_data, entries)
            result.skipped += applied.skipped
            changes = diff(base_data, applied.data)
            if not changes:
                continue
            text = f"{prefix}: {change_summary(key, changes)}"
            saved = save_section(plan, key, applied.data, base, user, summary=text)
            result.saved[key] = saved.version
            result.summaries[key] = text
        record.plan = plan
        # The draft now sits beside the versions holding what was accepted of it.
        record.base_versions = {**(record.base_versions or {}), **result.saved}
        record.accepted_at = timezone.now()
        record.accepted_entries = sorted({*(record.accepted_entries or []), *chosen})
        record.save(update_fields=["plan", "base_versions", "accepted_at", "accepted_entries"])
    return result


def visible_draft(user: User, draft_id: int) -> Draft:
    """A stored draft of an account ``user`` may see (404 otherwise)."""
    found: Draft | None = (
        Draft.objects.for_user(user).select_related("account", "plan").filter(pk=draft_id).first()
    )
    if found is None:
        raise NotFound(f"Draft {draft_id} not found.")
    return found


def draft_json(record: Draft | None, draft: PlanDraft, facts: FactSet) -> dict[str, Any]:
    """The draft for the API and the CLI: entries with their refs and the facts they cite."""
    from accountplan.drafts.evidence import fact_links

    data = draft_to_json(draft)
    by_id = facts.by_id()
    cited = sorted({i for s in draft.sections for e in s.entries for i in e.fact_ids})
    data["id"] = record.pk if record else None
    data["plan_id"] = record.plan_id if record else None
    sections: list[dict[str, Any]] = data["sections"]  # type: ignore[assignment]
    for s in sections:
        for i, e in enumerate(s["entries"]):
            e["ref"] = f"{s['key']}.{i}"
    data["facts"] = [
        {
            "id": f.id,
            "kind": f.kind,
            "label": f.label,
            "table": f.source.table,
            "row_ids": list(f.source.row_ids),
            "as_of": f.source.as_of.isoformat(),
            "links": [
                {"label": label, "url": url} for label, url in fact_links(f, draft.account_id)
            ],
        }
        for f in (by_id[i] for i in cited if i in by_id)
    ]
    return data

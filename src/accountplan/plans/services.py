"""Writes of a plan's sections: save a section (refusing silent overwrites), link a deal to a
goal-build component, restore a revision. Every write runs in one transaction and records a
``PlanRevision``. The plan's own writes (create, change its fields) are in ``plan_writes``;
``create_plan`` and ``update_plan`` are re-exported here.

Versions: a section starts at version 1 with empty data (no revision). Each save that changes
something bumps the version and records a revision holding the full data of that version; a save
that changes nothing is a no-op (no new version). The caller sends the version it loaded
(``base_version``); if someone saved since, the save is merged with theirs field by field and
item by item, and only when both changed the same value is ``SectionConflict`` (409) raised with
both values, so nothing typed is lost and nobody's change is silently reverted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accountplan.book.models import Account, BuyingCenter, Contact, Opportunity, Product
from accountplan.core.errors import Conflict, DomainError, NotFound
from accountplan.core.models import User
from accountplan.plans.diffing import Change, diff, summarize
from accountplan.plans.merging import MergeConflict, merge
from accountplan.plans.models import AccountPlan, PlanRevision, PlanSection
from accountplan.plans.plan_writes import create_plan as create_plan
from accountplan.plans.plan_writes import require_edit
from accountplan.plans.plan_writes import update_plan as update_plan
from accountplan.plans.section_choices import PLAN_KEY
from accountplan.plans.sections import (
    SectionInvalid,
    SectionKey,
    empty_section,
    section_key,
    validate_section,
)


class SectionConflict(Conflict):
    """Someone saved the section after the caller loaded it, and both changed the same values:
    the save is refused (409).

    A stale save whose changes do not overlap with theirs is merged instead (``save_section``),
    so this is raised only for true conflicts. It carries what the caller needs to decide: the
    current version and data, who saved it and when, what they changed since the caller's base
    version (``changes``), the values both changed (``conflicts``: base, mine, theirs), the
    merged data (theirs where only they changed, mine where only I did, mine on a conflict) to
    save again on top of ``current_version``, and the data the caller sent (``attempted``).
    """

    def __init__(
        self,
        section: PlanSection,
        base_version: int,
        base_data: dict[str, Any],
        attempted: Any,
        *,
        merged: dict[str, Any] | None = None,
        conflicts: list[MergeConflict] | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        self.section = section
        self.key = section.key
        self.base_version = base_version
        self.current_version = section.version
        self.current_data = section.data
        self.updated_by = section.updated_by
        self.updated_at = section.updated_at
        self.changes: list[Change] = diff(base_data, section.data)
        self.attempted = attempted
        self.merged = merged if merged is not None else attempted
        self.conflicts: list[MergeConflict] = conflicts or []
        self.errors: list[dict[str, Any]] = errors or []
        who = str(section.updated_by) if section.updated_by else "someone"
        when = timezone.localtime(section.updated_at).strftime("%Y-%m-%d %H:%M")
        both = ", ".join(c.path for c in self.conflicts)
        super().__init__(
            f"{who} saved this section ({section.get_key_display()}) at {when} after you "
            f"opened it (version {section.version}; you edited version {base_version}): "
            f"{summarize(self.changes)}. "
            + (f"You both changed {both}. " if both else "")
            + "Nothing was saved: choose mine or theirs for each of those, then save the merged "
            f"data on top of version {section.version}.",
            details=self.as_dict(),
        )

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data for the API and the page."""
        return {
            "section": self.key,
            "base_version": self.base_version,
            "current_version": self.current_version,
            "current_data": self.current_data,
            "updated_by": (
                {"id": self.updated_by.pk, "name": str(self.updated_by)}
                if self.updated_by
                else None
            ),
            "updated_at": self.updated_at.isoformat(),
            "changes": [c.as_dict() for c in self.changes],
            "conflicts": [c.as_dict() for c in self.conflicts],
            "merged": self.merged,
            "errors": self.errors,
            "attempted": self.attempted,
        }


def section_of(plan: AccountPlan, key: str) -> PlanSection:
    """The plan's section ``key``: the stored row, or an unsaved empty one at version 1."""
    key = section_key(key)
    found = PlanSection.objects.filter(plan=plan, key=key).select_related("updated_by").first()
    if found is not None:
        return found
    return PlanSection(plan=plan, key=key, data=empty_section(key), version=1, updated_at=None)  # type: ignore[misc]


def sections_of(plan: AccountPlan) -> dict[str, PlanSection]:
    """All ten sections of the plan, in outline order (unsaved empty ones where none is stored)."""
    stored = {s.key: s for s in PlanSection.objects.filter(plan=plan).select_related("updated_by")}
    return {
        key: stored.get(key)
        or PlanSection(plan=plan, key=key, data=empty_section(key), version=1, updated_at=None)  # type: ignore[misc]
        for key in SectionKey.values
    }


def data_at(plan: AccountPlan, key: str, version: int) -> dict[str, Any]:
    """A section's data as of ``version`` (version 1 without a revision is the empty section)."""
    rev = PlanRevision.objects.filter(plan=plan, key=key, version=version).first()
    if rev is not None:
        return dict(rev.data)
    return empty_section(key)


def _ids(values: Iterable[Any]) -> set[int]:
    return {int(v) for v in values if v is not None}


#: Per section: the list holding references, and (field, kind, is a list of ids) in its items.
REFERENCES: dict[str, tuple[str, list[tuple[str, str, bool]]]] = {
    SectionKey.NEEDS: (
        "needs",
        [("stakeholder_contact_ids", "contact", True), ("product_ids", "product", True)],
    ),
    SectionKey.RELATIONSHIPS: (
        "stakeholders",
        [("contact_id", "contact", False), ("our_owner_id", "user", False)],
    ),
    SectionKey.GOALS: (
        "components",
        [
            ("product_id", "product", False),
            ("buying_center_id", "buying_center", False),
            ("opportunity_ids", "opportunity", True),
        ],
    ),
    SectionKey.ACTIONS: ("actions", [("owner_id", "user", False)]),
    SectionKey.TEAM_SUPPORT: ("commitments", [("owner_id", "user", False)]),
}


def _known_ids(account: Account, kind: str, ids: set[int]) -> set[int]:
    qs: QuerySet[Any]
    if kind == "contact":
        qs = Contact.objects.filter(account=account, pk__in=ids)
    elif kind == "buying_center":
        qs = BuyingCenter.objects.filter(account=account, pk__in=ids)
    elif kind == "product":
        qs = Product.objects.filter(pk__in=ids)
    elif kind == "opportunity":
        qs = Opportunity.objects.filter(account=account, pk__in=ids)
    else:
        qs = User.objects.filter(is_active=True, pk__in=ids)
    return _ids(qs.values_list("pk", flat=True))


def check_references(plan: AccountPlan, key: str, data: dict[str, Any]) -> None:
    """Refuse ids that do not belong: contacts and buying centers of another account, unknown
    products, unknown or inactive users. Raises ``SectionInvalid`` naming each bad id."""
    if key not in REFERENCES:
        return
    list_name, fields = REFERENCES[key]
    account = plan.account
    # (item index, field, id, kind) of every reference in the data.
    wanted: list[tuple[int, str, int, str]] = []
    for i, item in enumerate(data.get(list_name, [])):
        for name, kind, many in fields:
            values = item.get(name) if many else [item.get(name)]
            wanted.extend((i, name, int(v), kind) for v in values or [] if v is not None)
    known: dict[str, set[int]] = {}
    for kind in {w[3] for w in wanted}:
        known[kind] = _known_ids(account, kind, {w[2] for w in wanted if w[3] == kind})
    what = {
        "contact": f"is not a contact of {account.name}",
        "buying_center": f"is not a buying center of {account.name}",
        "product": "is not a product",
        "opportunity": f"is not a deal of {account.name}",
        "user": "is not an active user",
    }
    errors = [
        {
            "loc": [list_name, i, name],
            "msg": f"{'deal' if kind == 'opportunity' else kind.replace('_', ' ')} {value} "
            f"{what[kind]}",
            "type": "reference",
        }
        for i, name, value, kind in wanted
        if value not in known[kind]
    ]
    if errors:
        raise SectionInvalid(key, errors)


def _normal(key: str, data: dict[str, Any]) -> dict[str, Any]:
    """Data in its normal form (every default present), so a merge compares like with like."""
    try:
        return validate_section(key, data)
    except SectionInvalid:
        return dict(data)


def _merge_stale(
    plan: AccountPlan,
    section: PlanSection,
    base_version: int,
    attempted: Any,
    mine: dict[str, Any],
    summary: str | None,
) -> tuple[dict[str, Any], str]:
    """A save on top of an old version: merge it with what was saved since (three-way, against
    the base version). Returns the merged, validated data and the revision's summary; raises
    ``SectionConflict`` when both changed the same value (or the merge does not validate)."""
    key = section.key
    base = data_at(plan, key, base_version) if 1 <= base_version <= section.version else {}
    theirs = _normal(key, section.data)
    result = merge(_normal(key, base), mine, theirs)
    if result.conflicts:
        raise SectionConflict(
            section,
            base_version,
            base,
            attempted,
            merged=result.data,
            conflicts=result.conflicts,
        )
    try:
        clean = validate_section(key, result.data)
    except SectionInvalid as exc:
        # Each change was valid alone, not together (e.g. six needs): let the user fix it.
        raise SectionConflict(
            section, base_version, base, attempted, merged=result.data, errors=exc.errors
        ) from None
    who = str(section.updated_by) if section.updated_by else "someone"
    mine_summary = summary or _summary(key, diff(theirs, clean))
    return clean, f"{mine_summary} (merged with {who}'s version {section.version})"


def _summary(key: str, changes: list[Change]) -> str:
    """The revision's summary in the section form's words ("changed growth, added 1 need")."""
    from accountplan.plans.track_changes import summary

    return summary(key, changes)


def save_section(
    plan: AccountPlan,
    key: str,
    data: Any,
    base_version: int,
    user: User,
    *,
    summary: str | None = None,
    restored_from: PlanRevision | None = None,
) -> PlanSection:
    """Save a section's new data on top of ``base_version`` (the version the user loaded).

    Raises ``Forbidden`` (403) if the user may not edit, ``SectionInvalid`` (422) if the data
    does not validate. If someone saved since ``base_version``, the two are merged three-way
    (``merging.merge``): changes to different fields and items are both kept, and only values
    both changed differently raise ``SectionConflict`` (409). Else stores the validated data,
    bumps the version and records a revision with a summary.
    """
    key = section_key(key)
    require_edit(user, plan)
    with transaction.atomic():
        # Lock the plan row: it exists even when the section does not yet, so two first saves
        # of the same section also queue up behind each other.
        AccountPlan.objects.select_for_update().filter(pk=plan.pk).first()
        try:
            return _save_section(plan, key, data, base_version, user, summary, restored_from)
        except _SectionTaken:
            # Another request wrote this section's first version between our read and our
            # insert (a database whose locks did not queue us behind it): save again on top of
            # theirs, which merges as any stale save does, or is a 409 for values both changed.
            return _save_section(plan, key, data, base_version, user, summary, restored_from)


class _SectionTaken(Exception):
    """Our first insert of a section met one another request committed meanwhile."""


def _save_section(
    plan: AccountPlan,
    key: str,
    data: Any,
    base_version: int,
    user: User,
    summary: str | None,
    restored_from: PlanRevision | None,
) -> PlanSection:
    section = PlanSection.objects.select_for_update().filter(plan=plan, key=key).first()
    if section is None:
        section = PlanSection(plan=plan, key=key, data=empty_section(key), version=1)
    clean = validate_section(key, data)
    if base_version != section.version:
        clean, summary = _merge_stale(plan, section, base_version, data, clean, summary)
    check_references(plan, key, clean)
    changes = diff(section.data, clean)
    if not changes and restored_from is None:
        if section.pk is None:
            section.updated_at = timezone.now()
        return section
    now = timezone.now()
    first = section.pk is None
    section.data = clean
    section.version += 1
    section.updated_by = user
    section.updated_at = now
    try:
        with transaction.atomic():  # a savepoint: a collision leaves our transaction usable
            section.save()
    except IntegrityError:
        if not first:
            raise
        raise _SectionTaken from None
    AccountPlan.objects.filter(pk=plan.pk).update(updated_at=now)
    PlanRevision.objects.create(
        plan=plan,
        key=key,
        version=section.version,
        data=clean,
        author=user,
        created_at=now,
        summary=(summary or _summary(key, changes))[:500],
        restored_from=restored_from,
    )
    return section


def link_deal(
    plan: AccountPlan, opportunity_id: int, component_id: str | None, user: User
) -> PlanSection:
    """Link a deal of the plan's account to one goal-build component (it then counts there and
    nowhere else), or unlink it (``component_id`` None: the matching rule applies again).

    The link is stored in the goals section (``components[].opportunity_ids``), so it is a
    revision like any save. ``NotFound`` for an unknown component or a deal of another account.
    """
    require_edit(user, plan)
    if not Opportunity.objects.filter(pk=opportunity_id, account=plan.account).exists():
        raise NotFound(f"Deal {opportunity_id} is not a deal of {plan.account.name}.")
    section = section_of(plan, SectionKey.GOALS)
    data = dict(section.data or {})
    components = [dict(c) for c in data.get("components", [])]
    if component_id is not None and not any(c.get("id") == component_id for c in components):
        raise NotFound(f"The goal build has no component {component_id!r}.")
    for c in components:
        ids = [i for i in c.get("opportunity_ids", []) if i != opportunity_id]
        if c.get("id") == component_id:
            ids.append(opportunity_id)
        c["opportunity_ids"] = ids
    data["components"] = components
    summary = (
        f"linked deal {opportunity_id} to a component"
        if component_id
        else f"unlinked deal {opportunity_id}"
    )
    return save_section(plan, SectionKey.GOALS, data, section.version, user, summary=summary)


def restore(plan: AccountPlan, revision: PlanRevision, user: User) -> PlanSection:
    """Save ``revision``'s data as the section's new current version (history is kept).

    The restore is itself a revision that records ``restored_from``. Plan-level revisions are
    not restored this way: change the plan's fields instead.
    """
    if revision.plan_id != plan.pk:
        raise NotFound(f"Revision {revision.pk} not found.")
    if revision.key == PLAN_KEY:
        raise DomainError(
            "A plan-level revision (period, status, owner) cannot be restored; change the "
            "plan's fields instead."
        )
    current = section_of(plan, revision.key)
    changes = diff(current.data, revision.data)
    return save_section(
        plan,
        revision.key,
        revision.data,
        current.version,
        user,
        summary=f"restored version {revision.version}: {_summary(revision.key, changes)}",
        restored_from=revision,
    )

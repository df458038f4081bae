"""Importing Salesforce's account-plan files into our plans (issue 16, points 2 and 3).

``import_files`` reads the files, resolves them (``resolving``), checks every section the import
would write against its schema, and writes only when nothing is wrong: all or nothing, every
problem with file, line, column and reason. Each change is a revision by **Salesforce import**
(the summary names who ran it). A value changed here since the last import *and* changed in
Salesforce is a conflict: ours is kept, and the conflict is listed in the report and on the plan
until someone settles it (``dismiss_conflicts``). The base of that three-way merge is the plan as
the last import read it from Salesforce (``PlanLink.imported``), so a value Salesforce did not
change since is never taken over ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accountplan.core.errors import DomainError, Forbidden
from accountplan.core.models import Role, User
from accountplan.plans.merging import merge
from accountplan.plans.models import AccountPlan, PlanRevision, PlanStatus
from accountplan.plans.plan_writes import plan_fields, update_plan
from accountplan.plans.section_choices import PLAN_KEY
from accountplan.plans.sections import SectionInvalid, empty_section, title_of, validate_section
from accountplan.plans.sections import SectionKey as K
from accountplan.plans.services import (
    check_references,
    create_plan,
    save_section,
    section_of,
    sections_of,
)
from accountplan.plans.track_changes import field_label
from accountplan.salesforce import naming
from accountplan.salesforce.export import _actuals, _money
from accountplan.salesforce.models import ItemKind, ItemLink, PlanLink
from accountplan.salesforce.reading import (
    Problem,
    SalesforceImportFailed,
    read_files,
)
from accountplan.salesforce.resolving import Incoming, Resolver

#: The author every import's revisions carry.
AUTHOR_USERNAME = "salesforce-import"


def import_author() -> User:
    """The inactive user "Salesforce import" that imports are recorded as (it cannot sign in)."""
    user, made = User.objects.get_or_create(
        username=AUTHOR_USERNAME,
        defaults={
            "first_name": "Salesforce",
            "last_name": "import",
            "is_active": False,
            "role": Role.VIEWER,
        },
    )
    if made:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@dataclass
class Result:
    """What an import did: per plan its action, the conflicts left, notes worth reading."""

    plans: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        counts = {
            a: sum(p["action"] == a for p in self.plans)
            for a in ("created", "updated", "unchanged")
        }
        return {**counts, "plans": self.plans, "conflicts": self.conflicts, "notes": self.notes}


@dataclass
class Prepared:
    """One incoming plan with the section data it brings (validated) and each one's base."""

    inc: Incoming
    data: dict[str, dict[str, Any]]
    from_salesforce: set[str]  # the sections whose base is what Salesforce said last time


def import_files(files: list[tuple[str, bytes]], user: User) -> Result:
    """Import the files for ``user`` (managers and admins); ``SalesforceImportFailed`` lists
    every problem and nothing is written."""
    if not user.can_edit_book:
        raise Forbidden("Only managers and admins import plans from Salesforce.")
    if not files:
        raise SalesforceImportFailed([Problem("", 0, "", "No file was given.")])
    read = read_files(files)
    resolver = Resolver(read, user)
    incoming = resolver.run()
    problems = resolver.problems
    prepared = [p for inc in incoming if (p := _prepare(inc, problems)) is not None]
    if problems:
        raise SalesforceImportFailed(problems)
    result = Result()
    with transaction.atomic():
        author = import_author()
        for item in prepared:
            try:
                _write(item, user, author, result)
            except DomainError as exc:
                problems.append(item.inc.rec.problem("AccountId", exc.message))
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise SalesforceImportFailed(problems)
    return result


def _bases(inc: Incoming) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """Each section's base: what the last import read from Salesforce, else the plan as it is
    (a first import), and which sections have the former."""
    if inc.plan is None:
        return {}, set()
    seen = inc.link.imported if inc.link else {}
    data: dict[str, dict[str, Any]] = {}
    for key, section in sections_of(inc.plan).items():
        data[key] = dict(seen[key]) if key in seen else dict(section.data)
    return data, {k for k in data if k in seen}


def _prepare(inc: Incoming, problems: list[Problem]) -> Prepared | None:
    from accountplan.salesforce.planmap import apply

    base, from_salesforce = _bases(inc)
    for key in K.values:
        base.setdefault(key, empty_section(key))
    data = apply(base, inc.updates)
    if inc.objectives is not None:
        own = {str(c.get("id")): c for c in base[K.GOALS].get("components", [])}
        comps = []
        for obj in inc.objectives:
            comp = {**own.get(obj.cid, {}), "id": obj.cid}
            before = comp.get("amount")
            comp.update({k: v for k, v in obj.component.items() if k != "kind" or v})
            if before is not None and comp.get("amount") == Decimal(str(before)):
                comp["amount"] = before  # the same money: keep how it is written here
            if not comp.get("kind"):
                comp["kind"] = "upsell"
                inc.notes.append(f"Objective {obj.rec.get('Name')!r} imported as an Upsell.")
            if obj.measure is None and "AccountPlanObjectiveMeasure" in inc.given:
                comp["amount"] = None
            if obj.relations or "AccountPlanObjMeasRela" in inc.given:
                comp["opportunity_ids"] = [r[3] for r in obj.relations]
            comps.append(comp)
        data[K.GOALS] = {**base[K.GOALS], "components": comps}
    stub = inc.plan or AccountPlan(account=inc.account, period=inc.period)
    ok = True
    for key in list(data):
        try:
            data[key] = validate_section(key, data[key])
            check_references(stub, key, data[key])
        except SectionInvalid as exc:
            ok = False
            problems.extend(_located(inc, key, e) for e in exc.errors)
    return Prepared(inc, data, from_salesforce) if ok else None


def _located(inc: Incoming, key: str, error: dict[str, Any]) -> Problem:
    loc = list(error.get("loc") or [])
    msg = str(error.get("msg"))
    if key == K.GOALS and len(loc) >= 2 and isinstance(loc[1], int) and inc.objectives:
        obj = inc.objectives[min(loc[1], len(inc.objectives) - 1)]
        if len(loc) > 2 and loc[2] == "amount" and obj.measure:
            return obj.measure.rec.problem("TargetValue", msg)
        if len(loc) > 2 and loc[2] == "opportunity_ids" and obj.relations:
            return obj.relations[0][0].problem("ReferenceRecordId", msg)
        return obj.rec.problem("Name", msg)
    column = inc.origin.get(str(loc[0]) if loc else "", "")
    path = "".join(f"[{x}]" if isinstance(x, int) else f".{x}" for x in loc).lstrip(".")
    where = field_label(key, path) if path else ""
    return Problem(inc.rec.file, inc.rec.line, column, f"{title_of(key)}, {where}: {msg}")


def _reauthor(plan: AccountPlan, key: str, user: User, author: User) -> None:
    rev = PlanRevision.objects.filter(plan=plan, key=key).order_by("-version").first()
    if rev is not None and rev.author_id == user.pk:
        summary = f"Salesforce import by {user}: {rev.summary}"[:500]
        PlanRevision.objects.filter(pk=rev.pk).update(author=author, summary=summary)


def _write(item: Prepared, user: User, author: User, result: Result) -> None:
    inc = item.inc
    plan, action = inc.plan, "updated"
    conflicts: list[dict[str, Any]] = []
    if plan is None:
        plan = create_plan(
            inc.account,
            inc.period,
            user,
            owner=inc.owner or user,
            status=inc.status or PlanStatus.DRAFT,
        )
        _reauthor(plan, PLAN_KEY, user, author)
        action = "created"
    else:
        conflicts += _plan_fields(item, plan, user, author)
    link = PlanLink.objects.filter(plan=plan).first() or PlanLink(plan=plan)
    imported = {**link.imported, PLAN_KEY: _theirs_plan(inc, plan)}
    wrote = action == "created"
    for key, data in item.data.items():
        current = section_of(plan, key)
        new, clashes = data, []
        if key in item.from_salesforce:  # three-way: Salesforce last time, ours now, theirs now
            base = _norm(key, link.imported[key])
            merged = merge(base, _norm(key, current.data), data)
            new, clashes = merged.data, merged.conflicts
        imported[key] = data
        if new != current.data:
            save_section(plan, key, new, current.version, user, summary="changed from Salesforce")
            _reauthor(plan, key, user, author)
            wrote = True
        if clashes:
            conflicts += [
                {
                    "section": title_of(key),
                    "field": field_label(key, c.path),
                    "salesforce": shown(c.theirs),
                    "ours": shown(c.mine),
                }
                for c in clashes
            ]
    _links(item, plan, link, imported, conflicts, user)
    who = f"{plan.account.name} {plan.period}"
    done = action if wrote else "unchanged"
    result.plans.append({"id": plan.pk, "plan": who, "action": done})
    result.conflicts += [{"plan": who, "plan_id": plan.pk, **c} for c in conflicts]
    result.notes += [f"{who}: {n}" for n in inc.notes]


def _norm(key: str, data: dict[str, Any]) -> dict[str, Any]:
    try:
        return validate_section(key, data)
    except SectionInvalid:
        return dict(data)


def _theirs_plan(inc: Incoming, plan: AccountPlan) -> dict[str, Any]:
    """The plan's fields as Salesforce gives them (ours where the file is silent)."""
    theirs = plan_fields(plan)
    if inc.period:
        theirs["period"] = inc.period
    if inc.status:
        theirs["status"] = inc.status
    if inc.owner:
        theirs["owner_id"] = inc.owner.pk
    return theirs


def _plan_fields(
    item: Prepared, plan: AccountPlan, user: User, author: User
) -> list[dict[str, Any]]:
    inc = item.inc
    theirs = _theirs_plan(inc, plan)
    mine = plan_fields(plan)
    seen = inc.link.imported.get(PLAN_KEY) if inc.link else None
    clashes = []
    if seen:
        merged = merge({k: seen.get(k) for k in mine}, mine, theirs)
        theirs, clashes = merged.data, merged.conflicts
    if theirs != mine:
        owner = User.objects.filter(pk=theirs["owner_id"]).first() if theirs["owner_id"] else None
        update_plan(plan, user, period=theirs["period"], status=theirs["status"], owner=owner)
        _reauthor(plan, PLAN_KEY, user, author)
        plan.refresh_from_db()
    return [
        {
            "section": "Plan",
            "field": PLAN_LABELS.get(c.path, c.path),
            "salesforce": _plan_value(c.path, c.theirs),
            "ours": _plan_value(c.path, c.mine),
        }
        for c in clashes
    ]


PLAN_LABELS = {"period": "Period", "status": "Status", "owner_id": "Owner"}


def _plan_value(path: str, value: Any) -> str:
    if path == "status":
        return str(dict(PlanStatus.choices).get(value, value or ""))
    if path == "owner_id":
        return str(User.objects.filter(pk=value).first() or "") if value else ""
    return shown(value)


def shown(value: Any) -> str:
    """A conflicting value in words: text as it is, an item by its title, a list item by item."""
    if value is None:
        return ""
    if isinstance(value, dict):
        for title in ("name", "need", "text", "title", "kind"):
            if value.get(title):
                return str(value[title])
        return ", ".join(f"{v}" for v in value.values() if v not in (None, "", []))
    if isinstance(value, list):
        return "; ".join(shown(v) for v in value)
    return str(value)


def _links(
    item: Prepared,
    plan: AccountPlan,
    link: PlanLink,
    imported: dict[str, Any],
    conflicts: list[dict[str, Any]],
    user: User,
) -> None:
    inc = item.inc
    link.sf_id = inc.sf_id or link.sf_id
    link.key = inc.key or link.key
    # Salesforce's own text of the fields this file has replaces what an older import kept.
    kept = {k: v for k, v in link.verbatim.items() if not inc.rec.has(k)}
    link.verbatim = {**kept, **inc.verbatim}
    link.imported = imported
    link.imported_at = timezone.now()
    # Conflicts stay listed until settled; a new one replaces an old one of the same field.
    new = {(c["section"], c["field"]) for c in conflicts}
    link.conflicts = [c for c in link.conflicts if (c["section"], c["field"]) not in new]
    link.conflicts += conflicts
    link.save()
    if inc.objectives is None:
        return
    goals = section_of(plan, K.GOALS).data
    comps = {c["id"]: c for c in goals.get("components", [])}
    names = naming.Names.load(plan.account_id, {K.GOALS: goals})
    actuals = _actuals(user, plan, {k: v.data for k, v in sections_of(plan).items()})
    ItemLink.objects.filter(plan=plan).delete()
    given = {obj.sf_id for obj in inc.objectives} | {
        obj.measure.sf_id for obj in inc.objectives if obj.measure
    }
    given |= {r[1] for obj in inc.objectives for r in obj.relations}
    ItemLink.objects.filter(sf_id__in=given - {None}).delete()  # a record moved between plans
    for obj in inc.objectives:
        comp = comps.get(obj.cid, {})
        derived = naming.objective_name(comp, names)
        verbatim = {**obj.verbatim, "Name": {**obj.verbatim["Name"], "derived": derived}}
        ItemLink.objects.create(
            plan=plan,
            kind=ItemKind.OBJECTIVE,
            local_key=obj.cid,
            sf_id=obj.sf_id,
            key=obj.key,
            verbatim=verbatim,
        )
        if obj.measure is not None:
            mv = dict(obj.measure.verbatim)
            if "Name" in mv:
                mv["Name"] = {**mv["Name"], "derived": derived}
            if "CurrentValue" in mv:
                mv["CurrentValue"] = {
                    **mv["CurrentValue"],
                    "derived": _money(actuals.get(obj.cid, 0)),
                }
            ItemLink.objects.create(
                plan=plan,
                kind=ItemKind.MEASURE,
                local_key=obj.cid,
                sf_id=obj.measure.sf_id,
                key=obj.measure.key,
                verbatim=mv,
            )
        for _rec, rid, key, opp in obj.relations:
            ItemLink.objects.create(
                plan=plan, kind=ItemKind.RELATION, local_key=f"{obj.cid}:{opp}", sf_id=rid, key=key
            )


def dismiss_conflicts(plan: AccountPlan, user: User) -> None:
    """Settle the plan's conflicts as the plan stands: ours stay, and the next import changes
    them only if Salesforce changes them again."""
    from accountplan.plans.plan_writes import require_edit

    require_edit(user, plan)
    PlanLink.objects.filter(plan=plan).update(conflicts=[])

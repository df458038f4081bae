"""Planning and writing the upsert: created / updated / unchanged, in bulk, no per-row queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models

from accountplan.book.search_keys import refresh_search_keys
from accountplan.core import fmt
from accountplan.core.models import Role, User
from accountplan.ingest import convert as cv
from accountplan.ingest.report import Issue
from accountplan.ingest.validation import SINGULAR, Row, Validator

BATCH = 1000
#: Tables whose natural key is unique in the database (username). Product names are unique
#: only among products without an external id: catalogues repeat names across versions.
UNIQUE_NATURAL_KEY = {"users"}
PENDING = -1  # placeholder for a pk only known once new rows exist


@dataclass
class Plan:
    """What the import will do to the table."""

    creates: list[Row] = field(default_factory=list)
    updates: list[tuple[Row, int, dict[str, Any]]] = field(default_factory=list)
    unchanged: list[tuple[Row, int]] = field(default_factory=list)
    to_create_refs: dict[str, set[str]] = field(default_factory=dict)
    conflicts: list[tuple[Row, Issue]] = field(default_factory=list)
    #: Replace mode: rows of the table the file replaces, and what it covers.
    deletes: list[int] = field(default_factory=list)
    scope: tuple[int, Any, Any] | None = None


def _values(v: Validator, row: Row, attrs: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f, attr in attrs.items():
        if f in row.data:
            value = row.data[f]
            if f == "external_id" and not value:
                continue  # never wipe an id we matched by natural key
            out[attr] = value
    return out


def plan(v: Validator, rows: list[Row]) -> Plan:
    """Match each valid row with the table (external id first, then natural key) and diff it."""
    spec = v.spec
    model = spec.model
    written = [f for f in v.written_fields if spec.field(f).ref != spec.name]
    attrs = {f: spec.field(f).model_attr for f in written}
    self_attrs = {fs.name: fs.model_attr for fs in spec.self_refs if fs.name in v.bound}
    nk_attrs = [spec.field(f).model_attr for f in spec.natural_key]
    load = {"pk", *attrs.values(), *self_attrs.values(), *nk_attrs}
    if spec.has_external_id:
        load.add("external_id")
    by_ext: dict[str, dict[str, Any]] = {}
    by_nk: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for existing in model._default_manager.values(*sorted(load)):
        if existing.get("external_id"):
            by_ext[existing["external_id"]] = existing
            # Salesforce reports show the 15-character form of the API's 18-character ids.
            if len(existing["external_id"]) == 18 and existing["external_id"].isalnum():
                by_ext.setdefault(existing["external_id"][:15], existing)
        by_nk.setdefault(("nk", *(existing[a] for a in nk_attrs)), []).append(existing)
    result = Plan()
    # A default for a column the file lacks fills new rows; it never overwrites existing values.
    update_attrs = {f: a for f, a in attrs.items() if f in v.bound or f not in v.em.defaults}
    unique_nk = spec.name in UNIQUE_NATURAL_KEY
    recs: dict[int, dict[str, Any]] = {}
    adopted: set[int] = set()
    for row in rows:
        ext = row.data.get("external_id")
        rec = by_ext.get(ext) if ext else None
        if rec is None and spec.natural_key:
            key = v.natural_key(row)
            candidates = by_nk.get(key, []) if key else []
            # Only adopt a row that has no id yet (or the same one): never steal another's id,
            # and never let two rows of the file adopt the same one.
            candidates = [
                c
                for c in candidates
                if (not c.get("external_id") or not ext) and c["pk"] not in adopted
            ]
            if len(candidates) == 1:
                rec = candidates[0]
                adopted.add(rec["pk"])
            elif len(candidates) > 1 and not ext and spec.name == "products":
                result.conflicts.append((row, _ambiguous_name(v, row, candidates)))
                continue
        if rec is not None:
            recs[row.index] = rec
        elif unique_nk:
            key = v.natural_key(row)
            taken = by_nk.get(key, []) if key else []
            if taken:
                what = ", ".join(spec.natural_key)
                column = v.bound.get(spec.natural_key[0], (0, what))[1]
                result.conflicts.append(
                    (
                        row,
                        Issue(
                            row.line,
                            column,
                            str(row.data.get(spec.natural_key[0])),
                            f"another {SINGULAR[spec.name]} already has this {what} "
                            f"(external id {taken[0].get('external_id') or 'none'}): "
                            f"the {what} must be unique",
                            kind=f"{what} taken by another {SINGULAR[spec.name]}",
                        ),
                    )
                )
    matched = {idx: rec["pk"] for idx, rec in recs.items()}
    for row in rows:
        found = recs.get(row.index)
        if found is None:
            result.creates.append(row)
            continue
        rec = found
        values = _values(v, row, update_attrs)
        changes = {a: val for a, val in values.items() if rec.get(a) != val}
        if str(rec.get("external_id") or "")[:15] == changes.get("external_id"):
            del changes["external_id"]  # keep the 18-character id over the report's 15
        for f, attr in self_attrs.items():
            if f in row.pending:
                # A row created by this import cannot be referenced yet: always a change.
                target = matched.get(row.pending[f], PENDING)
            elif f in row.create:
                target = PENDING
            else:
                target = row.data.get(f)
            if rec.get(attr) != target:
                changes[attr] = target
        if changes:
            result.updates.append((row, rec["pk"], changes))
        else:
            result.unchanged.append((row, rec["pk"]))
    for row in rows:
        for f, name in row.create.items():
            result.to_create_refs.setdefault(f, set()).add(name)
    return result


def _ambiguous_name(v: Validator, row: Row, candidates: list[dict[str, Any]]) -> Issue:
    """A row without an external id whose name several rows of the table share."""
    column = v.bound.get("name", (0, "name"))[1]
    keys = ", ".join(str(c.get("external_id") or "no id") for c in candidates[:5])
    return Issue(
        row.line,
        column,
        v.cell(row.raw, "name"),
        f"ambiguous: {len(candidates)} {SINGULAR[v.spec.name]}s already have this name "
        f"(external ids {keys}) and this row has no external id to tell which one it is",
        kind="ambiguous name without an external id",
    )


def write(
    v: Validator,
    the_plan: Plan,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Apply the plan (caller holds the transaction). Returns notes about rows created aside."""
    spec = v.spec
    model = spec.model
    notes: list[str] = []
    written = [f for f in v.written_fields if spec.field(f).ref != spec.name]
    attrs = {f: spec.field(f).model_attr for f in written}
    self_attrs = {fs.name: fs.model_attr for fs in spec.self_refs if fs.name in v.bound}
    created_refs = _create_referenced_users(the_plan, notes)
    for start in range(0, len(the_plan.deletes), BATCH):
        model._default_manager.filter(pk__in=the_plan.deletes[start : start + BATCH]).delete()
    pk_of_row: dict[int, int] = {}
    for row, pk in the_plan.unchanged:
        pk_of_row[row.index] = pk
    for row, pk, _ in the_plan.updates:
        pk_of_row[row.index] = pk
    objs = []
    for row in the_plan.creates:
        values = _values(v, row, attrs)
        for f, attr in self_attrs.items():
            if f in row.create:
                values[attr] = created_refs[row.create[f]]
            elif f not in row.pending:
                values[attr] = row.data.get(f)
        obj = model(**values)
        if model is User:
            obj.password = make_password(None)  # type: ignore[attr-defined]
        objs.append(obj)
    for start in range(0, len(objs), BATCH):
        model._default_manager.bulk_create(objs[start : start + BATCH])
        if progress:
            progress(start)
    for row, obj in zip(the_plan.creates, objs, strict=True):
        pk_of_row[row.index] = obj.pk
    # Updates: the changed attributes; self-references are filled from pk_of_row.
    update_objs = []
    for row, pk, changes in the_plan.updates:
        obj = model(pk=pk)
        for attr, value in changes.items():
            if attr in self_attrs.values():
                f = next(n for n, a in self_attrs.items() if a == attr)
                if f in row.pending:
                    value = pk_of_row[row.pending[f]]
                elif f in row.create:
                    value = created_refs[row.create[f]]
            setattr(obj, attr, value)
        update_objs.append((obj, set(changes)))
    # bulk_update writes every listed field; group by field set so untouched ones stay as they are.
    groups: dict[frozenset[str], list[models.Model]] = {}
    for obj, changed_attrs in update_objs:
        groups.setdefault(frozenset(changed_attrs), []).append(obj)
    for attr_set, group in groups.items():
        model._default_manager.bulk_update(group, sorted(attr_set), batch_size=BATCH)
        # bulk_update skips pre_save: a renamed account, contact or product gets its search key.
        refresh_search_keys(model, [obj.pk for obj in group], attr_set)
    # Self-references of created rows (parent, reports-to, manager) once every pk is known.
    late = []
    for row in the_plan.creates:
        if not any(f in row.pending for f in self_attrs):
            continue
        obj = model(pk=pk_of_row[row.index])
        for f, attr in self_attrs.items():
            if f in row.pending:
                setattr(obj, attr, pk_of_row[row.pending[f]])
            elif f in row.create:
                setattr(obj, attr, created_refs[row.create[f]])
            else:
                setattr(obj, attr, row.data.get(f))
        late.append(obj)
    if late:
        model._default_manager.bulk_update(late, sorted(self_attrs.values()), batch_size=BATCH)
    return notes


def _create_referenced_users(the_plan: Plan, notes: list[str]) -> dict[str, int]:
    """Managers named only in the manager column are created (role manager) when asked."""
    names = sorted(the_plan.to_create_refs.get("manager", set()))
    if not names:
        return {}
    taken = set(User.objects.values_list("username", flat=True))
    users = []
    for name in names:
        first, last = cv.split_name(name)
        username = base = cv.username_from(name) or "user"
        n = 2
        while username in taken:
            username, n = f"{base}{n}", n + 1
        taken.add(username)
        users.append(
            User(
                username=username,
                first_name=first,
                last_name=last,
                role=Role.MANAGER,
                password=make_password(None),
            )
        )
    User.objects.bulk_create(users)
    notes.append(
        f"Created {fmt.count(len(users), 'manager user')} named in the manager column: "
        + ", ".join(f"{u.get_full_name()} ({u.username})" for u in users)
    )
    return {name: u.pk for name, u in zip(names, users, strict=True)}

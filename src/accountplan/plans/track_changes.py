"""History as a document's track changes: what a revision changed, in the words of the forms.

``diffing.diff`` finds the changes between two versions of a section's data; this module says
them for people: the field's label from the section form (``forms.SPECS``), names for the ids
(contacts, products, buying centers, users, goal-build components, accounts), choice labels for
codes, dates and amounts through ``core.fmt``, and per list item "added", "removed" or "changed"
with the item's own name. ``readable`` shows a whole version the same way ("Data at this
version").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from accountplan.core import fmt
from accountplan.plans import sections as s
from accountplan.plans.diffing import Change, field_words, summarize
from accountplan.plans.section_specs import SPECS, F, L

#: The plan-level fields a ``plan`` revision records.
PLAN_FIELDS: tuple[F, ...] = (
    F("period", "Period", "text"),
    F("status", "Status", "select"),
    F("owner_id", "Owner", "select_id", "users"),
)
#: Fields that name an item of a list, best first.
NAMING = ("title", "need", "name", "commitment", "description", "text", "note", "contact_id")
#: Id sets whose names come from the database.
ID_SETS = ("contacts", "products", "buying_centers", "users", "accounts")


def _specs(key: str) -> tuple[F | L, ...]:
    return PLAN_FIELDS if key == s.PLAN_KEY else SPECS.get(key, ())


def _fields(key: str) -> dict[str, F]:
    return {f.name: f for f in _specs(key) if isinstance(f, F)}


def _lists(key: str) -> dict[str, L]:
    return {spec.name: spec for spec in _specs(key) if isinstance(spec, L)}


def _clean_label(text: str) -> str:
    return text.replace(" ($)", "").replace(" (%)", "") if text else text


def _is_pct(spec: F | None) -> bool:
    return spec is not None and spec.label.endswith("(%)")


def field_label(key: str, path: str) -> str:
    """The form's label of the field at ``path`` of section ``key`` (``inputs.growth_pct`` →
    "Growth %"); the path in words when the form has no such field."""
    spec = _fields(key).get(path)
    if spec is not None and spec.label:
        return _clean_label(spec.label)
    list_name, _, rest = path.partition("[")
    lst = _lists(key).get(list_name)
    if lst is not None:
        inner = rest.split("].", 1)[1] if "]." in rest else ""
        for f in lst.fields:
            if f.name == inner and f.label:
                return _clean_label(f.label)
        if not inner:
            return _clean_label(lst.label)
    return fmt.words(path)


def summary(key: str, changes: list[Change]) -> str:
    """The one-line summary of ``changes`` with the form's labels ("changed growth %")."""

    def label(path: str) -> str:
        text = field_label(key, path)
        return text if text[:2].isupper() else text[:1].lower() + text[1:]

    return summarize(changes, label)


# --- names for ids -------------------------------------------------------------------------------


@dataclass
class Names:
    """Display names per id set: ``{"contacts": {"12": "Ana Silva"}, ...}``."""

    sets: dict[str, dict[str, str]] = field(default_factory=dict)

    def of(self, choice_set: str, value: Any) -> str:
        """The name of ``value`` in ``choice_set``; "(removed)" when it no longer exists."""
        if value in (None, ""):
            return fmt.DASH
        return self.sets.get(choice_set, {}).get(str(value), "(deleted)")


def _walk_ids(key: str, data: Mapping[str, Any], found: dict[str, set[str]]) -> None:
    def note(spec: F, value: Any) -> None:
        if spec.kind in ("select_id", "multi") and isinstance(spec.choices, str):
            values = value if isinstance(value, list) else [value]
            found.setdefault(spec.choices, set()).update(
                str(v) for v in values if v not in (None, "")
            )

    for spec in _specs(key):
        if isinstance(spec, F):
            note(spec, _get(data, spec.name))
            continue
        for item in data.get(spec.name) or []:
            if isinstance(item, dict):
                for f in spec.fields:
                    note(f, item.get(f.name))


def _get(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def names_for(plan: Any, revisions: Iterable[tuple[str, Mapping[str, Any]]]) -> Names:
    """Names of every id the ``(key, data)`` versions refer to, in one query per id set; the
    goal-build components are named from the plan's goals (current and in these versions)."""
    from accountplan.book.models import Account, BuyingCenter, Contact, Product
    from accountplan.core.models import User
    from accountplan.plans.models import PlanSection

    found: dict[str, set[str]] = {}
    versions = list(revisions)
    for key, data in versions:
        _walk_ids(key, data or {}, found)
    models: dict[str, Any] = {
        "contacts": Contact,
        "products": Product,
        "buying_centers": BuyingCenter,
        "accounts": Account,
        "users": User,
    }
    names = Names()
    for choice_set, ids in found.items():
        model = models.get(choice_set)
        numeric = [int(i) for i in ids if i.isdigit()]
        if model is None or not numeric:
            continue
        rows = model.objects.filter(pk__in=numeric)
        names.sets[choice_set] = {str(obj.pk): _display(obj) for obj in rows}
    goals = [data for key, data in versions if key == s.SectionKey.GOALS]
    current = PlanSection.objects.filter(plan=plan, key=s.SectionKey.GOALS).first()
    if current is not None:
        goals.append(current.data)
    components: dict[str, str] = {}
    for data in goals:
        for comp in (data or {}).get("components") or []:
            if isinstance(comp, dict) and comp.get("id"):
                components[str(comp["id"])] = _component(comp, names)
    names.sets["components"] = components
    return names


def _display(obj: Any) -> str:
    full = getattr(obj, "get_full_name", None)
    if callable(full) and full():
        return str(full())
    return str(getattr(obj, "name", None) or obj)


def _component(comp: Mapping[str, Any], names: Names) -> str:
    parts = [fmt.label(comp.get("kind")) if comp.get("kind") else "Component"]
    if comp.get("product_id"):
        parts.append(names.of("products", comp["product_id"]))
    if comp.get("amount") not in (None, ""):
        parts.append(fmt.money(comp["amount"]))
    return " · ".join(parts)


# --- values as text -------------------------------------------------------------------------------


def value_text(spec: F | None, value: Any, names: Names) -> str:
    """One stored value as a reader sees it: names for ids, labels for codes, formatted dates and
    amounts, "yes"/"no" for checkboxes, lines joined."""
    if value is None or value == "" or value == []:
        return fmt.DASH
    kind = spec.kind if spec is not None else ""
    if isinstance(value, list):
        return "; ".join(value_text(spec, v, names) for v in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{fmt.words(k)}: {value_text(None, v, names)}" for k, v in value.items() if k != "id"
        )
    if spec is not None and kind in ("select_id", "multi") and isinstance(spec.choices, str):
        return names.of(spec.choices, value)
    if isinstance(value, bool) or kind == "checkbox":
        return "yes" if value else "no"
    if kind == "money":
        return fmt.money(value)
    if kind == "date":
        return fmt.date(value)
    if kind == "percent":
        return fmt.pct(value, 2)
    if kind == "number":
        return fmt.pct(value, 2) if _is_pct(spec) else fmt.number(value, None)
    if kind == "select" and spec is not None:
        static = dict(spec.choices) if not isinstance(spec.choices, str) else {}
        return static.get(str(value)) or fmt.label(value)
    return str(value)


def item_name(lst: L, item: Mapping[str, Any], names: Names) -> str:
    """What an item of a list is called: its title, need, name… or its contact's name."""
    by_name = {f.name: f for f in lst.fields}
    for name in NAMING:
        if name in by_name and item.get(name) not in (None, ""):
            return value_text(by_name[name], item[name], names)
    for f in lst.fields:
        if f.kind not in ("hidden", "checkbox") and item.get(f.name) not in (None, "", []):
            return value_text(f, item[f.name], names)
    return lst.singular


def item_details(lst: L, item: Mapping[str, Any], names: Names) -> list[tuple[str, str]]:
    """The filled fields of an item as (label, text) pairs, in the form's order."""
    return [
        (_clean_label(f.label), value_text(f, item.get(f.name), names))
        for f in lst.fields
        if f.label and f.kind != "hidden" and item.get(f.name) not in (None, "", [])
    ]


# --- changes as lines -------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One tracked change: ``what`` changed (a field, or an item of a list), its ``kind``, the
    text before and after, and for a whole item added or removed its filled fields."""

    kind: str
    what: str
    before: str = ""
    after: str = ""
    details: tuple[tuple[str, str], ...] = ()


def _quoted(text: str) -> str:
    return f"“{text}”"


def _items(data: Mapping[str, Any] | None, list_name: str) -> dict[str, Mapping[str, Any]]:
    return {
        str(i.get("id")): i
        for i in (data or {}).get(list_name) or []
        if isinstance(i, Mapping) and i.get("id") is not None
    }


def describe(
    key: str,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
    names: Names,
    changes: list[Change] | None = None,
) -> list[Line]:
    """What changed from ``old`` to ``new`` (versions of section ``key``), as track changes;
    ``changes`` when already known (a conflict carries them)."""
    from accountplan.plans.diffing import diff

    fields = _fields(key)
    lists = _lists(key)
    lines: list[Line] = []
    for change in diff(old or {}, new) if changes is None else changes:
        lst = lists.get(change.list_name)
        if lst is not None and change.item_id:
            item = change.after if change.kind == "added" else change.before
            whole = change.path.endswith(f"[{change.item_id}]")
            if whole and change.kind != "changed" and isinstance(item, Mapping):
                name, details = _named(lst, item, names)
                lines.append(
                    Line(
                        change.kind, f"{lst.singular.capitalize()} {_quoted(name)}", details=details
                    )
                )
                continue
            inner_name = change.path.split("].", 1)[1] if "]." in change.path else ""
            inner = next((f for f in lst.fields if f.name == inner_name.split(".")[0]), None)
            if inner is not None and inner.kind == "hidden":
                continue
            owner = _items(new, lst.name).get(change.item_id) or _items(old, lst.name).get(
                change.item_id, {}
            )
            what = (
                f"{lst.singular.capitalize()} {_quoted(item_name(lst, owner, names))}: "
                + (_clean_label(inner.label) if inner else fmt.words(inner_name)).lower()
            )
            if change.kind == "changed":
                lines.append(_changed(what, inner, change.before, change.after, names))
            else:
                value = change.after if change.kind == "added" else change.before
                lines.append(Line(change.kind, what, after=value_text(inner, value, names)))
            continue
        spec = fields.get(change.path)
        label = field_label(key, change.path)
        if change.list_name and change.kind in ("added", "removed"):
            value = change.after if change.kind == "added" else change.before
            lines.append(Line(change.kind, label, after=value_text(spec, value, names)))
            continue
        lines.append(_changed(label, spec, change.before, change.after, names))
    return lines


def _changed(what: str, spec: F | None, before: Any, after: Any, names: Names) -> Line:
    """A field's change; filled in from blank reads as added, emptied as removed."""
    old, new = value_text(spec, before, names), value_text(spec, after, names)
    if old == fmt.DASH:
        return Line("added", what, after=new)
    if new == fmt.DASH:
        return Line("removed", what, after=old)
    return Line("changed", what, old, new)


# --- a whole version --------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A part of a version as a reader sees it: a field (``text``) or a list (``items``, each a
    name and its (label, text) pairs)."""

    label: str
    text: str = ""
    items: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    is_list: bool = False


def _named(
    lst: L, item: Mapping[str, Any], names: Names
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """An item's name and its other filled fields."""
    name = item_name(lst, item, names)
    details = item_details(lst, item, names)
    if details and details[0][1] == name:
        details = details[1:]
    return name, tuple(details)


def readable(key: str, data: Mapping[str, Any], names: Names) -> list[Block]:
    """Section data in the form's order, with labels and names; unknown keys in words."""
    blocks: list[Block] = []
    seen: set[str] = set()
    for spec in _specs(key):
        if isinstance(spec, F):
            seen.add(spec.name.split(".")[0])
            if spec.kind == "hidden" or not spec.label:
                continue
            value = _get(data, spec.name)
            if value not in (None, "", []):
                blocks.append(Block(_clean_label(spec.label), value_text(spec, value, names)))
            continue
        seen.add(spec.name)
        items = [i for i in data.get(spec.name) or [] if isinstance(i, Mapping)]
        if items:
            blocks.append(
                Block(
                    _clean_label(spec.label),
                    items=tuple(_named(spec, i, names) for i in items),
                    is_list=True,
                )
            )
    for name, value in data.items():
        if name not in seen and value not in (None, "", [], {}):
            blocks.append(Block(field_words(name).capitalize(), value_text(None, value, names)))
    return blocks


# --- the history list ----------------------------------------------------------------------------


def summaries(plan: Any, revisions: list[Any]) -> dict[int, str]:
    """A readable summary per revision (by pk), from its data and the version before it (one
    query for those): labels for fields and names for ids, whatever the stored summary says."""
    from django.db.models import Q

    from accountplan.plans.diffing import diff
    from accountplan.plans.models import PlanRevision

    wanted = Q(pk__in=[])
    for r in revisions:
        if r.version > 1:
            wanted |= Q(key=r.key, version=r.version - 1)
    previous = {(p.key, p.version): p.data for p in PlanRevision.objects.filter(wanted, plan=plan)}
    names: Names | None = None
    out: dict[int, str] = {}
    for r in revisions:
        # No revision before it: the section started empty (plans are created with empty
        # sections and no revision for them).
        before = previous.get((r.key, r.version - 1))
        stored = str(r.summary or "")
        if r.key == s.PLAN_KEY:
            if before is None or r.version == 1:
                out[r.pk] = stored
                continue
            if names is None:
                names = names_for(plan, [(x.key, x.data) for x in revisions if x.key == s.PLAN_KEY])
            lines = describe(r.key, before, r.data, names)
            text = ", ".join(f"{ln.what.lower()} {ln.before} → {ln.after}" for ln in lines)
            out[r.pk] = f"changed {text}" if text else "no changes"
            continue
        text = summary(r.key, diff(before or {}, r.data))
        if stored.startswith("carried over"):
            text = stored
        elif stored.startswith("Drafted from data"):  # an accepted draft (drafts.services)
            text = f"{stored.split(': ', 1)[0]}: {text}"
        elif r.restored_from_id is not None:
            text = f"restored version {r.restored_from.version}: {text}"
        out[r.pk] = text
    return out


def labelled(key: str, values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Values of section ``key`` by path as (label, text) pairs: "Win rate", "87.5%"."""
    fields = _fields(key)
    names = Names()
    pairs: list[tuple[str, str]] = []
    for path, value in values.items():
        pairs.append((field_label(key, path), value_text(fields.get(path), value, names)))
    return pairs

"""The rows of a section form's conflict panel: for each value both people changed, a human
label, both values as the form shows them (choice labels, not codes), and the input that takes
"use theirs"."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from accountplan.plans.forms import BoundField, BoundList, _as_text
from accountplan.plans.merging import MergeConflict, form_name
from accountplan.plans.section_specs import SPECS, F, L

if TYPE_CHECKING:
    from accountplan.plans.services import SectionConflict

EMPTY = "(empty)"


def _inputs(fields: list[Any]) -> dict[str, BoundField]:
    out: dict[str, BoundField] = {}
    for f in fields:
        if isinstance(f, BoundList):
            for row in f.rows:
                out.update({b.name: b for b in row.fields})
        else:
            out[f.name] = f
    return out


def _spec_of(key: str, name: str) -> tuple[L | None, F | None]:
    """The list (if any) and the input spec of a form name (``needs.2.rank``)."""
    for spec in SPECS[key]:
        if isinstance(spec, F) and spec.name == name:
            return None, spec
        if isinstance(spec, L) and name.startswith(spec.name + "."):
            rest = name[len(spec.name) + 1 :].split(".", 1)
            field_name = rest[1] if len(rest) > 1 else ""
            return spec, next((f for f in spec.fields if f.name == field_name), None)
    return None, None


def _text(value: Any, bound: BoundField | None) -> str:
    """A value as the user reads it: choice labels for choices, lines joined, '(empty)'."""
    if value in (None, "", []):
        return EMPTY
    labels = dict(bound.choices) if bound is not None else {}
    if isinstance(value, list):
        return ", ".join(labels.get(str(v), str(v)) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):  # a whole item: its filled fields, without its id
        return "; ".join(
            str(v) for k, v in value.items() if k != "id" and v not in (None, "", [], False)
        )
    return labels.get(str(value), str(value))


def _item_label(key: str, steps: tuple[Any, ...]) -> str:
    name = steps[0] if steps else ""
    spec = next((sp for sp in SPECS[key] if isinstance(sp, L) and sp.name == name), None)
    return (spec.singular if spec else str(name)).capitalize()


def conflict_rows(
    key: str, conflict: SectionConflict, values: Any, fields: list[Any]
) -> list[dict[str, Any]]:
    """One row per conflict: ``label``, ``mine``, ``theirs`` (texts), and for a single input
    ``field`` (its name) and ``theirs_value`` (JSON the page puts in it on "use theirs")."""
    inputs = _inputs(fields)
    rows: list[dict[str, Any]] = []
    for c in conflict.conflicts:
        rows.append(_row(key, c, values, inputs))
    return rows


def _row(key: str, c: MergeConflict, values: Any, inputs: dict[str, BoundField]) -> dict[str, Any]:
    name = form_name(c.steps, values)
    if c.mine is None or c.theirs is None:  # one removed an item the other changed
        what = _item_label(key, c.steps)
        return {
            "label": what,
            "mine": "removed" if c.mine is None else _text(c.mine, None),
            "theirs": "removed" if c.theirs is None else _text(c.theirs, None),
            "note": "Kept in the form with the change; delete the row to remove it.",
            "field": "",
        }
    lst, spec = _spec_of(key, name)
    bound = inputs.get(name)
    label = spec.label if spec else c.path
    if lst is not None:
        index = name[len(lst.name) + 1 :].split(".", 1)[0]
        label = f"{lst.singular.capitalize()} {int(index) + 1} · {label}"
    row: dict[str, Any] = {
        "label": label,
        "mine": _text(c.mine, bound),
        "theirs": _text(c.theirs, bound),
        "note": "",
        "field": name if bound is not None else "",
    }
    if bound is not None:
        theirs: Any
        if bound.kind == "multi":
            theirs = [str(v) for v in c.theirs or []]
        elif bound.kind == "checkbox":
            theirs = bool(c.theirs)
        else:
            theirs = _as_text(c.theirs, bound.kind)
        row["theirs_value"] = json.dumps(theirs)
    return row

"""The section forms of the plan page: how a POST becomes section data, and how data (with its
validation errors) becomes fields to render. What each section's form holds is in
``section_specs``; the small page forms (the period field, clone, the plans list's filters) are
at the end.

The section schemas (``sections.py``) are the single source of validation: this module only turns
form posts into nested dicts (``news.0.title`` → ``{"news": [{"title": ...}]}``) and back, so a
form redisplayed after an error or a conflict shows exactly what the user typed. Row choices
(contacts, products, users…) are passed in by the view, already scoped to the user.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import QueryDict

from accountplan.plans.section_specs import SPECS, Choices, F, L

#: Kinds whose empty input means "no value" (None) rather than an empty string.
NULLABLE_KINDS = {"date", "number", "percent", "money", "select", "select_id"}

# --- POST → data ---------------------------------------------------------------------------------


def _set_path(target: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def _read(post: QueryDict, name: str, spec: F) -> Any:
    if spec.kind == "checkbox":
        return name in post
    if spec.kind == "multi":
        return [v for v in post.getlist(name) if v.strip()]
    raw = post.get(name, "")
    if spec.kind == "lines":
        return [line.strip() for line in raw.splitlines() if line.strip()]
    if spec.kind == "hidden" and spec.name == "carried_over":
        return raw == "true"
    if spec.kind in NULLABLE_KINDS and not raw.strip():
        return None
    if spec.kind == "money":
        return raw.replace(",", "").replace("$", "").strip()
    if spec.kind == "percent":
        # "15%", "15 %" and "15" all mean 15, as on the command line.
        return raw.replace("%", "").replace(",", "").strip()
    return raw


def _row_is_blank(row: dict[str, Any], spec: L) -> bool:
    for f in spec.fields:
        if f.kind in ("hidden", "checkbox", "select"):
            continue
        value = row.get(f.name)
        if value not in (None, "", []):
            return False
    return True


def parse_post(key: str, post: QueryDict) -> dict[str, Any]:
    """Turn a section form's POST into section data; blank and deleted rows are dropped.

    Values stay as typed (strings): the schema converts and validates them, and the same dict
    redisplays the form when it does not validate.
    """
    data: dict[str, Any] = {}
    for spec in SPECS[key]:
        if isinstance(spec, F):
            _set_path(data, spec.name, _read(post, spec.name, spec))
            continue
        pattern = re.compile(rf"^{re.escape(spec.name)}\.(\d+)\.")
        indices = sorted({int(m.group(1)) for k in post if (m := pattern.match(k))})
        rows: list[dict[str, Any]] = []
        for i in indices:
            prefix = f"{spec.name}.{i}."
            if post.get(prefix + "DELETE"):
                continue
            row: dict[str, Any] = {}
            item_id = post.get(prefix + "id", "").strip()
            if item_id:
                row["id"] = item_id
            for f in spec.fields:
                value = _read(post, prefix + f.name, f)
                if f.kind == "hidden" and value in ("", None):
                    continue
                row[f.name] = value
            if not _row_is_blank(row, spec):
                rows.append(row)
        data[spec.name] = rows
    return data


# --- data → fields to render ---------------------------------------------------------------------


@dataclass
class BoundField:
    """An input ready to render: its HTML name and id, current value, choices and errors."""

    spec: F
    name: str
    id: str
    value: str = ""
    selected: set[str] = field(default_factory=set)
    choices: Choices = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    checked: bool = False
    placeholder: str = ""

    @property
    def kind(self) -> str:
        """The input kind (text, select, multi…)."""
        return self.spec.kind

    @property
    def label(self) -> str:
        """The visible label."""
        return self.spec.label


@dataclass
class BoundRow:
    """One item of a list in the form."""

    index: int
    item_id: str
    fields: list[BoundField]
    blank: bool = False

    @property
    def key(self) -> str:
        """The row's index in input names (``__i__`` in the "Add another" template)."""
        return "__i__" if self.index < 0 else str(self.index)

    @property
    def visible_fields(self) -> list[BoundField]:
        """The fields drawn as inputs (hidden ones are rendered apart)."""
        return [f for f in self.fields if f.kind != "hidden"]

    @property
    def hidden_fields(self) -> list[BoundField]:
        """Hidden fields that carry data through the form (source cell, carried over)."""
        return [f for f in self.fields if f.kind == "hidden"]


@dataclass
class BoundList:
    """A list of items in the form, with a template row for "Add another"."""

    spec: L
    rows: list[BoundRow]
    template_row: BoundRow
    errors: list[str] = field(default_factory=list)

    @property
    def is_list(self) -> bool:
        """Templates tell lists from fields with this."""
        return True

    @property
    def next_index(self) -> int:
        """The index the next added row takes."""
        return max((r.index for r in self.rows), default=-1) + 1


def _get_path(data: Mapping[str, Any], path: str) -> Any:
    current: Any = data
    for part in path.split("."):
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    return current


def _as_text(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "lines" and isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else ""
    return str(value)


def _bind(
    spec: F,
    name: str,
    value: Any,
    errors: dict[str, list[str]],
    choices: Mapping[str, Choices],
) -> BoundField:
    opts = list(choices.get(spec.choices, [])) if isinstance(spec.choices, str) else spec.choices
    bound = BoundField(
        spec=spec,
        name=name,
        id="f-" + name.replace(".", "-"),
        choices=list(opts),
        errors=errors.pop(name, []),
    )
    if spec.kind == "multi":
        bound.selected = {str(v) for v in (value or [])}
    elif spec.kind == "checkbox":
        bound.checked = bool(value)
    else:
        bound.value = _as_text(value, spec.kind)
    return bound


def _error_map(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in errors:
        path = ".".join(str(p) for p in e.get("loc", []))
        out.setdefault(path, []).append(str(e.get("msg", "is not valid")))
    return out


def bind(
    key: str,
    data: Mapping[str, Any],
    errors: list[dict[str, Any]] | None = None,
    choices: Mapping[str, Choices] | None = None,
    blank_rows: int = 1,
) -> tuple[list[BoundField | BoundList], list[str]]:
    """The section's fields bound to ``data`` and ``errors``; also the errors no field took."""
    emap = _error_map(errors or [])
    choices = choices or {}
    out: list[BoundField | BoundList] = []
    for spec in SPECS[key]:
        if isinstance(spec, F):
            out.append(_bind(spec, spec.name, _get_path(data, spec.name), emap, choices))
            continue
        items = _get_path(data, spec.name) or []
        rows: list[BoundRow] = []
        for i, item in enumerate(items if isinstance(items, list) else []):
            item = item if isinstance(item, Mapping) else {}
            fields = [
                _bind(f, f"{spec.name}.{i}.{f.name}", item.get(f.name), emap, choices)
                for f in spec.fields
            ]
            # An error on the item as a whole (e.g. a duplicate contact) shows on its first field.
            row_errors = emap.pop(f"{spec.name}.{i}", [])
            if row_errors and fields:
                fields[0].errors.extend(row_errors)
            rows.append(BoundRow(i, str(item.get("id") or ""), fields))
        start = len(rows)
        for j in range(start, start + (blank_rows if rows else max(blank_rows, 2))):
            fields = [_bind(f, f"{spec.name}.{j}.{f.name}", None, {}, choices) for f in spec.fields]
            rows.append(BoundRow(j, "", fields, blank=True))
        template = BoundRow(
            -1,
            "",
            [_bind(f, f"{spec.name}.__i__.{f.name}", None, {}, choices) for f in spec.fields],
            blank=True,
        )
        out.append(BoundList(spec, rows, template, errors=emap.pop(spec.name, [])))
    leftover = [f"{path or 'section'}: {'; '.join(msgs)}" for path, msgs in emap.items()]
    return out, leftover


# --- small page forms ----------------------------------------------------------------------------

PERIOD_RE = r"^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,19}$"


class PeriodField(forms.RegexField):
    """A plan period such as ``FY2027`` or ``2027-H1``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            regex=PERIOD_RE,
            max_length=20,
            error_messages={
                "invalid": "Use a short period name such as FY2027 or 2027-H1 (letters, digits,"
                " spaces, . _ / -).",
                "required": "Give the plan's period, e.g. FY2027.",
            },
            **kwargs,
        )


class CloneForm(forms.Form):
    """Clone a plan into another period."""

    period = PeriodField(label="New period")


#: The plans list's filters (health, stale and findings: governance, as of the last rules run).
FILTER_NAMES = ("q", "owner", "period", "status", "tier", "below", "health", "stale", "findings")


class PlanFilterForm(forms.Form):
    """Filters of the plans list (every field optional; junk values are ignored)."""

    q = forms.CharField(required=False, label="Account")
    owner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Owner")
    period = forms.ChoiceField(required=False, label="Period")
    status = forms.ChoiceField(required=False, label="Status")
    tier = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Tier",
        choices=[("", "Any tier"), ("1", "Tier 1"), ("2", "Tier 2"), ("3", "Tier 3")],
    )
    below = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Completeness",
        choices=[("", "Any")] + [(str(n), f"below {n}%") for n in (25, 50, 75, 100)],
    )
    # Plan health (governance): as of the last rules run.
    health = forms.ChoiceField(
        required=False,
        label="Health",
        choices=[("", "Any"), ("red", "Red"), ("amber", "Amber"), ("green", "Green")],
    )
    stale = forms.ChoiceField(
        required=False,
        label="Last change",
        choices=[("", "Any time"), ("30", "over 30 days ago"), ("90", "over 90 days ago")],
    )
    findings = forms.ChoiceField(
        required=False,
        label="Open findings",
        choices=[("", "Any"), ("yes", "Some"), ("no", "No open finding")],
    )

    def __init__(
        self, *args: Any, owners: Choices, periods: list[str], statuses: Choices, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "Any owner"), *owners]  # type: ignore[attr-defined]
        self.fields["period"].choices = [("", "Any period")] + [(p, p) for p in periods]  # type: ignore[attr-defined]
        self.fields["status"].choices = [("", "Any status"), *statuses]  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        """The valid filters; an invalid one is dropped rather than failing the page."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: cleaned.get(name) if name not in self.errors else None for name in FILTER_NAMES
        }

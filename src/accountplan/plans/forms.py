"""The section forms of the plan page: what each section's form holds, how a POST becomes section
data, and how data (with its validation errors) becomes fields to render.

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

from accountplan.book.choices import TeamFunction
from accountplan.plans import sections as s

Choices = list[tuple[str, str]]

#: Kinds whose empty input means "no value" (None) rather than an empty string.
NULLABLE_KINDS = {"date", "number", "percent", "money", "select", "select_id"}


@dataclass(frozen=True)
class F:
    """One input. ``choices`` is a static list or the name of a dynamic set the view provides."""

    name: str
    label: str
    kind: str = "text"  # text, textarea, url, date, number, percent, money, select, select_id,
    # multi, checkbox, lines, hidden
    choices: Choices | str = ()  # type: ignore[assignment]
    help: str = ""
    wide: bool = False


@dataclass(frozen=True)
class L:
    """A list of items, each a row of ``fields`` with a hidden stable ``id``."""

    name: str
    label: str
    fields: tuple[F, ...]
    singular: str = "row"
    help: str = ""


#: The first option of every choice: nothing picked yet (saved as no value, shown as "—").
UNSET: tuple[str, str] = ("", "—")


def _opts(choices: type[Any]) -> Choices:
    return [UNSET, *[(str(v), str(label)) for v, label in choices.choices]]


RANKS: Choices = [UNSET, *[(str(n), str(n)) for n in range(1, s.MAX_NEEDS + 1)]]
STRENGTHS: Choices = [
    UNSET,
    *[
        (str(n), f"{n} – {w}")
        for n, w in enumerate(["none", "weak", "working", "good", "strong"], start=1)
    ],
]

#: Each stored section's form, in display order.
SPECS: dict[str, tuple[F | L, ...]] = {
    s.SectionKey.COMPANY_OVERVIEW: (
        F("description", "Description", "textarea", wide=True),
        F("history", "History", "textarea"),
        F("mission", "Mission", "textarea"),
        L(
            "news",
            "News signals",
            (
                F("kind", "Kind", "select", _opts(s.NewsKind)),
                F("date", "Date", "date"),
                F("title", "Headline", "text"),
                F("source_url", "Source link", "url", help="http:// or https:// only"),
                F("notes", "Notes", "text"),
            ),
            singular="news signal",
        ),
    ),
    s.SectionKey.PROFILE_POSITION: (
        F("financial_health.rating", "Financial health", "select", _opts(s.HealthRating)),
        F("financial_health.text", "Why", "textarea", wide=True),
        L(
            "competitors",
            "Competitors at the account",
            (
                F("name", "Competitor", "text"),
                F("supplies", "What they supply", "text"),
                F("our_position", "Our position", "select", _opts(s.CompetitivePosition)),
                F("notes", "Notes", "text"),
            ),
            singular="competitor",
        ),
        F("swot.strengths", "Strengths", "lines", help="One per line."),
        F("swot.weaknesses", "Weaknesses", "lines", help="One per line."),
        F("swot.opportunities", "Opportunities", "lines", help="One per line."),
        F("swot.threats", "Threats", "lines", help="One per line."),
    ),
    s.SectionKey.CUSTOMER_GOALS: (
        F("north_star_metric", "North-star metric", "text", wide=True),
        L(
            "priorities_12m",
            "Top priorities for the next 12 months",
            (F("text", "Priority", "text"),),
            singular="priority",
        ),
        F("efforts_made", "Efforts already made", "textarea"),
        F("biggest_challenge", "Biggest challenge", "textarea"),
        F("success_measures", "How they measure success", "textarea"),
        F("how_they_achieve", "How they will achieve it", "textarea"),
    ),
    s.SectionKey.NEEDS: (
        L(
            "needs",
            "Needs (top 3–5, ranked)",
            (
                F("rank", "Rank", "select", RANKS),
                F("need", "Need", "text"),
                F("stakeholder_contact_ids", "Stakeholders", "multi", "contacts"),
                F("product_ids", "Our products", "multi", "products"),
                F("notes", "Notes", "text"),
            ),
            singular="need",
            help="Keep to the top five. Tick as many stakeholders and products as apply.",
        ),
    ),
    s.SectionKey.RELATIONSHIPS: (
        L(
            "stakeholders",
            "Stakeholders",
            (
                F("contact_id", "Contact", "select_id", "contacts"),
                F("buying_role", "Buying role", "select", _opts(s.BuyingRole)),
                F("influence", "Influence", "select", _opts(s.Influence)),
                F("attitude", "Attitude", "select", _opts(s.Attitude)),
                F("mobilizer", "Mobilizer or talker", "select", _opts(s.Mobilizer)),
                F("strength", "Strength", "select", STRENGTHS),
                F("our_owner_id", "Our owner", "select_id", "users"),
                F("notes", "Notes", "text"),
            ),
            singular="stakeholder",
        ),
    ),
    s.SectionKey.GOALS: (
        F("objective_amount", "Growth objective ($)", "money"),
        F("objective_text", "Objective", "textarea"),
        F("strategy", "Strategy", "textarea", wide=True),
        L(
            "components",
            "Goal build",
            (
                F("kind", "Kind", "select", _opts(s.ComponentKind)),
                F("product_id", "Product", "select_id", "products"),
                F("buying_center_id", "Buying center", "select_id", "buying_centers"),
                F("amount", "Amount ($)", "money"),
                F(
                    "opportunity_ids",
                    "Linked deals",
                    "multi",
                    "deals",
                    help="Deals that count here and nowhere else; others are matched by type, "
                    "product and buying center.",
                ),
                F("notes", "Notes", "text"),
                F("source_cell", "", "hidden"),
                F("carried_over", "", "hidden"),
            ),
            singular="component",
        ),
    ),
    s.SectionKey.PROSPECTING: (
        F("inputs.current_revenue", "Current revenue ($)", "money"),
        F("inputs.growth_pct", "Growth (%)", "percent"),
        F("inputs.expected_upgrades", "Expected upgrades ($)", "money"),
        F("inputs.deal_size", "Average deal size ($)", "money"),
        F("inputs.win_rate_pct", "Win rate (%)", "percent"),
        F("inputs.prospects_per_opportunity", "Prospects per opportunity", "number"),
        F("inputs.cycle_months", "Sales cycle (months)", "number"),
        F("inputs.period_start", "Period start", "date"),
        F("inputs.period_end", "Period end", "date"),
        F("notes", "Notes", "textarea", wide=True),
    ),
    s.SectionKey.ACTIONS: (
        L(
            "actions",
            "Actions",
            (
                F("title", "Action", "text"),
                F("component_id", "Goal-build component", "select_id", "components"),
                F("owner_id", "Owner", "select_id", "users"),
                F("function", "Function", "select", _opts(TeamFunction)),
                F("due_date", "Due", "date"),
                F("status", "Status", "select", _opts(s.ActionStatus)),
                F("campaign_id", "Campaign", "select_id", "campaigns"),
                F("notes", "Notes", "text"),
                F("carried_over", "", "hidden"),
            ),
            singular="action",
        ),
    ),
    s.SectionKey.TEAM_SUPPORT: (
        L(
            "commitments",
            "Internal commitments",
            (
                F("function", "Function", "select", _opts(TeamFunction)),
                F("commitment", "Commitment", "text"),
                F("owner_id", "Owner", "select_id", "users"),
            ),
            singular="commitment",
        ),
        L(
            "dependencies",
            "Dependencies",
            (
                F("internal", "Internal", "checkbox"),
                F("description", "Dependency", "text"),
                F("owner", "Owner", "text"),
                F("due_date", "Due", "date"),
                F("status", "Status", "select", _opts(s.DependencyStatus)),
            ),
            singular="dependency",
        ),
    ),
    s.SectionKey.DASHBOARD: (
        L(
            "milestones",
            "Milestones",
            (
                F("title", "Milestone", "text"),
                F("target", "Target", "text"),
                F("measure", "Measured from the data", "select", _opts(s.MilestoneMeasure)),
                F("component_id", "Goal-build component", "select_id", "components"),
                F("target_amount", "Target amount ($)", "money"),
                F("date", "Date", "date"),
                F("actual", "Actual", "text", help="Measured milestones take it from the data."),
                F("status", "Status", "select", _opts(s.MilestoneStatus)),
            ),
            singular="milestone",
        ),
        L(
            "adjustments",
            "Adjustments",
            (F("date", "Date", "date"), F("note", "Note", "text")),
            singular="adjustment",
        ),
    ),
}

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

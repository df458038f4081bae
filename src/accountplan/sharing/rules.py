"""What may ever be shown to a customer, and the one pure function that builds what they see.

Two lists decide it. ``SHAREABLE`` names, per shareable section, the fields and the item fields
that may be copied to the customer's view (a whitelist: a field not named here is never
copied, whatever the plan holds). ``NEVER_SHAREABLE`` names the sections and lists that are
internal for good: the form does not offer them and the services refuse them.

``build_shared_view`` takes plain data (the sections' stored data, the plan's sharing config,
names for ids) and returns the JSON the customer may see; it reads no database, so it is what
the preview shows, what a publish freezes, and what the safety test checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from accountplan.core import fmt

#: The view's format; bump when the shape changes.
VIEW_FORMAT = 1


@dataclass(frozen=True)
class ListSpec:
    """A list of a shareable section: its items may be shared one by one."""

    key: str
    title: str
    #: The item's field that names it (its title in the customer's page).
    title_field: str
    #: (field, label) pairs copied from each shared item, after the title.
    fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SectionSpec:
    """A section that may be shared: its plain fields and its lists."""

    key: str
    title: str
    fields: tuple[tuple[str, str], ...] = ()
    lists: tuple[ListSpec, ...] = field(default_factory=tuple)


#: Every shareable section, in the plan's reading order, with the only fields ever copied.
SHAREABLE: dict[str, SectionSpec] = {
    s.key: s
    for s in (
        SectionSpec(
            "company_overview",
            "Company overview",
            (("description", "Description"), ("history", "History"), ("mission", "Mission")),
            (ListSpec("news", "News", "title", (("kind", "Kind"), ("date", "Date"))),),
        ),
        SectionSpec(
            "customer_goals",
            "Your goals and KPIs",
            (
                ("north_star_metric", "North-star metric"),
                ("efforts_made", "Efforts made so far"),
                ("biggest_challenge", "Biggest challenge"),
                ("success_measures", "How success is measured"),
                ("how_they_achieve", "How success is reached"),
            ),
            (ListSpec("priorities_12m", "Top priorities for the next 12 months", "text"),),
        ),
        SectionSpec(
            "needs",
            "Needs",
            (),
            (
                ListSpec(
                    "needs",
                    "Needs",
                    "need",
                    (("rank", "Rank"), ("stakeholders", "Who"), ("products", "Products")),
                ),
            ),
        ),
        SectionSpec(
            "goals",
            "Goals",
            (("objective_text", "Objective"), ("objective_amount", "Objective amount")),
            (
                ListSpec(
                    "components",
                    "Goal build",
                    "kind",
                    (("product", "Product"), ("buying_center", "Where"), ("amount", "Amount")),
                ),
            ),
        ),
        SectionSpec(
            "actions",
            "Action items",
            (),
            (
                ListSpec(
                    "actions",
                    "Action items",
                    "title",
                    (("owner", "Owner"), ("due_date", "Due"), ("status", "Status")),
                ),
            ),
        ),
        SectionSpec(
            "dashboard",
            "Milestones",
            (),
            (
                ListSpec(
                    "milestones",
                    "Milestones",
                    "title",
                    (("target", "Target"), ("date", "Date"), ("status", "Status")),
                ),
            ),
        ),
        SectionSpec(
            "team_support",
            "Team support",
            (),
            (
                ListSpec(
                    "commitments",
                    "Our commitments",
                    "commitment",
                    (("function", "Function"), ("owner", "Owner")),
                ),
            ),
        ),
    )
}

#: Internal for good: whole sections, and lists inside shareable sections.
NEVER_SHAREABLE_SECTIONS: dict[str, str] = {
    "account_overview": "Account overview (loss reasons, competitors on lost deals, potential)",
    "profile_position": "Profile and position (financial health, competitors, our position, SWOT)",
    "relationships": "Relationship map (attitudes, influence, mobilizer/talker, strength)",
    "prospecting": "Prospecting plan",
}
NEVER_SHAREABLE_LISTS: dict[tuple[str, str], str] = {
    ("team_support", "dependencies"): "Dependencies",
    ("dashboard", "adjustments"): "Adjustments",
}
#: Never copied, whatever the section: internal notes, scores, tier, play, strategy.
NEVER_SHAREABLE_FIELDS = frozenset(
    {"notes", "strategy", "opportunity_ids", "source_cell", "carried_over", "component_id"}
)
#: Fields shown only when the plan shares its goals *with amounts*.
AMOUNT_FIELDS = frozenset({"objective_amount", "amount"})


def is_shareable(section: str) -> bool:
    """Whether ``section`` may ever be shared."""
    return section in SHAREABLE


def list_spec(section: str, list_key: str) -> ListSpec | None:
    """The shareable list ``list_key`` of ``section``, or None."""
    spec = SHAREABLE.get(section)
    if spec is None:
        return None
    return next((x for x in spec.lists if x.key == list_key), None)


@dataclass
class Names:
    """Names for the ids the sections refer to (all plain strings, read by the caller)."""

    contacts: Mapping[int, str] = field(default_factory=dict)
    products: Mapping[int, str] = field(default_factory=dict)
    users: Mapping[int, str] = field(default_factory=dict)
    buying_centers: Mapping[int, str] = field(default_factory=dict)


@dataclass
class SharingConfig:
    """What the owner marked shared: sections, item ids per (section, list), the goals' amounts,
    and which actions belong to the customer's side (action id → contact id)."""

    sections: set[str] = field(default_factory=set)
    items: dict[str, set[str]] = field(default_factory=dict)
    goal_amounts: bool = False
    customer_owners: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> SharingConfig:
        """The config stored as JSON (unknown or internal keys are dropped on the way in)."""
        data = data or {}
        return cls(
            sections={k for k in data.get("sections", []) if is_shareable(k)},
            items={
                k: {str(i) for i in v}
                for k, v in (data.get("items") or {}).items()
                if isinstance(v, list) and "." in k and list_spec(*k.split(".", 1)) is not None
            },
            goal_amounts=bool(data.get("goal_amounts", False)),
            customer_owners={
                str(k): int(v) for k, v in (data.get("customer_owners") or {}).items()
            },
        )

    def as_json(self) -> dict[str, Any]:
        """The config as stored."""
        return {
            "sections": sorted(self.sections),
            "items": {k: sorted(v) for k, v in sorted(self.items.items()) if v},
            "goal_amounts": self.goal_amounts,
            "customer_owners": dict(sorted(self.customer_owners.items())),
        }

    def item_shared(self, section: str, list_key: str, item_id: str) -> bool:
        """Whether the item is shared (its section must be shared too)."""
        return section in self.sections and item_id in self.items.get(f"{section}.{list_key}", ())


def _value(
    name: str, raw: Any, item: Mapping[str, Any], names: Names, config: SharingConfig
) -> str:
    """One whitelisted field as the text the customer reads."""
    if name in ("date", "due_date"):
        return fmt.date(raw)
    if name in AMOUNT_FIELDS:
        return fmt.money(raw)
    if name in ("kind", "status", "function"):
        return fmt.label(raw)
    if name == "stakeholders":
        ids = item.get("stakeholder_contact_ids") or []
        return (
            ", ".join(names.contacts.get(i, "") for i in ids if names.contacts.get(i)) or fmt.DASH
        )
    if name == "products":
        ids = item.get("product_ids") or []
        return (
            ", ".join(names.products.get(i, "") for i in ids if names.products.get(i)) or fmt.DASH
        )
    if name == "product":
        return names.products.get(item.get("product_id") or 0, fmt.DASH)
    if name == "buying_center":
        return names.buying_centers.get(item.get("buying_center_id") or 0, fmt.DASH)
    if name == "owner":
        contact = config.customer_owners.get(str(item.get("id")))
        if contact is not None:
            return names.contacts.get(contact, fmt.DASH)
        return names.users.get(item.get("owner_id") or 0, fmt.DASH)
    if raw is None or raw == "":
        return fmt.DASH
    return str(raw)


def _fields(
    pairs: tuple[tuple[str, str], ...],
    data: Mapping[str, Any],
    names: Names,
    config: SharingConfig,
) -> list[dict[str, str]]:
    out = []
    for name, label in pairs:
        if name in NEVER_SHAREABLE_FIELDS:
            continue
        if name in AMOUNT_FIELDS and not config.goal_amounts:
            continue
        out.append(
            {
                "name": name,
                "label": label,
                "value": _value(name, data.get(name), data, names, config),
            }
        )
    return out


def _item(
    spec: ListSpec, section: str, raw: Mapping[str, Any], names: Names, config: SharingConfig
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": str(raw.get("id")),
        "title": _value(spec.title_field, raw.get(spec.title_field), raw, names, config),
        "fields": _fields(spec.fields, raw, names, config),
    }
    if section == "actions":
        contact = config.customer_owners.get(item["id"])
        item["customer_side"] = contact is not None
        item["status"] = str(raw.get("status") or "")
        item["due_date"] = str(raw.get("due_date") or "")
    return item


def build_shared_view(
    *,
    customer: str,
    us: str,
    period: str,
    sections: Mapping[str, Mapping[str, Any]],
    config: SharingConfig,
    names: Names,
) -> dict[str, Any]:
    """What the customer may see: only shared sections and items, only whitelisted fields.

    ``sections`` maps a section key to its stored data; ``config`` says what is shared;
    ``names`` turns ids into names. Pure: the same input always gives the same view.
    """
    out: list[dict[str, Any]] = []
    for key, spec in SHAREABLE.items():
        if key not in config.sections:
            continue
        data = sections.get(key) or {}
        lists = []
        for ls in spec.lists:
            items = [
                _item(ls, key, raw, names, config)
                for raw in data.get(ls.key) or []
                if isinstance(raw, Mapping) and config.item_shared(key, ls.key, str(raw.get("id")))
            ]
            lists.append({"key": ls.key, "title": ls.title, "items": items})
        fields = [f for f in _fields(spec.fields, data, names, config) if f["value"] != fmt.DASH]
        out.append({"key": key, "title": spec.title, "fields": fields, "lists": lists})
    return {
        "format": VIEW_FORMAT,
        "customer": customer,
        "us": us,
        "period": period,
        "sections": out,
    }


def view_items(view: Mapping[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Every item of a view by (section, item id)."""
    return {
        (sec["key"], item["id"]): item
        for sec in view.get("sections", [])
        for ls in sec.get("lists", [])
        for item in ls.get("items", [])
    }


def changes_since(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[dict[str, str]]:
    """What changed between two views, in the owner's words: one line per section, field or
    item added, removed or changed (``old`` None: everything is new)."""
    lines: list[dict[str, str]] = []
    before = {s["key"]: s for s in (old or {}).get("sections", [])}
    after = {s["key"]: s for s in new.get("sections", [])}
    for key in [*after, *(k for k in before if k not in after)]:
        a, b = before.get(key), after.get(key)
        title = (b or a or {}).get("title", key)
        if a is None:
            lines.append({"kind": "added", "what": f"Section {title} is now shared"})
            continue
        if b is None:
            lines.append({"kind": "removed", "what": f"Section {title} is no longer shared"})
            continue
        fa = {f["name"]: f for f in a.get("fields", [])}
        fb = {f["name"]: f for f in b.get("fields", [])}
        for name in [*fb, *(n for n in fa if n not in fb)]:
            if fa.get(name) != fb.get(name):
                label = (fb.get(name) or fa.get(name) or {}).get("label", name)
                lines.append({"kind": "changed", "what": f"{title}: {label} changed"})
        ia = {i["id"]: (ls["title"], i) for ls in a.get("lists", []) for i in ls.get("items", [])}
        ib = {i["id"]: (ls["title"], i) for ls in b.get("lists", []) for i in ls.get("items", [])}
        for item_id, (lt, item) in ib.items():
            if item_id not in ia:
                lines.append({"kind": "added", "what": f"{lt}: added “{item['title']}”"})
            elif ia[item_id][1] != item:
                lines.append({"kind": "changed", "what": f"{lt}: changed “{item['title']}”"})
        for item_id, (lt, item) in ia.items():
            if item_id not in ib:
                lines.append({"kind": "removed", "what": f"{lt}: removed “{item['title']}”"})
    return lines

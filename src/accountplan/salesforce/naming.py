"""Names we write for records that have none of their own here, and the notes of what does not
map: an objective's name from its component, a plan's name from its account and period, and the
plan's ``Notes`` (the relationship map, the prospecting plan, the news and financial health)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from accountplan.book.models import BuyingCenter, Contact, Product
from accountplan.core.models import User
from accountplan.plans import sections as s
from accountplan.plans.models import PERIOD_RE
from accountplan.salesforce.objects import NAME
from accountplan.salesforce.textformat import plain

#: The line that starts our part of a plan's Notes: what is above it is Salesforce's own text.
MARKER = "--- From accountplan (not mapped to Salesforce fields) ---"
DASH = " — "
KINDS = dict(s.ComponentKind.choices)


@dataclass
class Names:
    """Names of the rows a plan refers to (products, buying centers, contacts, users)."""

    products: dict[int, str] = field(default_factory=dict)
    centers: dict[int, str] = field(default_factory=dict)
    contacts: dict[int, str] = field(default_factory=dict)
    users: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, account_id: int, sections: Mapping[str, Mapping[str, Any]]) -> Names:
        """The names of the account's buying centers, and of the products, contacts and users
        the sections name (four small queries; never a whole table)."""
        comps = sections.get(s.SectionKey.GOALS, {}).get("components", [])
        stake = sections.get(s.SectionKey.RELATIONSHIPS, {}).get("stakeholders", [])
        product_ids = {c.get("product_id") for c in comps} - {None}
        contact_ids = {x.get("contact_id") for x in stake} - {None}
        user_ids = {x.get("our_owner_id") for x in stake} - {None}
        names = cls()
        names.products = dict(Product.objects.filter(pk__in=product_ids).values_list("pk", "name"))
        names.centers = dict(
            BuyingCenter.objects.filter(account_id=account_id).values_list("pk", "name")
        )
        for pk, first, last in Contact.objects.filter(
            account_id=account_id, pk__in=contact_ids
        ).values_list("pk", "first_name", "last_name"):
            names.contacts[pk] = f"{first} {last}".strip() or f"Contact {pk}"
        for u in User.objects.filter(pk__in=user_ids):
            names.users[u.pk] = str(u)
        return names

    def product_named(self, name: str) -> int | None:
        """The one product called ``name`` (ignoring case), remembered; None: none or several."""
        key = name.strip().casefold()
        found = [pk for pk, n in self.products.items() if n.casefold() == key]
        if not found:
            found = list(
                Product.objects.filter(name__iexact=name.strip()).values_list("pk", flat=True)[:2]
            )
            for pk in found:
                self.products[pk] = name.strip()
        return found[0] if len(found) == 1 else None


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters (an ellipsis marks a cut)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plan_name(account_name: str, period: str) -> str:
    """``Acme Corp — FY2027`` within the Name's limit (the account's name is shortened first)."""
    tail = f"{DASH}{period}"
    return cut(account_name, NAME - len(tail)) + tail


def period_in_name(name: str) -> str | None:
    """The period a name we wrote ends with (``… — FY2027``), or None."""
    head, sep, tail = name.rpartition(DASH)
    return tail.strip() if sep and head and PERIOD_RE.match(tail.strip()) else None


def objective_name(component: Mapping[str, Any], names: Names) -> str:
    """``Upsell: Sync Pro @ Logistics`` (kind, then the product and the buying center if any)."""
    text = KINDS.get(str(component.get("kind")), str(component.get("kind") or ""))
    product = names.products.get(component.get("product_id") or 0)
    center = names.centers.get(component.get("buying_center_id") or 0)
    if product:
        text += f": {product}"
    if center:
        text += f" @ {center}"
    return text


@dataclass
class ReadName:
    """What an objective's name says: its kind (None: not one of ours), product, buying center,
    and the names it gave that matched nothing."""

    kind: str | None
    product_id: int | None = None
    buying_center_id: int | None = None
    unknown: list[str] = field(default_factory=list)


def read_objective_name(name: str, names: Names) -> ReadName:
    """Read ``Kind: Product @ Center`` back (names compared ignoring case)."""
    head, sep, center = name.rpartition(" @ ")
    if not sep:
        head, center = name, ""
    kind_label, sep, product = head.partition(": ")
    by_label = {label.casefold(): value for value, label in KINDS.items()}
    kind = by_label.get(kind_label.strip().casefold())
    if kind is None:
        return ReadName(None)
    out = ReadName(kind)
    if product.strip():
        out.product_id = names.product_named(product)
        if out.product_id is None:
            out.unknown.append(f"product {product.strip()!r}")
    if center.strip():
        out.buying_center_id = _one(names.centers, center)
        if out.buying_center_id is None:
            out.unknown.append(f"buying center {center.strip()!r}")
    return out


def _one(table: dict[int, str], name: str) -> int | None:
    """The one row of ``table`` named ``name`` (ignoring case), or None (none or several)."""
    found = [pk for pk, n in table.items() if n.casefold() == name.strip().casefold()]
    return found[0] if len(found) == 1 else None


def _label(choices: type[Any], value: Any) -> str:
    return str(dict(choices.choices).get(value, "")) if value else ""


def _stakeholder(x: Mapping[str, Any], names: Names) -> str:
    who = names.contacts.get(x.get("contact_id") or 0, "a contact")
    influence = _label(s.Influence, x.get("influence")).lower()
    owner = names.users.get(x.get("our_owner_id") or 0)
    facts = [
        _label(s.BuyingRole, x.get("buying_role")),
        f"influence {influence}" if influence else "",
        _label(s.Attitude, x.get("attitude")),
        _label(s.Mobilizer, x.get("mobilizer")),
        f"strength {x['strength']}/5" if x.get("strength") else "",
        f"our owner {owner}" if owner else "",
    ]
    line = f"- {who}: " + ", ".join(f for f in facts if f) if any(facts) else f"- {who}"
    notes = plain(x.get("notes") or "").replace("\n", " ")
    return line + (f". {notes}" if notes else "")


def not_mapped(sections: Mapping[str, Mapping[str, Any]], names: Names) -> str:
    """Our part of the Notes: what has no Salesforce field (empty when there is none of it)."""
    parts: list[str] = []
    stake = sections.get(s.SectionKey.RELATIONSHIPS, {}).get("stakeholders", [])
    if stake:
        parts.append("Relationship map:\n" + "\n".join(_stakeholder(x, names) for x in stake))
    inputs = sections.get(s.SectionKey.PROSPECTING, {}).get("inputs", {}) or {}
    labels = {
        "current_revenue": "Current revenue",
        "growth_pct": "Growth (%)",
        "deal_size": "Average deal size",
        "win_rate_pct": "Win rate (%)",
        "prospects_per_opportunity": "Prospects per opportunity",
        "expected_upgrades": "Expected upgrades",
        "cycle_months": "Sales cycle (months)",
    }
    filled = [f"- {label}: {inputs[k]}" for k, label in labels.items() if inputs.get(k) is not None]
    pros_notes = plain(sections.get(s.SectionKey.PROSPECTING, {}).get("notes") or "")
    if filled or pros_notes:
        lines = filled + ([pros_notes] if pros_notes else [])
        parts.append("Prospecting plan:\n" + "\n".join(lines))
    health = sections.get(s.SectionKey.PROFILE_POSITION, {}).get("financial_health", {}) or {}
    if health.get("rating") or health.get("text"):
        rating = _label(s.HealthRating, health.get("rating"))
        parts.append(
            f"Financial health: {rating}{DASH if rating and health.get('text') else ''}"
            f"{plain(health.get('text') or '')}"
        )
    news = sections.get(s.SectionKey.COMPANY_OVERVIEW, {}).get("news", [])
    if news:
        lines = []
        for n in news:
            bits = [n.get("date") or "", _label(s.NewsKind, n.get("kind")), n.get("title") or ""]
            line = "- " + DASH.join(b for b in bits if b)
            lines.append(line + (f" ({n['source_url']})" if n.get("source_url") else ""))
        parts.append("News:\n" + "\n".join(lines))
    return "\n\n".join(parts)


def notes_text(salesforce_part: str, ours: str) -> str:
    """The Notes field: Salesforce's own text, then (if any) our part after the marker."""
    if not ours:
        return salesforce_part
    return (salesforce_part + "\n\n" if salesforce_part else "") + f"{MARKER}\n{ours}"


def salesforce_part(notes: str) -> str:
    """The Notes' own text: what comes before our marker."""
    head, _, _ = plain(notes).partition(MARKER)
    return re.sub(r"\n+$", "", head)

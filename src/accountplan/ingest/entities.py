"""What can be imported: each entity's fields, their types, references and keys.

The engine (validation.py, writers.py) is generic; everything entity-specific is declared here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import models

from accountplan.book import models as book
from accountplan.book.choices import (
    AccountStatus,
    ActivityKind,
    BuyingCenterKind,
    OpportunityStatus,
    OpportunityType,
    TeamFunction,
)
from accountplan.core.models import Role, User

Kind = Literal["str", "int", "decimal", "date", "bool", "choice", "ref", "email"]


@dataclass(frozen=True)
class FieldSpec:
    """One importable field of an entity."""

    name: str
    kind: Kind = "str"
    required: bool = False
    max_length: int | None = None
    #: For ``ref`` fields: the entity referred to.
    ref: str | None = None
    #: For ``ref`` fields: an unknown reference is a warning (left empty), not a rejection.
    warn_unknown: bool = False
    #: For ``choice`` fields: allowed values and their labels.
    choices: tuple[tuple[str, str], ...] = ()
    #: The model attribute written (``parent`` → ``parent_id``); empty for pseudo-fields.
    attr: str = ""
    #: Checked against a small vocabulary so typos become warnings.
    vocabulary: str | None = None
    #: The largest value the column holds (numbers).
    max_value: int | None = None
    help: str = ""

    @property
    def model_attr(self) -> str:
        """The model attribute this field writes."""
        if self.attr:
            return self.attr
        return f"{self.name}_id" if self.kind == "ref" else self.name


@dataclass(frozen=True)
class EntitySpec:
    """An importable entity: its model, fields and how existing rows are matched."""

    name: str
    label: str
    model: type[models.Model]
    fields: tuple[FieldSpec, ...]
    #: Fields that identify a row when the source has no external id (resolved values).
    natural_key: tuple[str, ...] = ()
    #: Only match by natural key when it is unique in the table (e.g. product name).
    has_external_id: bool = True
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def field(self, name: str) -> FieldSpec:
        """The field called ``name``."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def field_names(self) -> list[str]:
        """Names of all fields, in declaration order."""
        return [f.name for f in self.fields]

    @property
    def self_refs(self) -> list[FieldSpec]:
        """Reference fields that point at the same entity (parent, reports-to, manager)."""
        return [f for f in self.fields if f.kind == "ref" and f.ref == self.name]


def _choices(cls: type[models.TextChoices]) -> tuple[tuple[str, str], ...]:
    return tuple((str(v), str(label)) for v, label in cls.choices)


EXT = FieldSpec("external_id", max_length=120, help="The source system's id (upsert key).")


ENTITIES: dict[str, EntitySpec] = {
    spec.name: spec
    for spec in [
        EntitySpec(
            "accounts",
            "Accounts",
            book.Account,
            (
                EXT,
                FieldSpec("name", required=True, max_length=255),
                FieldSpec("parent", "ref", ref="accounts", help="Parent account."),
                FieldSpec("industry", max_length=120, vocabulary="industries"),
                FieldSpec("segment", max_length=120),
                FieldSpec("territory", max_length=120),
                FieldSpec("country", max_length=120, vocabulary="countries"),
                FieldSpec("city", max_length=120),
                FieldSpec("state", max_length=120, help="State, province or region."),
                FieldSpec("employees", "int"),
                FieldSpec("annual_revenue", "decimal"),
                FieldSpec("founded_year", "int", max_value=32767),
                FieldSpec("website", max_length=255),
                FieldSpec("owner", "ref", ref="users", warn_unknown=True),
                FieldSpec("status", "choice", choices=_choices(AccountStatus)),
                FieldSpec("satisfaction", "decimal", max_value=999),
                FieldSpec("cost_to_serve", "decimal"),
                FieldSpec("gross_margin", "decimal"),
            ),
            natural_key=("name",),
            description="Customers and prospects, with a parent for subsidiaries.",
        ),
        EntitySpec(
            "buying-centers",
            "Buying centers",
            book.BuyingCenter,
            (
                EXT,
                FieldSpec("account", "ref", required=True, ref="accounts"),
                FieldSpec("name", required=True, max_length=255),
                FieldSpec("kind", "choice", choices=_choices(BuyingCenterKind)),
            ),
            natural_key=("account", "name"),
            description="Divisions, departments or sites of an account.",
        ),
        EntitySpec(
            "products",
            "Products",
            book.Product,
            (
                EXT,
                FieldSpec("name", required=True, max_length=255),
                FieldSpec("family", max_length=120),
                FieldSpec("list_price", "decimal"),
                FieldSpec("active", "bool"),
            ),
            natural_key=("name",),
            description="The catalogue: product, family (series), list price.",
        ),
        EntitySpec(
            "opportunities",
            "Opportunities",
            book.Opportunity,
            (
                EXT,
                FieldSpec("account", "ref", required=True, ref="accounts"),
                FieldSpec("buying_center", "ref", ref="buying-centers"),
                FieldSpec("product", "ref", ref="products"),
                FieldSpec("name", max_length=255),
                FieldSpec("type", "choice", choices=_choices(OpportunityType)),
                FieldSpec("stage", required=True, max_length=120),
                FieldSpec("status", "choice", choices=_choices(OpportunityStatus)),
                FieldSpec("amount", "decimal"),
                FieldSpec("created_date", "date"),
                FieldSpec("close_date", "date"),
                FieldSpec("owner", "ref", ref="users", warn_unknown=True),
                FieldSpec("loss_reason", max_length=255),
                FieldSpec("competitor", max_length=255),
            ),
            description="Deals; the stage maps to open, won or lost.",
        ),
        EntitySpec(
            "line-items",
            "Opportunity line items",
            book.OpportunityLineItem,
            (
                EXT,
                FieldSpec("opportunity", "ref", required=True, ref="opportunities"),
                FieldSpec("product", "ref", required=True, ref="products"),
                FieldSpec("quantity", "decimal", max_value=999_999_999_999),
                FieldSpec("unit_price", "decimal"),
                FieldSpec("amount", "decimal", help="Total; quantity × unit price when empty."),
            ),
            description="Products on an opportunity (Salesforce OpportunityLineItem).",
        ),
        EntitySpec(
            "contact-roles",
            "Opportunity contact roles",
            book.OpportunityContactRole,
            (
                EXT,
                FieldSpec("opportunity", "ref", required=True, ref="opportunities"),
                FieldSpec("contact", "ref", required=True, ref="contacts"),
                FieldSpec("role", max_length=120),
                FieldSpec("is_primary", "bool"),
            ),
            natural_key=("opportunity", "contact"),
            description="A contact's role on a deal (Salesforce OpportunityContactRole).",
        ),
        EntitySpec(
            "purchases",
            "Purchase lines",
            book.PurchaseLine,
            (
                EXT,
                FieldSpec("account", "ref", required=True, ref="accounts"),
                FieldSpec("buying_center", "ref", ref="buying-centers"),
                FieldSpec("product", "ref", required=True, ref="products"),
                FieldSpec("date", "date", required=True),
                FieldSpec("quantity", "decimal", max_value=999_999_999_999),
                FieldSpec("amount", "decimal", required=True),
                FieldSpec("order_number", max_length=120, help="Order or invoice number."),
            ),
            natural_key=("account", "product", "date", "quantity", "amount", "order_number"),
            description="Order or invoice lines: what an account bought, when, for how much.",
        ),
        EntitySpec(
            "contacts",
            "Contacts",
            book.Contact,
            (
                EXT,
                FieldSpec("account", "ref", required=True, ref="accounts"),
                FieldSpec("buying_center", "ref", ref="buying-centers"),
                FieldSpec("full_name", attr="-", help="Split into first and last name."),
                FieldSpec("first_name", max_length=120),
                FieldSpec("last_name", required=True, max_length=120),
                FieldSpec("title", max_length=200),
                FieldSpec("department", max_length=120),
                FieldSpec("reports_to", "ref", ref="contacts"),
                FieldSpec("email", "email", max_length=254),
                FieldSpec("phone", max_length=60),
            ),
            natural_key=("account", "first_name", "last_name"),
            description="People at accounts; reports-to draws the org chart.",
        ),
        EntitySpec(
            "activities",
            "Activities",
            book.Activity,
            (
                EXT,
                FieldSpec("account", "ref", required=True, ref="accounts"),
                FieldSpec("contact", "ref", ref="contacts"),
                FieldSpec("opportunity", "ref", ref="opportunities"),
                FieldSpec("kind", "choice", choices=_choices(ActivityKind)),
                FieldSpec("subject", required=True, max_length=255),
                FieldSpec("date", "date", required=True),
                FieldSpec("owner", "ref", ref="users", warn_unknown=True),
                FieldSpec("notes"),
            ),
            description="Calls, emails, meetings, tasks and notes.",
        ),
        EntitySpec(
            "users",
            "Users",
            User,
            (
                EXT,
                FieldSpec("username", required=True, max_length=150),
                FieldSpec("full_name", attr="-", help="Split into first and last name."),
                FieldSpec("first_name", max_length=150),
                FieldSpec("last_name", max_length=150),
                FieldSpec("email", "email", max_length=254),
                FieldSpec("title", max_length=120),
                FieldSpec("territory", max_length=120),
                FieldSpec("role", "choice", choices=_choices(Role)),
                FieldSpec("manager", "ref", ref="users"),
            ),
            natural_key=("username",),
            description="Sales people and their managers (unusable password: set in the admin).",
        ),
        EntitySpec(
            "teams",
            "Account team members",
            book.AccountTeamMember,
            (
                FieldSpec("account", "ref", required=True, ref="accounts"),
                FieldSpec("user", "ref", required=True, ref="users"),
                FieldSpec("function", "choice", choices=_choices(TeamFunction)),
                FieldSpec("responsibility", max_length=255),
            ),
            natural_key=("account", "user", "function"),
            has_external_id=False,
            description="Who works on an account, in which function.",
        ),
    ]
}

ENTITY_CHOICES = [(name, spec.label) for name, spec in ENTITIES.items()]


def get_entity(name: str) -> EntitySpec:
    """The entity called ``name`` (accepting ``_`` for ``-`` and singular forms)."""
    key = name.strip().lower().replace("_", "-")
    aliases = {
        "account": "accounts",
        "product": "products",
        "opportunity": "opportunities",
        "deals": "opportunities",
        "line-item": "line-items",
        "contact-role": "contact-roles",
        "purchase": "purchases",
        "purchase-lines": "purchases",
        "contact": "contacts",
        "activity": "activities",
        "user": "users",
        "team": "teams",
        "account-teams": "teams",
        "buying-center": "buying-centers",
    }
    key = aliases.get(key, key)
    if key not in ENTITIES:
        from accountplan.ingest.errors import ImportFailed

        raise ImportFailed(
            f"Unknown entity {name!r}; choose one of: {', '.join(ENTITIES)}.", status=400
        )
    return ENTITIES[key]

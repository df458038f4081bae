"""Plain rows of the demo book, built by the generator and written by ``load_demo_book``.

Rows refer to each other by external id (and users by username), never by database key, so
generating is pure: the same seed and as-of date give equal rows, whatever the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class UserRow:
    """A demo user: a member of our own sales organisation."""

    username: str
    first_name: str
    last_name: str
    role: str
    title: str
    territory: str = ""
    manager: str | None = None

    @property
    def external_id(self) -> str:
        return f"DEMO-USR-{self.username}"


@dataclass(frozen=True, slots=True)
class ProductRow:
    """A product of the catalogue."""

    external_id: str
    name: str
    family: str
    list_price: Decimal
    unit: str


@dataclass(frozen=True, slots=True)
class AccountRow:
    """A customer or prospect; ``parent`` is the external id of its parent account."""

    external_id: str
    name: str
    parent: str | None
    industry: str
    segment: str
    territory: str
    country: str
    employees: int
    annual_revenue: Decimal
    founded_year: int
    website: str
    owner: str
    status: str
    satisfaction: Decimal | None
    cost_to_serve: Decimal | None
    gross_margin: Decimal | None


@dataclass(frozen=True, slots=True)
class BuyingCenterRow:
    """A division, department or site of an account."""

    external_id: str
    account: str
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class ContactRow:
    """A person at an account; ``level`` 0 is the executive, 1 directors, 2 managers."""

    external_id: str
    account: str
    buying_center: str | None
    first_name: str
    last_name: str
    title: str
    department: str
    reports_to: str | None
    email: str
    phone: str
    level: int


@dataclass(frozen=True, slots=True)
class OpportunityRow:
    """A deal with its single product line (quantity × unit price = amount)."""

    external_id: str
    account: str
    buying_center: str | None
    product: str
    name: str
    type: str
    stage: str
    status: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    created_date: dt.date
    close_date: dt.date
    owner: str
    loss_reason: str = ""
    competitor: str = ""


@dataclass(frozen=True, slots=True)
class ContactRoleRow:
    """A contact's role on a deal."""

    external_id: str
    opportunity: str
    contact: str
    role: str
    is_primary: bool


@dataclass(frozen=True, slots=True)
class PurchaseLineRow:
    """An order line: quantity × list price less the account's discount = amount."""

    external_id: str
    account: str
    buying_center: str | None
    product: str
    date: dt.date
    quantity: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class ActivityRow:
    """A call, email, meeting, task or note."""

    external_id: str
    account: str
    contact: str | None
    opportunity: str | None
    kind: str
    subject: str
    date: dt.date
    owner: str
    notes: str = ""


@dataclass(frozen=True, slots=True)
class TeamMemberRow:
    """A user on an account's team in one function."""

    account: str
    user: str
    function: str
    responsibility: str


@dataclass(frozen=True, slots=True)
class PotentialOverrideRow:
    """An imported potential for an account × product (or family when ``product`` is None)."""

    account: str
    product: str | None
    family: str
    amount: Decimal
    note: str


@dataclass(slots=True)
class DemoBook:
    """Every row of one generated demo book, in the order they are written."""

    seed: int
    as_of: dt.date
    users: list[UserRow] = field(default_factory=list)
    products: list[ProductRow] = field(default_factory=list)
    accounts: list[AccountRow] = field(default_factory=list)
    buying_centers: list[BuyingCenterRow] = field(default_factory=list)
    contacts: list[ContactRow] = field(default_factory=list)
    opportunities: list[OpportunityRow] = field(default_factory=list)
    contact_roles: list[ContactRoleRow] = field(default_factory=list)
    purchase_lines: list[PurchaseLineRow] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    team: list[TeamMemberRow] = field(default_factory=list)
    overrides: list[PotentialOverrideRow] = field(default_factory=list)

"""API shapes of the book of business.

Money is a decimal string ("1234.50") so no cent is lost to floating point; dates are ISO 8601
("2024-03-01"), timestamps ISO 8601 with offset. Blank text fields are "" and unknown numbers null.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from accountplan.book.choices import (
    AccountStatus,
    ActivityKind,
    BuyingCenterKind,
    OpportunityStatus,
    OpportunityType,
    TeamFunction,
)
from accountplan.core.models import Role, User


class UserRef(Schema):
    """A user as other rows point at them."""

    id: int
    username: str
    full_name: str

    @staticmethod
    def resolve_full_name(obj: User) -> str:
        return obj.get_full_name() or obj.username


class UserOut(UserRef):
    """A user in the users list: who they are in the sales organisation, no contact details."""

    first_name: str
    last_name: str
    role: Role
    title: str
    territory: str
    manager_id: int | None
    is_active: bool


class AccountRef(Schema):
    """An account as other rows point at it."""

    id: int
    name: str


class ProductRef(Schema):
    """A product as other rows point at it."""

    id: int
    name: str
    family: str


class AccountOut(Schema):
    """An account in a list."""

    id: int
    external_id: str | None
    name: str
    parent_id: int | None
    industry: str
    segment: str
    territory: str
    country: str
    city: str
    state: str
    employees: int | None
    annual_revenue: Decimal | None
    status: AccountStatus
    owner: UserRef | None

    @staticmethod
    def resolve_parent_id(obj: Any) -> int | None:
        """The parent's id, or None when the caller may not see the parent."""
        if hasattr(obj, "visible_parent_id"):
            return obj.visible_parent_id
        return obj.parent_id


class BuyingCenterOut(Schema):
    """A division, department or site of an account."""

    id: int
    account_id: int
    external_id: str | None
    name: str
    kind: BuyingCenterKind


class TeamMemberOut(Schema):
    """A user on an account's team, in one function."""

    id: int
    account_id: int
    user: UserRef
    function: TeamFunction
    responsibility: str


class AccountDetailOut(AccountOut):
    """One account with its children (those the caller may see), buying centers and team."""

    founded_year: int | None
    website: str
    satisfaction: Decimal | None
    cost_to_serve: Decimal | None
    gross_margin: Decimal | None
    created_at: datetime
    updated_at: datetime
    # Filled by the endpoint from scoped queries, not from the model's related managers.
    children: list[int] = Field(..., validation_alias="child_ids")
    buying_centers: list[BuyingCenterOut] = Field(..., validation_alias="buying_center_list")
    team: list[TeamMemberOut] = Field(..., validation_alias="team_list")


class ProductOut(Schema):
    """A product of the catalogue."""

    id: int
    external_id: str | None
    name: str
    family: str
    list_price: Decimal | None
    active: bool


class OpportunityOut(Schema):
    """A deal; ``status`` is the CRM stage mapped to open, won or lost."""

    id: int
    external_id: str | None
    account: AccountRef
    buying_center_id: int | None
    product: ProductRef | None
    name: str
    type: OpportunityType | None
    stage: str
    status: OpportunityStatus
    amount: Decimal | None
    created_date: date | None
    close_date: date | None
    owner: UserRef | None
    loss_reason: str
    competitor: str

    @staticmethod
    def resolve_type(obj: object) -> str | None:
        # Stored blank when the CRM gave no type; null says "unknown" more plainly.
        return getattr(obj, "type", "") or None


class PurchaseLineOut(Schema):
    """An order or invoice line."""

    id: int
    external_id: str | None
    account: AccountRef
    buying_center_id: int | None
    product: ProductRef
    date: date
    quantity: Decimal
    amount: Decimal


class ContactOut(Schema):
    """A person at an account."""

    id: int
    external_id: str | None
    account: AccountRef
    buying_center_id: int | None
    first_name: str
    last_name: str
    full_name: str
    title: str
    department: str
    reports_to_id: int | None
    email: str
    phone: str


class ActivityOut(Schema):
    """A call, email, meeting, task or note."""

    id: int
    external_id: str | None
    account: AccountRef
    contact_id: int | None
    opportunity_id: int | None
    kind: ActivityKind
    subject: str
    date: date
    owner: UserRef | None
    notes: str


class SearchHitOut(Schema):
    """One search result: its kind, id, label, a detail line and the page that opens it."""

    kind: str = Field(description="account, contact, plan or product")
    id: int
    label: str
    detail: str
    url: str


class SearchOut(Schema):
    """Search results by kind (each at most ``limit``), best first."""

    query: str
    account: list[SearchHitOut] = []
    contact: list[SearchHitOut] = []
    plan: list[SearchHitOut] = []
    product: list[SearchHitOut] = []

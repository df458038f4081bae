"""Query-string filters of the book's API lists (django-ninja FilterSchema).

Text filters on categories (segment, industry, territory, country, family) match whole values,
ignoring case; ``q`` searches parts of names. Date ranges include both ends.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from django.db.models import Q
from ninja import Field, FilterLookup, FilterSchema

from accountplan.book.choices import (
    AccountStatus,
    ActivityKind,
    BuyingCenterKind,
    OpportunityStatus,
    OpportunityType,
    TeamFunction,
)
from accountplan.core.api_common import FilterText, IsoDate, ObjectId


class AccountSort(StrEnum):
    """Sort keys of the accounts list; a leading ``-`` sorts descending."""

    NAME = "name"
    NAME_DESC = "-name"
    INDUSTRY = "industry"
    INDUSTRY_DESC = "-industry"
    SEGMENT = "segment"
    SEGMENT_DESC = "-segment"
    TERRITORY = "territory"
    TERRITORY_DESC = "-territory"
    EMPLOYEES = "employees"
    EMPLOYEES_DESC = "-employees"
    ANNUAL_REVENUE = "annual_revenue"
    ANNUAL_REVENUE_DESC = "-annual_revenue"
    CREATED_AT = "created_at"
    CREATED_AT_DESC = "-created_at"


class AccountFilter(FilterSchema):
    """Filters of ``GET /api/accounts``."""

    q: Annotated[
        FilterText | None,
        FilterLookup(["name__icontains", "external_id__icontains"]),
        Field(description="Part of the name or the external id."),
    ] = None
    owner: Annotated[
        FilterText | None,
        FilterLookup("owner__username__iexact"),
        Field(description="The owner's username."),
    ] = None
    owner_id: Annotated[ObjectId | None, FilterLookup("owner_id")] = None
    segment: Annotated[FilterText | None, FilterLookup("segment__iexact")] = None
    industry: Annotated[FilterText | None, FilterLookup("industry__iexact")] = None
    territory: Annotated[FilterText | None, FilterLookup("territory__iexact")] = None
    country: Annotated[FilterText | None, FilterLookup("country__iexact")] = None
    status: Annotated[AccountStatus | None, FilterLookup("status")] = None
    parent: Annotated[
        ObjectId | None,
        FilterLookup("parent_id"),
        Field(description="Only the subsidiaries of this account id."),
    ] = None
    top_level: Annotated[
        bool | None, Field(description="true: accounts without a parent; false: with one.")
    ] = None

    def filter_top_level(self, value: bool | None) -> Q:
        return Q() if value is None else Q(parent__isnull=value)


class BuyingCenterFilter(FilterSchema):
    """Filters of ``GET /api/buying-centers``."""

    account: Annotated[ObjectId | None, FilterLookup("account_id")] = None
    kind: Annotated[BuyingCenterKind | None, FilterLookup("kind")] = None
    q: Annotated[FilterText | None, FilterLookup("name__icontains")] = None


class ProductFilter(FilterSchema):
    """Filters of ``GET /api/products``."""

    family: Annotated[FilterText | None, FilterLookup("family__iexact")] = None
    active: Annotated[bool | None, FilterLookup("active")] = None
    q: Annotated[FilterText | None, FilterLookup(["name__icontains", "external_id__icontains"])] = (
        None
    )


class OpportunityFilter(FilterSchema):
    """Filters of ``GET /api/opportunities``."""

    account: Annotated[ObjectId | None, FilterLookup("account_id")] = None
    status: Annotated[OpportunityStatus | None, FilterLookup("status")] = None
    type: Annotated[OpportunityType | None, FilterLookup("type")] = None
    product: Annotated[ObjectId | None, FilterLookup("product_id")] = None
    owner: Annotated[ObjectId | None, FilterLookup("owner_id")] = None
    close_date_from: Annotated[
        IsoDate | None,
        FilterLookup("close_date__gte"),
        Field(description="Closing on or after this date (YYYY-MM-DD)."),
    ] = None
    close_date_to: Annotated[
        IsoDate | None,
        FilterLookup("close_date__lte"),
        Field(description="Closing on or before this date (YYYY-MM-DD)."),
    ] = None


class PurchaseLineFilter(FilterSchema):
    """Filters of ``GET /api/purchase-lines``."""

    account: Annotated[ObjectId | None, FilterLookup("account_id")] = None
    product: Annotated[ObjectId | None, FilterLookup("product_id")] = None
    date_from: Annotated[IsoDate | None, FilterLookup("date__gte")] = None
    date_to: Annotated[IsoDate | None, FilterLookup("date__lte")] = None


class ContactFilter(FilterSchema):
    """Filters of ``GET /api/contacts``."""

    account: Annotated[ObjectId | None, FilterLookup("account_id")] = None
    q: Annotated[
        FilterText | None,
        FilterLookup(
            [
                "first_name__icontains",
                "last_name__icontains",
                "email__icontains",
                "title__icontains",
            ]
        ),
        Field(description="Part of the first or last name, email or title."),
    ] = None


class ActivityFilter(FilterSchema):
    """Filters of ``GET /api/activities``."""

    account: Annotated[ObjectId | None, FilterLookup("account_id")] = None
    kind: Annotated[ActivityKind | None, FilterLookup("kind")] = None
    date_from: Annotated[IsoDate | None, FilterLookup("date__gte")] = None
    date_to: Annotated[IsoDate | None, FilterLookup("date__lte")] = None


class TeamMemberFilter(FilterSchema):
    """Filters of ``GET /api/account-teams``."""

    account: Annotated[ObjectId | None, FilterLookup("account_id")] = None
    user: Annotated[ObjectId | None, FilterLookup("user_id")] = None
    function: Annotated[TeamFunction | None, FilterLookup("function")] = None

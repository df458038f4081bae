"""Read-only JSON endpoints of the book of business, every one scoped through ``for_user``.

An object the caller may not see answers 404, exactly like one that does not exist.
"""

from enum import StrEnum
from typing import Any

from django.db.models import BigIntegerField, Case, F, QuerySet, Subquery, When
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from accountplan.book import search as book_search
from accountplan.book.filters import (
    AccountFilter,
    AccountSort,
    ActivityFilter,
    BuyingCenterFilter,
    ContactFilter,
    OpportunityFilter,
    ProductFilter,
    PurchaseLineFilter,
    TeamMemberFilter,
)
from accountplan.book.models import (
    Account,
    AccountTeamMember,
    Activity,
    BuyingCenter,
    Contact,
    Opportunity,
    Product,
    PurchaseLine,
)
from accountplan.book.schemas import (
    AccountDetailOut,
    AccountOut,
    ActivityOut,
    BuyingCenterOut,
    ContactOut,
    OpportunityOut,
    ProductOut,
    PurchaseLineOut,
    SearchOut,
    TeamMemberOut,
)
from accountplan.core.api_auth import api_user
from accountplan.core.api_common import (
    AUTH_ERRORS,
    DETAIL_ERRORS,
    LimitOffset,
    ObjectId,
    get_visible,
)

router = Router(tags=["book"])
#: The most results per kind a search may ask for.
SEARCH_MAX_LIMIT = 50


def _list(out: Any) -> dict[int, Any]:
    return {200: list[out], **AUTH_ERRORS}


def _one(out: Any) -> dict[int, Any]:
    return {200: out, **DETAIL_ERRORS}


# --- accounts ----------------------------------------------------------------------------------


def _accounts(request: HttpRequest) -> QuerySet[Account]:
    user = api_user(request)
    accounts = Account.objects.for_user(user).select_related("owner")
    if user.sees_whole_book:
        return accounts
    # A parent the caller may not see is not named: its id would say that it exists.
    visible = Account.objects.for_user(user).values("pk")
    return accounts.annotate(
        visible_parent_id=Case(
            When(parent_id__in=Subquery(visible), then=F("parent_id")),
            default=None,
            output_field=BigIntegerField(),
        )
    )


@router.get("/accounts", response=_list(AccountOut), summary="List accounts")
@paginate(LimitOffset)
def list_accounts(
    request: HttpRequest,
    filters: Query[AccountFilter],
    sort: AccountSort = AccountSort.NAME,
) -> QuerySet[Account]:
    """Accounts the caller may see, filtered and sorted (ties broken by id)."""
    return filters.filter(_accounts(request)).order_by(sort.value, "pk")


@router.get("/accounts/{account_id}", response=_one(AccountDetailOut), summary="Get an account")
def get_account(request: HttpRequest, account_id: ObjectId) -> Account:
    """One account with the ids of its visible subsidiaries, its buying centers and its team."""
    user = api_user(request)
    account = get_visible(_accounts(request), account_id, "Account")
    account.child_ids = list(  # type: ignore[attr-defined]
        Account.objects.for_user(user)
        .filter(parent_id=account.pk)
        .order_by("name", "pk")
        .values_list("pk", flat=True)
    )
    account.buying_center_list = list(  # type: ignore[attr-defined]
        BuyingCenter.objects.for_user(user).filter(account_id=account.pk).order_by("name", "pk")
    )
    account.team_list = list(  # type: ignore[attr-defined]
        AccountTeamMember.objects.for_user(user)
        .filter(account_id=account.pk)
        .select_related("user")
        .order_by("function", "user__username", "pk")
    )
    return account


# --- buying centers ----------------------------------------------------------------------------


def _buying_centers(request: HttpRequest) -> QuerySet[BuyingCenter]:
    return BuyingCenter.objects.for_user(api_user(request))


@router.get("/buying-centers", response=_list(BuyingCenterOut), summary="List buying centers")
@paginate(LimitOffset)
def list_buying_centers(
    request: HttpRequest, filters: Query[BuyingCenterFilter]
) -> QuerySet[BuyingCenter]:
    """Buying centers of the accounts the caller may see."""
    return filters.filter(_buying_centers(request)).order_by("account__name", "name", "pk")


@router.get(
    "/buying-centers/{center_id}", response=_one(BuyingCenterOut), summary="Get a buying center"
)
def get_buying_center(request: HttpRequest, center_id: ObjectId) -> BuyingCenter:
    """One buying center."""
    return get_visible(_buying_centers(request), center_id, "Buying center")


# --- products ----------------------------------------------------------------------------------


@router.get("/products", response=_list(ProductOut), summary="List products")
@paginate(LimitOffset)
def list_products(request: HttpRequest, filters: Query[ProductFilter]) -> QuerySet[Product]:
    """The product catalogue (every signed-in user may read it)."""
    return filters.filter(Product.objects.for_user(api_user(request))).order_by(
        "family", "name", "pk"
    )


@router.get("/products/{product_id}", response=_one(ProductOut), summary="Get a product")
def get_product(request: HttpRequest, product_id: ObjectId) -> Product:
    """One product."""
    return get_visible(Product.objects.for_user(api_user(request)), product_id, "Product")


# --- opportunities -----------------------------------------------------------------------------


def _opportunities(request: HttpRequest) -> QuerySet[Opportunity]:
    return Opportunity.objects.for_user(api_user(request)).select_related(
        "account", "product", "owner"
    )


@router.get("/opportunities", response=_list(OpportunityOut), summary="List opportunities")
@paginate(LimitOffset)
def list_opportunities(
    request: HttpRequest, filters: Query[OpportunityFilter]
) -> QuerySet[Opportunity]:
    """Deals on the accounts the caller may see, latest close date first."""
    return filters.filter(_opportunities(request)).order_by("-close_date", "pk")


@router.get(
    "/opportunities/{opportunity_id}", response=_one(OpportunityOut), summary="Get an opportunity"
)
def get_opportunity(request: HttpRequest, opportunity_id: ObjectId) -> Opportunity:
    """One deal."""
    return get_visible(_opportunities(request), opportunity_id, "Opportunity")


# --- purchase lines ----------------------------------------------------------------------------


def _purchase_lines(request: HttpRequest) -> QuerySet[PurchaseLine]:
    return PurchaseLine.objects.for_user(api_user(request)).select_related("account", "product")


@router.get("/purchase-lines", response=_list(PurchaseLineOut), summary="List purchase lines")
@paginate(LimitOffset)
def list_purchase_lines(
    request: HttpRequest, filters: Query[PurchaseLineFilter]
) -> QuerySet[PurchaseLine]:
    """Order and invoice lines of the accounts the caller may see, latest first."""
    return filters.filter(_purchase_lines(request)).order_by("-date", "pk")


@router.get(
    "/purchase-lines/{line_id}", response=_one(PurchaseLineOut), summary="Get a purchase line"
)
def get_purchase_line(request: HttpRequest, line_id: ObjectId) -> PurchaseLine:
    """One purchase line."""
    return get_visible(_purchase_lines(request), line_id, "Purchase line")


# --- contacts ----------------------------------------------------------------------------------


def _contacts(request: HttpRequest) -> QuerySet[Contact]:
    return Contact.objects.for_user(api_user(request)).select_related("account")


@router.get("/contacts", response=_list(ContactOut), summary="List contacts")
@paginate(LimitOffset)
def list_contacts(request: HttpRequest, filters: Query[ContactFilter]) -> QuerySet[Contact]:
    """People at the accounts the caller may see."""
    return filters.filter(_contacts(request)).order_by("last_name", "first_name", "pk")


@router.get("/contacts/{contact_id}", response=_one(ContactOut), summary="Get a contact")
def get_contact(request: HttpRequest, contact_id: ObjectId) -> Contact:
    """One contact."""
    return get_visible(_contacts(request), contact_id, "Contact")


# --- activities --------------------------------------------------------------------------------


def _activities(request: HttpRequest) -> QuerySet[Activity]:
    return Activity.objects.for_user(api_user(request)).select_related("account", "owner")


@router.get("/activities", response=_list(ActivityOut), summary="List activities")
@paginate(LimitOffset)
def list_activities(request: HttpRequest, filters: Query[ActivityFilter]) -> QuerySet[Activity]:
    """Calls, emails, meetings, tasks and notes on the accounts the caller may see, latest first."""
    return filters.filter(_activities(request)).order_by("-date", "pk")


@router.get("/activities/{activity_id}", response=_one(ActivityOut), summary="Get an activity")
def get_activity(request: HttpRequest, activity_id: ObjectId) -> Activity:
    """One activity."""
    return get_visible(_activities(request), activity_id, "Activity")


# --- account teams -----------------------------------------------------------------------------


@router.get("/account-teams", response=_list(TeamMemberOut), summary="List account team members")
@paginate(LimitOffset)
def list_account_teams(
    request: HttpRequest, filters: Query[TeamMemberFilter]
) -> QuerySet[AccountTeamMember]:
    """Who sits on the teams of the accounts the caller may see, in which function."""
    members = AccountTeamMember.objects.for_user(api_user(request)).select_related("user")
    return filters.filter(members).order_by("account__name", "function", "user__username", "pk")


# --- search ------------------------------------------------------------------------------------


class SearchKind(StrEnum):
    ACCOUNT = "account"
    CONTACT = "contact"
    PLAN = "plan"
    PRODUCT = "product"


class SearchParams(Schema):
    q: str = Field(..., min_length=1, max_length=100, description="What to find")
    kind: list[SearchKind] | None = Field(None, description="Kinds to search (default: all)")
    limit: int = Field(10, ge=1, le=SEARCH_MAX_LIMIT, description="Results per kind")


@router.get("/search", response={200: SearchOut, **AUTH_ERRORS}, summary="Search the book")
def search_book(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    """Accounts, contacts, plans and products whose name matches ``q`` — case, accents and
    small typos forgiven — among those the caller may see, at most ``limit`` per kind."""
    kinds = [k.value for k in params.kind] if params.kind else list(book_search.KINDS)
    found = book_search.search(api_user(request), params.q, limit=params.limit, kinds=kinds)
    return {"query": params.q, **{k: [vars(h) for h in hits] for k, hits in found.items()}}

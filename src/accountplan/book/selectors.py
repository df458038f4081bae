"""Read helpers for the book's pages: every query starts from ``for_user`` and runs a fixed
number of times per page, whatever the number of rows (no N+1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    Field,
    FilteredRelation,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accountplan.book.choices import OpportunityStatus
from accountplan.book.models import (
    Account,
    AccountTeamMember,
    BuyingCenter,
    Contact,
    Opportunity,
    Product,
    PurchaseLine,
)
from accountplan.portfolio.models import Play, Snapshot

if TYPE_CHECKING:
    from accountplan.core.models import User

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))
MONEY_FIELD = DecimalField(max_digits=18, decimal_places=2)

#: Sort keys of the accounts list → the ``order_by`` fields they stand for.
ACCOUNT_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "industry": ("industry", "name"),
    "segment": ("segment", "name"),
    "territory": ("territory", "name"),
    "employees": ("employees", "name"),
    "revenue": ("annual_revenue", "name"),
    "owner": ("owner__last_name", "owner__first_name", "owner__username", "name"),
    "pipeline": ("open_pipeline", "name"),
    "won": ("won_12m", "name"),
    # From the current analytics snapshot (blank for accounts it does not score).
    "tier": ("pf_tier", "name"),
    "play": ("pf_play_rank", "name"),
    "score": ("pf_score", "name"),
    "whitespace": ("pf_whitespace", "name"),
    "sow": ("pf_sow", "name"),
    "growth": ("pf_growth", "name"),
    "clv": ("pf_clv", "name"),
}
#: Plays in the order the list sorts them (the grid's quadrants, best first).
PLAY_ORDER: tuple[str, ...] = (Play.EXPAND, Play.PENETRATE, Play.NURTURE, Play.MANAGE)
#: The ``play`` filter value of accounts without a play (unscored, or not in the snapshot).
UNSCORED = "none"
#: Sort keys of the products list.
PRODUCT_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "family": ("family", "name"),
    "price": ("list_price", "name"),
    "accounts": ("accounts_bought", "name"),
    "won": ("won_amount", "name"),
}


def twelve_months_before(day: dt.date) -> dt.date:
    """The same calendar day a year earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def won_window(as_of: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The 12-month window ``(start, end]`` of the methodology: after start, on or before end."""
    end = as_of or timezone.localdate()
    return twelve_months_before(end), end


def order_fields(sorts: dict[str, tuple[str, ...]], sort: str) -> list[Any]:
    """``order_by`` expressions for a sort key such as ``-revenue``; blanks sort last."""
    descending = sort.startswith("-")
    fields = sorts[sort.lstrip("-")]
    first = F(fields[0]).desc(nulls_last=True) if descending else F(fields[0]).asc(nulls_last=True)
    # Ties break on the remaining fields in ascending order, then pk, so pages are stable.
    return [first, *fields[1:], "pk"]


# --- accounts list -------------------------------------------------------------------------------


def accounts_with_figures(user: User, as_of: dt.date | None = None) -> QuerySet[Account]:
    """Visible accounts with open pipeline and won-in-the-last-12-months, in one query.

    Each sum is a correlated subquery on the account's opportunities (index ``account,
    status``), so the database computes it for the rows of the page only, never by a GROUP BY
    over the whole book, and the two sums cannot multiply each other.
    """
    start, end = won_window(as_of)

    def total(**where: Any) -> Coalesce:
        summed = (
            Opportunity.objects.filter(account=OuterRef("pk"), **where)
            .order_by()
            .values("account")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return Coalesce(Subquery(summed, output_field=MONEY_FIELD), ZERO, output_field=MONEY_FIELD)

    return (
        Account.objects.for_user(user)
        .select_related("owner", "parent")
        .annotate(
            open_pipeline=total(status=OpportunityStatus.OPEN),
            won_12m=total(status=OpportunityStatus.WON, close_date__gt=start, close_date__lte=end),
        )
    )


def list_snapshot() -> Snapshot | None:
    """The snapshot whose scores the accounts list shows, in one query.

    The same choice as the account page's Portfolio card: the newest finished product-level
    snapshot, else the newest finished snapshot of any level; None before the first scoring run.
    """
    found: Snapshot | None = (
        Snapshot.objects.done()
        .annotate(
            is_product=Case(
                When(level="product", then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by("-is_product", "-finished_at", "-pk")
        .first()
    )
    return found


#: The ``pf_*`` annotations of :func:`with_scores` → their AccountScore field and type.
SCORE_COLUMNS: dict[str, tuple[str, type[Field[Any, Any]]]] = {
    "pf_tier": ("tier", IntegerField),
    "pf_play": ("play", CharField),
    "pf_score": ("potential_score", FloatField),
    "pf_whitespace": ("whitespace_value", FloatField),
    "pf_sow": ("share_of_wallet", FloatField),
    "pf_growth": ("growth", FloatField),
    "pf_clv": ("clv", FloatField),
    "pf_cts_flag": ("cost_to_serve_flag", BooleanField),
    "pf_cost_to_serve": ("cost_to_serve", FloatField),
    "pf_gross_margin": ("gross_margin", FloatField),
}


def with_scores(queryset: QuerySet[Account], snapshot: Snapshot | None) -> QuerySet[Account]:
    """Add the snapshot's tier, play, score, white space, share of wallet, growth, CLV and
    cost-to-serve flag to each account, in the same query (``pf_*`` annotations).

    A LEFT JOIN on the account's one score row of that snapshot (unique per snapshot and
    account), so the list's sums are not multiplied. Accounts the snapshot does not score, and
    every account when there is no snapshot, get blanks (None).
    """
    if snapshot is None:
        blanks = {
            name: Value(None, output_field=field()) for name, (_, field) in SCORE_COLUMNS.items()
        }
        return queryset.annotate(**blanks).alias(
            pf_play_rank=Value(None, output_field=IntegerField())
        )
    queryset = queryset.annotate(
        pf=FilteredRelation("portfolio_scores", condition=Q(portfolio_scores__snapshot=snapshot))
    ).annotate(**{name: F(f"pf__{source}") for name, (source, _) in SCORE_COLUMNS.items()})
    return queryset.alias(
        pf_play_rank=Case(
            *(When(pf_play=play, then=Value(i)) for i, play in enumerate(PLAY_ORDER, 1)),
            default=Value(None),
            output_field=IntegerField(),
        )
    )


def filter_accounts(
    queryset: QuerySet[Account],
    *,
    q: str = "",
    owner: int | None = None,
    segment: str = "",
    industry: str = "",
    territory: str = "",
    tier: int | None = None,
    play: str = "",
    cost_to_serve: str = "",
) -> QuerySet[Account]:
    """Narrow accounts by a search on name or external id and by exact filter values.

    ``tier``, ``play`` (``"none"``: no play) and ``cost_to_serve`` (``"flagged"`` or
    ``"ok"``) need the ``pf_*`` annotations of :func:`with_scores` (hence the ``Q`` objects).
    """
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(external_id__icontains=q))
    if owner is not None:
        queryset = queryset.filter(owner_id=owner)
    if segment:
        queryset = queryset.filter(segment=segment)
    if industry:
        queryset = queryset.filter(industry=industry)
    if territory:
        queryset = queryset.filter(territory=territory)
    if tier is not None:
        queryset = queryset.filter(Q(pf_tier=tier))
    if play == UNSCORED:
        queryset = queryset.filter(Q(pf_play="") | Q(pf_play__isnull=True))
    elif play:
        queryset = queryset.filter(Q(pf_play=play))
    if cost_to_serve == "flagged":
        queryset = queryset.filter(Q(pf_cts_flag=True))
    elif cost_to_serve == "ok":
        queryset = queryset.filter(Q(pf_cts_flag=False))
    return queryset


@dataclass(frozen=True)
class AccountFilterOptions:
    """The values the accounts list filters offer, taken from the user's visible book."""

    owners: list[tuple[int, str]]
    segments: list[str]
    industries: list[str]
    territories: list[str]


def account_filter_options(user: User, snapshot: Snapshot | None = None) -> AccountFilterOptions:
    """Distinct owners, segments, industries and territories present in the visible book.

    Each is a pass over the visible accounts' index (PostgreSQL has no skip scan), so with a
    finished ``snapshot`` they are kept per snapshot and viewer scope for a few minutes.
    """
    if snapshot is not None:
        from accountplan.portfolio.grid_data import SCOPED_SECONDS, cached, scope

        return cached(
            snapshot,
            f"filter-options:{scope(user)}",
            lambda: _filter_options(user),
            SCOPED_SECONDS,
        )
    return _filter_options(user)


def _filter_options(user: User) -> AccountFilterOptions:
    from accountplan.core.models import User as UserModel

    visible = Account.objects.for_user(user)

    def distinct(field_name: str) -> list[str]:
        return list(
            visible.exclude(**{field_name: ""})
            .order_by(field_name)
            .values_list(field_name, flat=True)
            .distinct()
        )

    # EXISTS: one probe of the (owner, name) index per user, not a pass over every account.
    owners = UserModel.objects.filter(Exists(visible.filter(owner=OuterRef("pk")))).order_by(
        "last_name", "first_name", "username"
    )
    return AccountFilterOptions(
        owners=[(o.pk, str(o)) for o in owners],
        segments=distinct("segment"),
        industries=distinct("industry"),
        territories=distinct("territory"),
    )


# --- account page --------------------------------------------------------------------------------


@dataclass
class StatusSummary:
    """Count and sum of an account's opportunities in one status (open, won or lost)."""

    status: str
    label: str
    count: int = 0
    amount: Decimal = Decimal("0")


@dataclass
class AccountOverview:
    """Figures and sections of the account page, each read with a fixed number of queries."""

    account: Account
    statuses: list[StatusSummary]
    stages: list[dict[str, Any]]
    won_12m: Decimal
    win_rate: float | None
    purchases: list[dict[str, Any]]
    purchase_families: list[dict[str, Any]]
    purchase_total: Decimal
    contacts: list[Contact]
    contact_count: int
    team: list[AccountTeamMember]
    children: list[Account]
    buying_centers: list[BuyingCenter]

    @property
    def open_pipeline(self) -> Decimal:
        return next(s.amount for s in self.statuses if s.status == OpportunityStatus.OPEN)

    @property
    def opportunity_count(self) -> int:
        return sum(s.count for s in self.statuses)


CONTACT_LIMIT = 200


def account_overview(user: User, account: Account, as_of: dt.date | None = None) -> AccountOverview:
    """Everything the account page shows besides the opportunity table, scoped to ``user``."""
    start, end = won_window(as_of)
    opps = Opportunity.objects.for_user(user).filter(account=account)

    # One grouped query gives the stage table, the status totals and the win rate.
    stage_rows = list(
        opps.order_by()
        .values("status", "stage")
        .annotate(count=Count("pk"), amount=Coalesce(Sum("amount"), ZERO))
    )
    # Open stages first (where the work is), then won, then lost; bigger amounts first.
    rank = {OpportunityStatus.OPEN: 0, OpportunityStatus.WON: 1, OpportunityStatus.LOST: 2}
    stage_rows.sort(key=lambda r: (rank.get(r["status"], 3), -r["amount"], r["stage"]))
    statuses = [StatusSummary(s.value, str(s.label)) for s in OpportunityStatus]
    by_status = {s.status: s for s in statuses}
    for row in stage_rows:
        summary = by_status.get(row["status"])
        if summary is not None:
            summary.count += row["count"]
            summary.amount += row["amount"]
    closed = by_status[OpportunityStatus.WON].count + by_status[OpportunityStatus.LOST].count
    win_rate = by_status[OpportunityStatus.WON].count / closed if closed else None

    won_12m = opps.filter(
        status=OpportunityStatus.WON, close_date__gt=start, close_date__lte=end
    ).aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]

    purchases = list(
        PurchaseLine.objects.for_user(user)
        .filter(account=account)
        .order_by()
        .values("product_id", "product__name", "product__family")
        .annotate(
            last_date=Max("date"),
            quantity=Sum("quantity"),
            amount=Sum("amount"),
            lines=Count("pk"),
        )
        .order_by("product__family", "product__name")
    )
    families: dict[str, dict[str, Any]] = {}
    for row in purchases:
        fam = families.setdefault(
            row["product__family"],
            {"family": row["product__family"], "amount": Decimal("0"), "products": 0},
        )
        fam["amount"] += row["amount"]
        fam["products"] += 1

    contacts_qs = Contact.objects.for_user(user).filter(account=account)
    return AccountOverview(
        account=account,
        statuses=statuses,
        stages=stage_rows,
        won_12m=won_12m,
        win_rate=win_rate,
        purchases=purchases,
        purchase_families=sorted(families.values(), key=lambda f: -f["amount"]),
        purchase_total=sum((r["amount"] for r in purchases), Decimal("0")),
        contacts=list(contacts_qs.select_related("reports_to")[:CONTACT_LIMIT]),
        contact_count=contacts_qs.count(),
        team=list(
            AccountTeamMember.objects.for_user(user)
            .filter(account=account)
            .select_related("user")
            .order_by("function", "user__last_name", "user__username")
        ),
        children=list(
            Account.objects.for_user(user).filter(parent=account).select_related("owner")
        ),
        buying_centers=list(
            BuyingCenter.objects.for_user(user)
            .filter(account=account)
            .annotate(contact_count=Count("contacts"))
            .order_by("name")
        ),
    )


def account_opportunities(user: User, account: Account) -> QuerySet[Opportunity]:
    """The account's opportunities for the page's table: open first, then latest closes."""
    return (
        Opportunity.objects.for_user(user)
        .filter(account=account)
        .select_related("product", "owner")
        .alias(
            status_rank=Case(
                When(status=OpportunityStatus.OPEN, then=Value(0)),
                When(status=OpportunityStatus.WON, then=Value(1)),
                default=Value(2),
            )
        )
        .order_by("status_rank", F("close_date").desc(nulls_last=True), "name", "pk")
    )


# --- products ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductFigures:
    """How the visible book bought each product: product id → accounts, won amount."""

    buyers: dict[int, int]
    won: dict[int, Decimal]


def accounts_per_product(rows: QuerySet[Any]) -> dict[int, int]:
    """Product id → how many distinct accounts ``rows`` (lines or deals) have on it.

    Counted over the distinct (account, product) pairs, not with ``COUNT(DISTINCT account)``
    per product: SQLite reads the pairs in the order of the lines' covering index and groups
    their count, where the per-product DISTINCT sorted every line (0.3 s against 1.2 s over 2M
    lines).
    """
    pairs = rows.order_by().values("account_id", "product_id").distinct()
    sql, params = pairs.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(
            f"SELECT pairs.product_id, COUNT(*) FROM ({sql}) pairs GROUP BY pairs.product_id",  # noqa: S608
            params,
        )
        return {product_id: n for product_id, n in cursor.fetchall() if product_id is not None}


def product_figures(user: User) -> ProductFigures:
    """Accounts that bought each product (a purchase line, or a won deal on it) and the won
    amount, in three grouped queries over the visible book; kept per finished snapshot and
    viewer scope (an import rescores), since each is a pass over every purchase line."""
    from accountplan.portfolio.grid_data import SCOPED_SECONDS, cached, scope

    def compute() -> ProductFigures:
        buyers = accounts_per_product(PurchaseLine.objects.for_user(user))
        won = Opportunity.objects.for_user(user).filter(
            status=OpportunityStatus.WON, product__isnull=False
        )
        # Won deals of accounts with no purchase line of that product: the other buyers.
        only_won = won.exclude(
            Exists(
                PurchaseLine.objects.filter(
                    account_id=OuterRef("account_id"), product_id=OuterRef("product_id")
                )
            )
        )
        for product_id, n in accounts_per_product(only_won).items():
            buyers[product_id] = buyers.get(product_id, 0) + n
        amounts: dict[int, Decimal] = dict(
            won.order_by()
            .values("product_id")
            .annotate(total=Sum("amount"))
            .values_list("product_id", "total")
        )
        return ProductFigures(buyers, amounts)

    snapshot = Snapshot.objects.current()
    if snapshot is None:
        return compute()
    return cached(snapshot, f"product-figures:{scope(user)}", compute, SCOPED_SECONDS)


def products_with_figures(
    user: User, q: str = "", family: str = "", sort: str = "name"
) -> list[Product]:
    """The catalogue's products (filtered) with ``accounts_bought`` and ``won_amount``, sorted
    by ``sort`` (a ``PRODUCT_SORTS`` key): the catalogue is small, the figures come grouped."""
    figures = product_figures(user)
    products = list(filter_products(Product.objects.for_user(user), q=q, family=family))
    for p in products:
        p.accounts_bought = figures.buyers.get(p.pk, 0)  # type: ignore[attr-defined]
        p.won_amount = figures.won.get(p.pk) or Decimal("0.00")  # type: ignore[attr-defined]
    descending = sort.startswith("-")
    first, *rest = PRODUCT_SORTS[sort.lstrip("-")]
    # As ``order_fields``: the key (blanks last either way), ties by the other fields, then pk.
    products.sort(key=lambda p: (*(getattr(p, f) for f in rest), p.pk))
    known = [p for p in products if getattr(p, first) is not None]
    known.sort(key=lambda p: getattr(p, first), reverse=descending)
    return known + [p for p in products if getattr(p, first) is None]


def filter_products(
    queryset: QuerySet[Product], *, q: str = "", family: str = ""
) -> QuerySet[Product]:
    """Narrow products by a search on name or external id and by family."""
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(external_id__icontains=q))
    if family:
        queryset = queryset.filter(family=family)
    return queryset


def product_families(user: User) -> list[str]:
    """The product families present in the catalogue."""
    return list(
        Product.objects.for_user(user)
        .exclude(family="")
        .order_by("family")
        .values_list("family", flat=True)
        .distinct()
    )

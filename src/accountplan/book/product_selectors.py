"""Reads of the products list: the catalogue's products with how many accounts of the visible
book bought each one and the won amount on it, filtered and sorted; and the families to filter
by. The figures are grouped queries over every purchase line, so they are kept per finished
snapshot and viewer scope (an import rescores).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum

from accountplan.book.choices import OpportunityStatus
from accountplan.book.models import Opportunity, Product, PurchaseLine
from accountplan.portfolio.models import Snapshot

if TYPE_CHECKING:
    from accountplan.core.models import User

#: Sort keys of the products list.
PRODUCT_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "family": ("family", "name"),
    "price": ("list_price", "name"),
    "accounts": ("accounts_bought", "name"),
    "won": ("won_amount", "name"),
}


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

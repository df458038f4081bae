"""Read the book of business from the database once into the analytics frames.

One SQL query per table (accounts, products, opportunities, line items, purchase lines,
overrides), never a query per row. Money (Decimal) becomes Float64.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl

from accountplan.analytics.frames import (
    ACCOUNTS_SCHEMA,
    OPPORTUNITIES_SCHEMA,
    OVERRIDES_SCHEMA,
    PRODUCTS_SCHEMA,
    REVENUE_SCHEMA,
    Book,
)
from accountplan.book.models import (
    Account,
    Opportunity,
    OpportunityLineItem,
    PotentialOverride,
    Product,
    PurchaseLine,
)


@dataclass(frozen=True)
class LoadStats:
    """What the loader left out of revenue, so the snapshot can say so."""

    skipped_won_deals: int  # won, but no product and no line items: nothing to attribute to
    undated_won_deals: int  # won, but no close date: no window can hold them
    revenue_rows: int


def _money(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def _frame(rows: Iterable[tuple[Any, ...]], schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=schema, orient="row")


def _owner_name(first: str | None, last: str | None, username: str | None) -> str | None:
    full = f"{first or ''} {last or ''}".strip()
    return full or username


def _accounts(using: str) -> pl.DataFrame:
    rows = Account.objects.using(using).values_list(
        "pk",
        "external_id",
        "name",
        "parent_id",
        "industry",
        "segment",
        "territory",
        "country",
        "owner_id",
        "owner__first_name",
        "owner__last_name",
        "owner__username",
        "status",
        "employees",
        "annual_revenue",
        "satisfaction",
        "cost_to_serve",
        "gross_margin",
    )
    return _frame(
        (
            (
                *r[:9],
                _owner_name(r[9], r[10], r[11]),
                r[12],
                r[13],
                *(_money(v) for v in r[14:]),
            )
            for r in rows.order_by("pk")
        ),
        ACCOUNTS_SCHEMA,
    )


def _products(using: str) -> pl.DataFrame:
    rows = (
        Product.objects.using(using)
        .order_by("pk")
        .values_list("pk", "external_id", "name", "family")
    )
    return _frame(((pk, ext, name, fam or "") for pk, ext, name, fam in rows), PRODUCTS_SCHEMA)


def load_book_with_stats(using: str = "default") -> tuple[Book, LoadStats]:
    """The whole book as frames, plus what revenue had to leave out (see :class:`LoadStats`)."""
    opportunities = list(
        Opportunity.objects.using(using)
        .order_by("pk")
        .values_list(
            "pk",
            "account_id",
            "product_id",
            "status",
            "type",
            "amount",
            "created_date",
            "close_date",
        )
    )
    # Line items of won deals: one revenue row each, with its own product and amount.
    items = list(
        OpportunityLineItem.objects.using(using)
        .filter(opportunity__status="won")
        .order_by("pk")
        .values_list(
            "opportunity_id",
            "opportunity__account_id",
            "product_id",
            "opportunity__close_date",
            "amount",
        )
    )
    with_items = {i[0] for i in items}
    revenue: list[tuple[Any, ...]] = []
    skipped = undated = 0
    for pk, account_id, product_id, status, _type, amount, _created, close in opportunities:
        if status != "won" or pk in with_items:
            continue
        if product_id is None:
            skipped += 1
        elif close is None:
            undated += 1
        elif amount is not None:
            revenue.append((account_id, product_id, close, float(amount), "won"))
    for _opp, account_id, product_id, close, amount in items:
        if close is None:
            continue
        revenue.append((account_id, product_id, close, float(amount), "won"))
    undated += len({i[0] for i in items if i[3] is None})
    purchases = (
        PurchaseLine.objects.using(using)
        .order_by("pk")
        .values_list("account_id", "product_id", "date", "amount")
    )
    revenue.extend((a, p, d, float(amt), "purchase") for a, p, d, amt in purchases)
    overrides = (
        PotentialOverride.objects.using(using)
        .order_by("pk")
        .values_list("account_id", "product_id", "family", "amount")
    )
    book = Book(
        accounts=_accounts(using),
        products=_products(using),
        revenue=_frame(revenue, REVENUE_SCHEMA),
        opportunities=_frame(
            ((*o[:5], _money(o[5]), o[6], o[7]) for o in opportunities), OPPORTUNITIES_SCHEMA
        ),
        overrides=_frame(
            (
                (a, p, None if p is not None else (f or None), float(amt))
                for a, p, f, amt in overrides
            ),
            OVERRIDES_SCHEMA,
        ),
    )
    return book, LoadStats(skipped, undated, len(revenue))


def load_book(using: str = "default") -> Book:
    """The whole book of business as the frames of ``accountplan.analytics.frames``."""
    return load_book_with_stats(using)[0]

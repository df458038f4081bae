"""Bring input frames to their contract: missing columns added as nulls, types cast.

Tests and loaders may hand over frames with only the columns they care about; everything
downstream can then rely on every column of the schemas in ``frames.py`` being there.
"""

from __future__ import annotations

import polars as pl

from accountplan.analytics.frames import (
    ACCOUNTS_SCHEMA,
    OPPORTUNITIES_SCHEMA,
    OVERRIDES_SCHEMA,
    PRODUCTS_SCHEMA,
    REVENUE_SCHEMA,
    Book,
)


def conform(
    frame: pl.DataFrame, schema: dict[str, pl.DataType | type[pl.DataType]]
) -> pl.DataFrame:
    """Return ``frame`` with every schema column present (null when absent) and cast to its type.

    Extra columns are kept (an attribute may read them); the schema's columns come first.
    """
    exprs = []
    for name, dtype in schema.items():
        if name in frame.columns:
            exprs.append(pl.col(name).cast(dtype, strict=False))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
    extra = [pl.col(c) for c in frame.columns if c not in schema]
    return frame.select(*exprs, *extra)


def conform_book(book: Book) -> Book:
    """Every frame of the book conformed to its schema."""
    return Book(
        accounts=conform(book.accounts, ACCOUNTS_SCHEMA),
        products=conform(book.products, PRODUCTS_SCHEMA),
        revenue=conform(book.revenue, REVENUE_SCHEMA),
        opportunities=conform(book.opportunities, OPPORTUNITIES_SCHEMA),
        overrides=conform(book.overrides, OVERRIDES_SCHEMA),
    )

"""Micro-plans written as rows, not model instances: the write of ``create_micro_plans``.

``bulk_create`` compiled every value of every row through the ORM (the field's preparation, the
compiler's placeholders): 60,000 lost deals of a book's first opportunities import took ~10 s,
almost all of it there. Here the columns the batch does not fill are prepared once (what a save
writes there: ``portfolio.bulk.save_defaults``), the days and money of each row through their
field (exactly what a save writes), the rest as they are; one ``executemany`` per batch. A deal
that got its micro-plan in the meantime (another import at the same moment) is skipped, as
``ignore_conflicts`` did.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models

from accountplan.followup.models import LostDealPlan
from accountplan.portfolio.bulk import save_defaults

#: Fields whose value the database driver cannot take as Python holds it (days as text on
#: SQLite, money rounded to its places): prepared per row through the field.
PREPARED = (models.DateField, models.DecimalField)


def insert_micro_plans(rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (field attname → value, every row the same keys) as micro-plans."""
    if not rows:
        return
    fields = [f for f in LostDealPlan._meta.concrete_fields if not f.primary_key]
    given = [f for f in fields if f.attname in rows[0]]
    defaults = save_defaults(LostDealPlan, rows[0])
    constant = [f for f in fields if f.column in defaults]
    constants = tuple(f.get_db_prep_save(defaults[str(f.column)], connection) for f in constant)
    prepared = [isinstance(f, PREPARED) for f in given]
    params = [
        tuple(
            f.get_db_prep_save(row[f.attname], connection) if prep else row[f.attname]
            for f, prep in zip(given, prepared, strict=True)
        )
        + constants
        for row in rows
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column or f.attname) for f in [*given, *constant])
    marks = ", ".join(["%s"] * (len(given) + len(constant)))
    table = quote(LostDealPlan._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING",  # noqa: S608 (quoted names)
            params,
        )

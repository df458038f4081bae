"""Pieces every API router shares: error bodies, declared error responses, pagination, 404s."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase
from pydantic import AfterValidator, BeforeValidator

from accountplan.core.errors import NotFound

#: Page size when the caller does not ask for one, and the most one page may hold.
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
#: Beyond this an offset is surely a mistake (and past 2**63 the databases overflow).
MAX_OFFSET = 1_000_000_000
#: The largest id a database row can have (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def _printable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain the NUL character (\\x00)")
    return value


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: Any) -> Any:
    """A day as the API documents it, YYYY-MM-DD: not a number (pydantic would read ``0`` as
    1970-01-01, a Unix time), not a datetime, not free text."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DAY.fullmatch(value.strip()):
        raise ValueError("a date is written YYYY-MM-DD, e.g. 2026-12-04")
    return value.strip()


#: A day in a query or a body: YYYY-MM-DD only (an invalid day, 2026-02-30, is a 422 too).
IsoDate = Annotated[dt.date, BeforeValidator(_iso_day)]

#: A row id in a path or a filter: a bigger number is a 422, not a database overflow.
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]
#: Free text in a filter: at most 200 characters, no NUL (PostgreSQL refuses it in text).
FilterText = Annotated[str, Field(max_length=200), AfterValidator(_printable)]


class ErrorOut(Schema):
    """The body of every 4xx that is not a validation error."""

    detail: str = Field(..., examples=["Account 42 not found."])


class ValidationErrorItem(Schema):
    """One invalid input: where it is (``loc``) and what to fix (``msg``)."""

    type: str
    loc: list[str | int]
    msg: str


class ValidationErrorOut(Schema):
    """422: the request's parameters or body did not validate."""

    detail: list[ValidationErrorItem]


#: Responses every authenticated operation may return besides its 200.
AUTH_ERRORS: dict[int, Any] = {401: ErrorOut, 422: ValidationErrorOut}
#: ... and those that read one object.
DETAIL_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


class LimitOffset(PaginationBase):
    """``?limit=&offset=`` pagination with a total ``count``; ``limit`` is at most 200.

    A limit over the maximum is a 422 that says so, rather than a silently shorter page.
    """

    class Input(Schema):
        limit: int = Field(
            DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Page size, 1 to {MAX_LIMIT}."
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many rows to skip.")

    class Output(Schema):
        items: list[Any]
        count: int = Field(..., description="How many rows match, across all pages.")
        limit: int
        offset: int

    def paginate_queryset(
        self,
        queryset: QuerySet[Any],
        pagination: Input,
        request: HttpRequest,
        **params: Any,
    ) -> dict[str, Any]:
        """Slice one page and count the whole result (two queries)."""
        offset, limit = pagination.offset, pagination.limit
        return {
            "items": list(queryset[offset : offset + limit]),
            "count": queryset.count(),
            "limit": limit,
            "offset": offset,
        }


def get_visible[M: Model](queryset: QuerySet[M], pk: int, label: str) -> M:
    """The object with ``pk`` from an already scoped queryset, or a 404.

    The same 404 whether the object does not exist or the caller may not see it, so an
    existence is never leaked.
    """
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise NotFound(f"{label} {pk} not found.")
    return obj

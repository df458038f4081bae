"""The field types and base models every section schema (``sections``) is built from.

Lines, texts, links, money and row ids with their limits; ``Item``, a list item with a stable
``id`` (uuid4 hex, made when missing); ``Items``, a list of items with unique ids and at most
``MAX_ITEMS`` of them. Strings are stripped and unknown fields refused (``_Base``), so a typo in
a field name is an error rather than lost data. Pure Pydantic: no Django import.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlparse

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain the NUL character")
    return value


def _http_url(value: str) -> str:
    if not value:
        return value
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError("must be a web link starting with http:// or https://")
    return value


#: One line of text (a name, a title, a metric).
Line = Annotated[str, Field(max_length=300), AfterValidator(_no_nul)]
#: A required line: at least one character after stripping.
RequiredLine = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_no_nul)]
#: Free text (a paragraph or a few).
Text = Annotated[str, Field(max_length=10_000), AfterValidator(_no_nul)]
#: A web link (http or https only) or empty.
Url = Annotated[str, Field(max_length=2000), AfterValidator(_no_nul), AfterValidator(_http_url)]
#: A money amount: at most 14 digits before the point, cents after; never negative.
Money = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]
#: A row id of the book (contact, product, buying center, user).
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]
#: A stable item id.
ItemId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
#: Most items one list may hold (a plan is a working document, not a database).
MAX_ITEMS = 200


def new_id() -> str:
    """A fresh item id (uuid4 hex)."""
    return uuid.uuid4().hex


class _Base(BaseModel):
    """Strict, stripped, no unknown fields (a typo in a field name is an error, not lost data)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class Item(_Base):
    """A list item, addressed by its stable ``id``."""

    id: ItemId = Field(default_factory=new_id)


def _unique_ids(items: list[Any]) -> list[Any]:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"item id {item.id!r} appears twice")
        seen.add(item.id)
    return items


#: A list of items with unique ids, at most ``MAX_ITEMS`` long.
type Items[T] = Annotated[list[T], Field(max_length=MAX_ITEMS), AfterValidator(_unique_ids)]

"""Resolving references (account by name, owner by full name…) with dicts loaded once."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from accountplan.book import models as book
from accountplan.core.models import User
from accountplan.ingest.mappings import norm

DIFFLIB_MAX_NAMES = 20_000


def squash(text: str) -> str:
    """Compare ignoring case, spaces and punctuation: "GTXPro" == "GTX Pro"."""
    return re.sub(r"[\W_]+", "", text.casefold())


@dataclass
class RefIndex:
    """Every row of one target entity, indexed by the keys a file may use to refer to it."""

    entity: str
    by_ext: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_username: dict[str, int] = field(default_factory=dict)
    by_email: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    names: dict[int, str] = field(default_factory=dict)
    ext_of: dict[int, str] = field(default_factory=dict)
    _squashed: dict[str, str] | None = None
    _difflib_budget: int = 300

    def add(self, pk: int, ext: str | None, name: str) -> None:
        """Index one row."""
        if ext:
            self.by_ext[ext] = pk
            self.ext_of[pk] = ext
            # Salesforce reports show 15-character ids where the API gives 18.
            if len(ext) == 18 and ext.isalnum():
                self.by_ext.setdefault(ext[:15], pk)
        if name:
            self.by_name[norm(name)].append(pk)
            self.names[pk] = name

    def find(self, value: str, mode: str) -> list[int]:
        """Rows that ``value`` refers to under ``mode`` (auto tries id, then the other keys)."""
        found: list[int] = []
        if mode in ("auto", "external_id") and value in self.by_ext:
            return [self.by_ext[value]]
        key = norm(value)
        if mode in ("auto", "username") and key in self.by_username:
            return [self.by_username[key]]
        if mode in ("auto", "email") and key in self.by_email:
            return list(dict.fromkeys(self.by_email[key]))
        if mode in ("auto", "name", "full_name"):
            found = list(dict.fromkeys(self.by_name.get(key, [])))
        return found

    def keys_of(self, pks: list[int], limit: int = 5) -> str:
        """The external ids of ``pks`` for a message: ``P-1, P-2`` (``no id`` when missing)."""
        keys = [self.ext_of.get(pk, "no id") for pk in pks[:limit]]
        more = f" and {len(pks) - limit} more" if len(pks) > limit else ""
        return ", ".join(keys) + more

    def suggest(self, value: str) -> str | None:
        """The closest known name: same letters ignoring spacing/case first, then difflib.

        difflib is only tried on small tables and for the first few hundred unknown values, so a
        file full of unknown ids stays fast.
        """
        target = squash(value)
        if not target:
            return None
        if self._squashed is None:
            self._squashed = {}
            for name in sorted(set(self.names.values())):
                self._squashed.setdefault(squash(name), name)
        if target in self._squashed:
            return self._squashed[target]
        if len(self._squashed) > DIFFLIB_MAX_NAMES or self._difflib_budget <= 0:
            return None
        self._difflib_budget -= 1
        candidates = list(self._squashed.values())
        close = difflib.get_close_matches(value, candidates, n=1, cutoff=0.85)
        return close[0] if close else None


def load_index(entity: str) -> RefIndex:
    """Load the rows of ``entity`` that references may point at (one query)."""
    index = RefIndex(entity)
    if entity == "users":
        for pk, ext, username, email, first, last in User.objects.values_list(
            "pk", "external_id", "username", "email", "first_name", "last_name"
        ):
            index.add(pk, ext, f"{first} {last}".strip() or username)
            index.by_username[norm(username)] = pk
            if email:
                index.by_email[norm(email)].append(pk)
        return index
    if entity == "contacts":
        for pk, ext, first, last, email in book.Contact.objects.values_list(
            "pk", "external_id", "first_name", "last_name", "email"
        ):
            index.add(pk, ext, f"{first} {last}".strip())
            if email:
                index.by_email[norm(email)].append(pk)
        return index
    models: dict[str, Any] = {
        "accounts": book.Account,
        "products": book.Product,
        "opportunities": book.Opportunity,
        "buying-centers": book.BuyingCenter,
    }
    for pk, ext, name in models[entity].objects.values_list("pk", "external_id", "name"):
        index.add(pk, ext, name)
    return index

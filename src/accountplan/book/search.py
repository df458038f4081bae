"""The global search: accounts, contacts, plans and products in one box, tolerant of case,
accents and small typos, scoped to what the user may see, bounded per kind.

Every lookup is an index range on a normalised key (``search_keys``):

1. **prefix**: the key starts with the query (``"soc gen"`` finds "Société Générale"; a
   contact has two keys, "last first" and "first last", so either name starts a match);
2. **contains** (PostgreSQL with pg_trgm): the key holds the query anywhere, through the GIN
   trigram index;
3. **typos**, only when 1–2 found fewer rows than asked: with pg_trgm, trigram word similarity
   (``%>``, the same index); then (and alone elsewhere) a bounded fallback: the rows sharing
   the query's first letters (the longest prefix that finds any, at most ``CANDIDATES`` rows a
   try, a few tries) ranked by edit similarity. Without pg_trgm a typo in the first two letters
   is not forgiven.

No lookup reads more than a fixed number of rows, whatever the size of the book.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.models import Q, QuerySet
from django.urls import reverse

from accountplan.book.models import Account, Contact, Product
from accountplan.book.search_keys import normalise

if TYPE_CHECKING:
    from accountplan.core.models import User

#: The kinds a search finds, in the order the box lists them.
KINDS = ("account", "contact", "plan", "product")
KIND_LABELS = {"account": "Accounts", "contact": "Contacts", "plan": "Plans", "product": "Products"}
#: Rows a typo-tolerant try reads at most; how alike a key's start must be to count.
CANDIDATES = 300
MIN_SIMILARITY = 0.72


@dataclass(frozen=True)
class Hit:
    """One result: what it is, its label and a detail line, and where it opens."""

    kind: str
    id: int
    label: str
    detail: str
    url: str


def has_trigram(alias: str = "default") -> bool:
    """Whether the database offers pg_trgm (PostgreSQL with the extension installed)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return False
    cached = getattr(connection, "_accountplan_trgm", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            cached = cursor.fetchone() is not None
        connection._accountplan_trgm = cached  # type: ignore[attr-defined]
    return bool(cached)


def _prefix(field: str, key: str) -> Q:
    """``field`` starts with ``key``: LIKE 'key%' (PostgreSQL's pattern-ops index); on SQLite an
    index range, since its case-insensitive LIKE cannot use a B-tree index."""
    return Q(**{f"{field}__gte": key, f"{field}__lt": key + "\U0010ffff"})


def _prefix_for(qs: QuerySet[Any], field: str, key: str) -> Q:
    if connections[qs.db].vendor == "postgresql":
        return Q(**{f"{field}__startswith": key})
    return _prefix(field, key)


#: The keys each kind is searched on by prefix: a contact's "last first" and "first last".
KEY_FIELDS: dict[str, tuple[str, ...]] = {"contact": ("search_key", "first_key")}


def find(qs: QuerySet[Any], kind: str, query: str, limit: int) -> list[Any]:
    """Up to ``limit`` rows of ``qs`` (already scoped) whose search key matches ``query``:
    prefix matches first (by key), then contains (pg_trgm), then near matches (typos)."""
    key = normalise(query)
    if not key or limit <= 0:
        return []
    found: dict[int, Any] = {}

    def take(rows: Iterable[Any]) -> None:
        for row in rows:
            if len(found) >= limit:
                return
            found.setdefault(row.pk, row)

    fields = KEY_FIELDS.get(kind, ("search_key",))
    for field in fields:
        take(qs.filter(_prefix_for(qs, field, key)).order_by(field, "pk")[:limit])
    trigram = has_trigram(qs.db)
    if len(found) < limit and trigram and len(key) >= 3:
        take(
            qs.filter(search_key__contains=key)
            .exclude(pk__in=list(found))
            .order_by("search_key", "pk")[: limit - len(found)]
        )
    if len(found) < limit and len(key) >= 3 and trigram:
        take(_near_trigram(qs, key, limit))
    # Trigrams miss a swap of two letters in a short word ("turbnie"): the bounded fallback
    # (a few index ranges on the query's first letters) catches it.
    if len(found) < limit and len(key) >= 3:
        take(_near_fallback(qs, fields, key, limit))
    return list(found.values())


def _near_trigram(qs: QuerySet[Any], key: str, limit: int) -> list[Any]:
    """Rows whose key holds a stretch like the query (``%>``: pg_trgm's word similarity, the
    GIN index), most alike first."""
    from django.contrib.postgres.lookups import TrigramWordSimilar
    from django.contrib.postgres.search import TrigramWordSimilarity
    from django.db.models import F

    return list(
        qs.filter(TrigramWordSimilar(F("search_key"), key))
        .annotate(similarity=TrigramWordSimilarity(key, "search_key"))
        .order_by("-similarity", "search_key", "pk")[:limit]
    )


def _similarity(key: str, candidate: str) -> float:
    """How alike ``key`` is to the start of ``candidate`` (or to any of its word runs)."""
    best = difflib.SequenceMatcher(None, key, candidate[: len(key) + 2]).ratio()
    return max(best, difflib.SequenceMatcher(None, key, candidate).ratio())


def _near_fallback(qs: QuerySet[Any], fields: Iterable[str], key: str, limit: int) -> list[Any]:
    """Rows sharing the query's first letters (longest prefix first, each try one bounded index
    range), ranked by similarity; the first try that finds close enough rows answers."""
    for field in fields:
        for n in range(min(len(key) - 1, 6), 1, -1):
            rows = list(
                qs.filter(_prefix_for(qs, field, key[:n])).order_by(field, "pk")[:CANDIDATES]
            )
            scored = [(_similarity(key, getattr(r, field)), r) for r in rows]
            close = [(s, r) for s, r in scored if s >= MIN_SIMILARITY]
            if close:
                close.sort(key=lambda sr: (-sr[0], getattr(sr[1], field), sr[1].pk))
                return [r for _, r in close[:limit]]
    return []


# --- per kind ------------------------------------------------------------------------------------


def _accounts(user: User, query: str, limit: int) -> list[Hit]:
    qs = Account.objects.for_user(user).only(
        "pk", "name", "search_key", "external_id", "industry", "territory"
    )
    rows = find(qs, "account", query, limit)
    # An exact external id (a CRM id pasted in) comes first: the unique index answers.
    exact = query.strip()
    if exact and not any(r.external_id == exact for r in rows):
        by_id = list(qs.filter(external_id=exact)[:1])
        rows = (by_id + rows)[:limit]
    return [
        Hit(
            "account",
            r.pk,
            r.name,
            " · ".join(p for p in (r.external_id, r.industry, r.territory) if p),
            reverse("book:account_detail", args=[r.pk]),
        )
        for r in rows
    ]


def _contacts(user: User, query: str, limit: int) -> list[Hit]:
    qs = (
        Contact.objects.for_user(user)
        .select_related("account")
        .only(
            "pk",
            "first_name",
            "last_name",
            "title",
            "search_key",
            "first_key",
            "account_id",
            "account__name",
        )
    )
    return [
        Hit(
            "contact",
            r.pk,
            r.full_name,
            " · ".join(p for p in (r.title, r.account.name) if p),
            reverse("book:account_detail", args=[r.account_id]) + "#contacts-h",
        )
        for r in find(qs, "contact", query, limit)
    ]


def _products(user: User, query: str, limit: int) -> list[Hit]:
    qs = Product.objects.for_user(user).only("pk", "name", "search_key", "family", "external_id")
    return [
        Hit(
            "product",
            r.pk,
            r.name,
            " · ".join(p for p in (r.family, r.external_id) if p),
            reverse("book:product_detail", args=[r.pk]),
        )
        for r in find(qs, "product", query, limit)
    ]


def _plans(user: User, query: str, limit: int, accounts: list[Hit]) -> list[Hit]:
    """Plans of the accounts found (newest period first), then a plan whose period is the
    query ("FY2027"): plans hang off accounts, so their search is the accounts'."""
    from accountplan.plans.models import AccountPlan

    visible = AccountPlan.objects.for_user(user).select_related("account")
    ids = [h.id for h in accounts]
    period = query.strip().upper()
    where = Q(account_id__in=ids)
    if 2 <= len(period) <= 20 and " " not in period:
        where |= Q(period=period)
    rows = list(visible.filter(where).order_by("-period", "account__name", "pk")[:limit])
    rank = {pk: i for i, pk in enumerate(ids)}
    rows.sort(key=lambda p: (rank.get(p.account_id, len(ids)), -_period_key(p.period)))
    return [
        Hit(
            "plan",
            p.pk,
            f"{p.account.name} · {p.period}",
            p.get_status_display(),
            reverse("plans:detail", args=[p.pk]),
        )
        for p in rows
    ]


def _period_key(period: str) -> int:
    digits = "".join(ch for ch in period if ch.isdigit())
    return int(digits) if digits else 0


SEARCHERS: dict[str, Callable[[User, str, int], list[Hit]]] = {
    "account": _accounts,
    "contact": _contacts,
    "product": _products,
}


def search(
    user: User, query: str, limit: int = 5, kinds: Iterable[str] = KINDS
) -> dict[str, list[Hit]]:
    """Up to ``limit`` hits per kind for ``query``, each kind scoped to ``user``; a fixed
    number of queries per kind whatever the size of the book. Kinds not asked are absent."""
    wanted = [k for k in KINDS if k in set(kinds)]
    query = query.strip()[:100]
    if not normalise(query):
        return {k: [] for k in wanted}
    found: dict[str, list[Hit]] = {}
    accounts: list[Hit] | None = None
    for kind in wanted:
        if kind == "plan":
            if accounts is None:
                accounts = _accounts(user, query, limit)
            found[kind] = _plans(user, query, limit, accounts)
        else:
            found[kind] = SEARCHERS[kind](user, query, limit)
            if kind == "account":
                accounts = found[kind]
    return found

"""The campaign list marketing downloads from the grid (page, API and CLI): the accounts of a
play with their campaign and next best products, and the people to reach there.

Numbers are rounded for people (money in whole units, scores to one decimal); the contact's
name, title and email are separate columns. ``contacts`` chooses whom to list:

- ``primary`` (default): one row per account, its primary contact (primary on one of its deals,
  else the first contact by last name);
- ``buying``: one row per contact with a buying role on one of the account's deals (the CRM's
  opportunity contact roles: decision maker, economic buyer, champion...), roles joined;
  an account without any keeps one row with the contact columns blank, so no account drops out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet

from accountplan.analytics.grid import PLAYS
from accountplan.book.models import Contact
from accountplan.core.models import User
from accountplan.portfolio import selectors
from accountplan.portfolio.models import AccountScore, Snapshot

CONTACT_MODES = ("primary", "buying")
HEADER = [
    "account_id",
    "account_name",
    "owner",
    "territory",
    "segment",
    "industry",
    "current_revenue",
    "potential_score",
    "play",
    "campaign",
    "tier",
    "whitespace_value",
    "next_best_products",
    "contact_name",
    "contact_title",
    "contact_email",
    "contact_roles",
]


def money(value: Any) -> int | None:
    """Money for people: whole units (half up), None stays None."""
    if value is None:
        return None
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def one_decimal(value: Any) -> float | None:
    """A score or rate for people: 96.59977703455964 → 96.6."""
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def share(value: Any) -> float | None:
    """A share between 0 and 1 for people: three decimals (0.1234567 → 0.123)."""
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Person:
    """A contact as the list shows them."""

    name: str
    title: str
    email: str
    roles: str = ""


def with_play(qs: QuerySet[AccountScore], play: str) -> QuerySet[AccountScore]:
    """The scores of one play tab ('none': the unscored; '': all)."""
    if play == "none":
        return qs.filter(play="")
    return qs.filter(play=play) if play else qs


def _person(c: Contact, roles: Iterable[str] = ()) -> Person:
    return Person(c.full_name, c.title, c.email, "; ".join(roles))


def primary_people(user: User, scores: list[AccountScore]) -> dict[int, list[Person]]:
    """account id → [its primary contact] (two queries)."""
    ids = {s.account_id: s.primary_contact_id for s in scores}  # type: ignore[attr-defined]
    contacts = Contact.objects.for_user(user).filter(pk__in=[c for c in ids.values() if c])
    by_pk = {c.pk: c for c in contacts.order_by()}
    roles: dict[int, list[str]] = {}
    for contact_id, role in (
        Contact.objects.for_user(user)
        .filter(pk__in=by_pk, opportunity_roles__role__gt="")
        .order_by("-opportunity_roles__is_primary", "opportunity_roles__role")
        .values_list("pk", "opportunity_roles__role")
    ):
        if role not in roles.setdefault(contact_id, []):
            roles[contact_id].append(role)
    return {
        account: [_person(by_pk[c], roles.get(c, []))] if c in by_pk else []
        for account, c in ids.items()
    }


def buying_people(user: User, account_ids: list[int]) -> dict[int, list[Person]]:
    """account id → every contact with a buying role on one of its deals (one query)."""
    rows = (
        Contact.objects.for_user(user)
        .filter(account_id__in=account_ids, opportunity_roles__role__gt="")
        .order_by("account_id", "-opportunity_roles__is_primary", "last_name", "first_name", "pk")
        .values_list(
            "account_id", "pk", "first_name", "last_name", "title", "email",
            "opportunity_roles__role",
        )
    )  # fmt: skip
    people: dict[int, dict[int, tuple[Person, list[str]]]] = {}
    for account, pk, first, last, title, email, role in rows:
        entry = people.setdefault(account, {}).setdefault(
            pk, (Person(f"{first} {last}".strip(), title, email), [])
        )
        if role not in entry[1]:
            entry[1].append(role)
    return {
        account: [
            Person(p.name, p.title, p.email, "; ".join(roles)) for p, roles in contacts.values()
        ]
        for account, contacts in people.items()
    }


def campaign_rows(
    user: User, snapshot: Snapshot, scores_qs: QuerySet[AccountScore], contacts: str = "primary"
) -> Iterator[list[Any]]:
    """The list's rows (HEADER's columns) for the ordered, filtered scores."""
    if contacts not in CONTACT_MODES:
        raise ValueError(f"contacts must be one of {', '.join(CONTACT_MODES)}")
    if contacts == "primary":
        scores_qs = scores_qs.annotate(primary_contact_id=selectors.primary_contacts(user))
    scores = list(scores_qs)
    names = selectors.item_names(snapshot)
    if contacts == "primary":
        people = primary_people(user, scores)
    else:
        people = buying_people(user, [s.account_id for s in scores])
    for s in scores:
        a = s.account
        account = [
            a.external_id or a.pk,
            a.name,
            str(a.owner or ""),
            a.territory,
            a.segment,
            a.industry,
            money(s.current_revenue),
            one_decimal(s.potential_score),
            s.play,
            PLAYS.get(s.play, ""),
            s.tier,
            money(s.whitespace_value),
            "; ".join(names.get(i, i) for i in s.next_best or []),
        ]
        for p in people.get(s.account_id) or [Person("", "", "")]:
            yield [*account, p.name, p.title, p.email, p.roles]


def list_name(play: str, contacts: str, as_of: Any) -> str:
    """The download's file name stem: 'grid-expand-buying-contacts-2026-11-30'."""
    parts = ["grid"] + ([play.lower()] if play else [])
    if contacts == "buying":
        parts.append("buying-contacts")
    return "-".join([*parts, str(as_of)])

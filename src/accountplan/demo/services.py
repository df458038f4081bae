"""Writing the demo book to the database, wiping the book, and the demo logins.

``load_demo_book`` writes a generated book in one transaction with ``bulk_create``; rows find
each other by external id, so the loader never depends on the order the database hands out keys.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models, transaction

from accountplan.book import models as m
from accountplan.core.models import Role, User
from accountplan.demo.generator import DEMO_AE, generate_book
from accountplan.demo.names import VENDOR_DOMAIN
from accountplan.demo.rows import ContactRow, DemoBook

#: Demo users carry this external-id prefix, so ``--reset`` removes them and nobody else.
USER_PREFIX = "DEMO-USR-"
#: The login ``accountplan demo`` creates or resets on every run.
DEMO_LOGIN = "demo"
BATCH = 1000

#: Called after each written step with its label, its row count and the seconds it took.
Progress = Callable[[str, int, float], None]


class DemoError(Exception):
    """The demo book cannot be written as asked; the message says what to do."""


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What ``load_demo_book`` wrote: rows per table and how long it took."""

    seed: int
    as_of: dt.date
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """A username and the password just set for it, to print once."""

    username: str
    password: str
    description: str


def _quiet(label: str, rows: int, seconds: float) -> None:
    """The default progress callback: say nothing."""


def book_is_empty() -> bool:
    """True when there is no account, product or opportunity yet."""
    return not (
        m.Account.objects.exists() or m.Product.objects.exists() or m.Opportunity.objects.exists()
    )


@transaction.atomic
def wipe_book() -> int:
    """Delete every row of the book of business, its campaigns and the demo users; return
    accounts deleted.

    Children go first so each delete is a plain one, not a cascade walked row by row.
    """
    from accountplan.campaigns.models import Campaign, CampaignChange

    accounts = m.Account.objects.count()
    # Campaigns are aimed at the book's products and accounts: without them a campaign is an
    # empty shell (and the demo, finding one, would write no campaign history).
    Campaign.objects.all().delete()
    CampaignChange.objects.all().delete()
    for model in (
        m.OpportunityContactRole,
        m.OpportunityLineItem,
        m.Activity,
        m.PurchaseLine,
        m.Opportunity,
        m.PotentialOverride,
        m.AccountTeamMember,
    ):
        model.objects.all().delete()
    m.Contact.objects.update(reports_to=None)
    m.Contact.objects.all().delete()
    m.BuyingCenter.objects.all().delete()
    m.Account.objects.update(parent=None)
    m.Account.objects.all().delete()
    m.Product.objects.all().delete()
    User.objects.filter(external_id__startswith=USER_PREFIX).delete()
    return accounts


@transaction.atomic
def ensure_demo_book(
    seed: int,
    as_of: dt.date,
    *,
    scale: float = 1.0,
    reset: bool = False,
    progress: Progress = _quiet,
) -> DemoSummary | None:
    """Wipe the book first when ``reset``; write the demo book when the book is empty.

    Returns the summary, or None when the book already had data and was kept.
    """
    if reset:
        started = time.perf_counter()
        wiped = wipe_book()
        progress("Wiped the book", wiped, time.perf_counter() - started)
    if not book_is_empty():
        return None
    return load_demo_book(seed, as_of, scale=scale, progress=progress)


@transaction.atomic
def load_demo_book(
    seed: int, as_of: dt.date, *, scale: float = 1.0, progress: Progress = _quiet
) -> DemoSummary:
    """Generate the demo book for ``seed`` and ``as_of`` and write it in one transaction.

    The book must be empty (see ``ensure_demo_book``); demo users left from an earlier book are
    replaced. Raises ``DemoError`` when a demo username belongs to a real user.
    """
    began = time.perf_counter()
    clock = [began]
    counts: dict[str, int] = {}

    def done(label: str, rows: int) -> None:
        now = time.perf_counter()
        counts[label] = rows
        progress(label, rows, now - clock[0])
        clock[0] = now

    book = generate_book(seed, as_of, scale)
    done("Generated rows", sum(len(v) for v in _row_lists(book)))
    users = _write_users(book)
    done("Users", len(users))
    products = _keys(
        m.Product,
        _bulk(
            m.Product,
            (
                m.Product(
                    external_id=p.external_id, name=p.name, family=p.family, list_price=p.list_price
                )
                for p in book.products
            ),
        ),
    )
    done("Products", len(products))
    accounts = _write_accounts(book, users)
    done("Accounts", len(accounts))
    centers = _keys(
        m.BuyingCenter,
        _bulk(
            m.BuyingCenter,
            (
                m.BuyingCenter(
                    external_id=c.external_id,
                    account_id=accounts[c.account],
                    name=c.name,
                    kind=c.kind,
                )
                for c in book.buying_centers
            ),
        ),
    )
    done("Buying centers", len(centers))
    contacts = _write_contacts(book.contacts, accounts, centers)
    done("Contacts", len(contacts))
    _bulk(
        m.AccountTeamMember,
        (
            m.AccountTeamMember(
                account_id=accounts[t.account],
                user_id=users[t.user],
                function=t.function,
                responsibility=t.responsibility,
            )
            for t in book.team
        ),
    )
    done("Account team members", len(book.team))
    opps = _keys(
        m.Opportunity,
        _bulk(
            m.Opportunity,
            (
                m.Opportunity(
                    external_id=o.external_id,
                    account_id=accounts[o.account],
                    buying_center_id=centers.get(o.buying_center or ""),
                    product_id=products[o.product],
                    name=o.name,
                    type=o.type,
                    stage=o.stage,
                    status=o.status,
                    amount=o.amount,
                    created_date=o.created_date,
                    close_date=o.close_date,
                    owner_id=users[o.owner],
                    loss_reason=o.loss_reason,
                    competitor=o.competitor,
                )
                for o in book.opportunities
            ),
        ),
    )
    done("Opportunities", len(opps))
    _bulk(
        m.OpportunityLineItem,
        (
            m.OpportunityLineItem(
                external_id=f"{o.external_id}-1",
                opportunity_id=opps[o.external_id],
                product_id=products[o.product],
                quantity=o.quantity,
                unit_price=o.unit_price,
                amount=o.amount,
            )
            for o in book.opportunities
        ),
    )
    done("Opportunity line items", len(book.opportunities))
    _bulk(
        m.OpportunityContactRole,
        (
            m.OpportunityContactRole(
                external_id=r.external_id,
                opportunity_id=opps[r.opportunity],
                contact_id=contacts[r.contact],
                role=r.role,
                is_primary=r.is_primary,
            )
            for r in book.contact_roles
        ),
    )
    done("Opportunity contact roles", len(book.contact_roles))
    _bulk(
        m.PurchaseLine,
        (
            m.PurchaseLine(
                external_id=p.external_id,
                account_id=accounts[p.account],
                buying_center_id=centers.get(p.buying_center or ""),
                product_id=products[p.product],
                date=p.date,
                quantity=p.quantity,
                amount=p.amount,
            )
            for p in book.purchase_lines
        ),
    )
    done("Purchase lines", len(book.purchase_lines))
    _bulk(
        m.Activity,
        (
            m.Activity(
                external_id=a.external_id,
                account_id=accounts[a.account],
                contact_id=contacts.get(a.contact or ""),
                opportunity_id=opps.get(a.opportunity or ""),
                kind=a.kind,
                subject=a.subject,
                date=a.date,
                owner_id=users[a.owner],
                notes=a.notes,
            )
            for a in book.activities
        ),
    )
    done("Activities", len(book.activities))
    _bulk(
        m.PotentialOverride,
        (
            m.PotentialOverride(
                account_id=accounts[o.account],
                product_id=products[o.product] if o.product else None,
                family=o.family,
                amount=o.amount,
                note=o.note,
            )
            for o in book.overrides
        ),
    )
    done("Potential overrides", len(book.overrides))
    counts.pop("Generated rows")
    return DemoSummary(seed, as_of, counts, time.perf_counter() - began)


def _row_lists(book: DemoBook) -> Iterable[Sequence[Any]]:
    return (
        book.users,
        book.products,
        book.accounts,
        book.buying_centers,
        book.contacts,
        book.opportunities,
        book.contact_roles,
        book.purchase_lines,
        book.activities,
        book.team,
        book.overrides,
    )


def _bulk[M: models.Model](model: type[M], objs: Iterable[M]) -> list[M]:
    return model.objects.bulk_create(list(objs), batch_size=BATCH)  # type: ignore[attr-defined]


def _keys[M: models.Model](model: type[M], created: list[M]) -> dict[str, int]:
    """External id → primary key of rows just created (read back if the backend did not say)."""
    if all(obj.pk is not None for obj in created):
        return {obj.external_id: obj.pk for obj in created}  # type: ignore[attr-defined]
    wanted = [obj.external_id for obj in created]  # type: ignore[attr-defined]
    found: dict[str, int] = {}
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        found.update(
            model.objects.filter(external_id__in=chunk).values_list("external_id", "pk")  # type: ignore[attr-defined]
        )
    return found


def _write_users(book: DemoBook) -> dict[str, int]:
    """The demo sales organisation, with unusable passwords; managers linked afterwards."""
    usernames = [u.username for u in book.users]
    clash = list(
        User.objects.filter(username__in=usernames)
        .exclude(external_id__startswith=USER_PREFIX)
        .values_list("username", flat=True)
    )
    if clash:
        raise DemoError(
            f"These usernames belong to existing users, not demo users: {', '.join(clash)}. "
            "Rename them or use a fresh database for the demo."
        )
    User.objects.filter(external_id__startswith=USER_PREFIX, username__in=usernames).delete()
    created = _bulk(
        User,
        (
            User(
                username=u.username,
                first_name=u.first_name,
                last_name=u.last_name,
                email=f"{u.username}@{VENDOR_DOMAIN}",
                role=u.role,
                title=u.title,
                territory=u.territory,
                external_id=u.external_id,
                password=make_password(None),
            )
            for u in book.users
        ),
    )
    keys = {u.username: u.pk for u in created}
    if any(pk is None for pk in keys.values()):
        keys = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
    managed = []
    for row in book.users:
        if row.manager:
            managed.append(User(pk=keys[row.username], manager_id=keys[row.manager]))
    User.objects.bulk_update(managed, ["manager"], batch_size=BATCH)
    return keys


def _write_accounts(book: DemoBook, users: dict[str, int]) -> dict[str, int]:
    """Accounts level by level, so a subsidiary's parent already has its key."""
    keys: dict[str, int] = {}
    pending = list(book.accounts)
    while pending:
        ready = [a for a in pending if a.parent is None or a.parent in keys]
        if not ready:
            raise DemoError("The generated account hierarchy has a cycle.")
        created = _bulk(
            m.Account,
            (
                m.Account(
                    external_id=a.external_id,
                    name=a.name,
                    parent_id=keys[a.parent] if a.parent else None,
                    industry=a.industry,
                    segment=a.segment,
                    territory=a.territory,
                    country=a.country,
                    employees=a.employees,
                    annual_revenue=a.annual_revenue,
                    founded_year=a.founded_year,
                    website=a.website,
                    owner_id=users[a.owner],
                    status=a.status,
                    satisfaction=a.satisfaction,
                    cost_to_serve=a.cost_to_serve,
                    gross_margin=a.gross_margin,
                )
                for a in ready
            ),
        )
        keys.update(_keys(m.Account, created))
        done = {a.external_id for a in ready}
        pending = [a for a in pending if a.external_id not in done]
    return keys


def _write_contacts(
    rows: list[ContactRow], accounts: dict[str, int], centers: dict[str, int]
) -> dict[str, int]:
    """Contacts level by level (executives, directors, managers) so ``reports_to`` resolves."""
    keys: dict[str, int] = {}
    for level in sorted({r.level for r in rows}):
        created = _bulk(
            m.Contact,
            (
                m.Contact(
                    external_id=c.external_id,
                    account_id=accounts[c.account],
                    buying_center_id=centers.get(c.buying_center or ""),
                    first_name=c.first_name,
                    last_name=c.last_name,
                    title=c.title,
                    department=c.department,
                    reports_to_id=keys[c.reports_to] if c.reports_to else None,
                    email=c.email,
                    phone=c.phone,
                )
                for c in rows
                if c.level == level
            ),
        )
        keys.update(_keys(m.Contact, created))
    return keys


def reset_demo_logins() -> list[DemoLogin]:
    """Create or reset the ``demo`` manager login (and the demo AE's) with fresh passwords."""
    logins: list[DemoLogin] = []
    user = User.objects.filter(username=DEMO_LOGIN).first()
    if user is None:
        user = User(username=DEMO_LOGIN, external_id=f"{USER_PREFIX}{DEMO_LOGIN}")
    user.first_name, user.last_name = "Demo", "Manager"
    user.email = f"demo@{VENDOR_DOMAIN}"
    user.role = Role.MANAGER
    user.title = "Sales manager (demo login)"
    user.is_staff = user.is_superuser = user.is_active = True
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    user.save()
    logins.append(DemoLogin(DEMO_LOGIN, password, "sales manager and admin: the whole book"))
    ae = User.objects.filter(username=DEMO_AE, external_id=f"{USER_PREFIX}{DEMO_AE}").first()
    if ae is not None:
        password = secrets.token_urlsafe(12)
        ae.set_password(password)
        ae.is_active = True
        ae.save(update_fields=["password", "is_active"])
        logins.append(DemoLogin(DEMO_AE, password, "account executive: only their accounts"))
    return logins

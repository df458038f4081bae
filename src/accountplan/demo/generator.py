"""The deterministic synthetic demo book: plain rows from a seeded ``random.Random``.

``generate_book(seed, as_of)`` touches no database and reads no clock: every date is an offset
from ``as_of``, every choice comes from ``random.Random(seed)``. The same seed and as-of date give
equal books; ``services.load_demo_book`` writes one.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import unicodedata
from dataclasses import replace
from decimal import Decimal

from accountplan.demo import names
from accountplan.demo.commerce import (
    HISTORY_DAYS,
    AccountContext,
    Counters,
    account_commerce,
    add_years,
    money,
)
from accountplan.demo.engagement import activities, contact_roles
from accountplan.demo.rows import (
    AccountRow,
    BuyingCenterRow,
    ContactRow,
    DemoBook,
    PotentialOverrideRow,
    ProductRow,
    TeamMemberRow,
    UserRow,
)

#: Accounts in a full-size book (``scale=1``).
FULL_SIZE = 300
#: The AE whose login ``accountplan demo`` prints beside the manager's, to show a scoped view.
DEMO_AE = "ae.demo"

SEGMENTS = ("Enterprise", "Mid-market", "SMB")
SEGMENT_WEIGHTS = (20, 40, 40)
EMPLOYEES = {"Enterprise": (5_000, 120_000), "Mid-market": (500, 4_999), "SMB": (20, 499)}
TERRITORY_WEIGHTS = (5, 4, 3, 4, 3, 3)

# (username, first, last, role, title, territory, manager)
USERS: tuple[tuple[str, str, str, str, str, str, str | None], ...] = (
    ("catherine.dubois", "Catherine", "Dubois", "manager", "Chief Revenue Officer", "", None),
    (
        "marcus.bell",
        "Marcus",
        "Bell",
        "manager",
        "VP Sales, North America",
        "North America",
        "catherine.dubois",
    ),
    (
        "elena.rossi",
        "Elena",
        "Rossi",
        "manager",
        "VP Sales, International",
        "EMEA & APAC",
        "catherine.dubois",
    ),
    (DEMO_AE, "Sam", "Carter", "ae", "Account Executive", "North America East", "marcus.bell"),
    ("jordan.lee", "Jordan", "Lee", "ae", "Account Executive", "North America West", "marcus.bell"),
    (
        "priya.nair",
        "Priya",
        "Nair",
        "ae",
        "Account Executive",
        "North America Central",
        "marcus.bell",
    ),
    ("tom.schneider", "Tom", "Schneider", "ae", "Account Executive", "EMEA North", "elena.rossi"),
    (
        "lucia.fernandez",
        "Lucía",
        "Fernández",
        "ae",
        "Account Executive",
        "EMEA South",
        "elena.rossi",
    ),
    ("kenji.tanaka", "Kenji", "Tanaka", "ae", "Account Executive", "APAC", "elena.rossi"),
    ("omar.haddad", "Omar", "Haddad", "ae", "Solutions Engineer", "North America", "marcus.bell"),
    ("grace.kim", "Grace", "Kim", "ae", "Solutions Engineer", "EMEA & APAC", "elena.rossi"),
    (
        "ben.oconnor",
        "Ben",
        "O'Connor",
        "ae",
        "Customer Success Manager",
        "North America",
        "marcus.bell",
    ),
    ("aisha.bello", "Aisha", "Bello", "ae", "Customer Success Manager", "EMEA", "elena.rossi"),
    ("liam.walsh", "Liam", "Walsh", "ae", "Customer Success Manager", "APAC", "elena.rossi"),
    ("chloe.martin", "Chloé", "Martin", "marketing", "Account-Based Marketing Manager", "", None),
    ("diego.alvarez", "Diego", "Álvarez", "marketing", "Field Marketing Manager", "", None),
    ("nadia.kowalski", "Nadia", "Kowalski", "admin", "Revenue Operations Lead", "", None),
    ("felix.wagner", "Felix", "Wagner", "admin", "Sales Operations Analyst", "", None),
    ("hannah.berg", "Hannah", "Berg", "viewer", "Order Operations Specialist", "", None),
    ("victor.huang", "Victor", "Huang", "viewer", "Finance Business Partner", "", None),
)
TERRITORY_AE = {u[5]: u[0] for u in USERS if u[4] == "Account Executive"}
NORTH_AMERICA = ("North America East", "North America West", "North America Central")


def ascii_slug(text: str, sep: str = "-") -> str:
    """``Müller & Co`` → ``muller-co``: safe for host names and email local parts."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", sep, folded.lower()).strip(sep)


def _log_uniform(rng: random.Random, low: int, high: int) -> int:
    return round(math.exp(rng.uniform(math.log(low), math.log(high))))


def generate_book(seed: int, as_of: dt.date, scale: float = 1.0) -> DemoBook:
    """A whole demo book: ~300 × ``scale`` accounts with everything that belongs to them."""
    rng = random.Random(seed)
    book = DemoBook(seed=seed, as_of=as_of)
    book.users = [UserRow(*u) for u in USERS]
    book.products = [
        ProductRow(f"DEMO-PRD-{i:02d}", p.name, p.family, p.list_price, p.unit)
        for i, p in enumerate(names.CATALOGUE, start=1)
    ]
    book.accounts = _accounts(rng, as_of, max(10, round(FULL_SIZE * scale)))
    ids = Counters()
    contexts: list[AccountContext] = []
    for account in book.accounts:
        centers = _buying_centers(rng, account)
        contacts = _contacts(rng, account, centers)
        team = _team(rng, account, book.accounts)
        book.buying_centers.extend(centers)
        book.contacts.extend(contacts)
        book.team.extend(team)
        churn = None
        if account.status == "former":
            churn = as_of - dt.timedelta(days=rng.randint(200, 700))
        silent = None
        if rng.random() < 0.12:
            silent = as_of - dt.timedelta(days=rng.randint(100, 300))
        ctx = AccountContext(
            account,
            centers,
            contacts,
            [t.user for t in team if t.user != account.owner],
            churn,
            silent,
        )
        account_commerce(rng, book, ids, ctx, book.products)
        contexts.append(ctx)
    for ctx in contexts:
        book.opportunities.extend(ctx.opportunities)
        book.contact_roles.extend(contact_roles(rng, ids, ctx))
        book.activities.extend(activities(rng, ids, ctx, as_of))
    book.accounts = _finances(rng, book)
    book.overrides = _overrides(rng, book)
    return book


def _accounts(rng: random.Random, as_of: dt.date, count: int) -> list[AccountRow]:
    """Companies, some of them groups with subsidiaries, parents listed before children."""
    taken: set[str] = set()
    rows: list[AccountRow] = []
    territories = tuple(names.TERRITORIES)
    while len(rows) < count:
        industry = rng.choice(tuple(names.INDUSTRIES))
        segment = rng.choices(SEGMENTS, weights=SEGMENT_WEIGHTS)[0]
        territory = rng.choices(territories, weights=TERRITORY_WEIGHTS)[0]
        stem = rng.choice(names.NAME_STEMS)
        word = rng.choice(names.INDUSTRY_WORDS[industry])
        if f"{stem} {word}" in taken:
            continue
        has_children = segment != "SMB" and rng.random() < (
            0.35 if segment == "Enterprise" else 0.1
        )
        status = rng.choices(("customer", "prospect", "former"), weights=(78, 15, 7))[0]
        if has_children:
            status = "customer"
        parent = _account(
            rng, as_of, len(rows) + 1, f"{stem} {word}", None, industry, segment, territory, status
        )
        taken.add(f"{stem} {word}")
        rows.append(parent)
        if not has_children:
            continue
        for _ in range(min(rng.randint(1, 4), count - len(rows))):
            sub_territory = rng.choices(territories, weights=TERRITORY_WEIGHTS)[0]
            sub_industry = industry if rng.random() < 0.8 else rng.choice(tuple(names.INDUSTRIES))
            suffix = names.SUBSIDIARY_REGIONS[sub_territory]
            if sub_territory == territory or f"{stem} {suffix}" in taken:
                suffix = rng.choice(names.INDUSTRY_WORDS[sub_industry])
            base = f"{stem} {suffix}"
            if base in taken:
                continue
            taken.add(base)
            sub_segment = (
                "Mid-market" if segment == "Enterprise" and rng.random() < 0.6 else segment
            )
            rows.append(
                _account(
                    rng,
                    as_of,
                    len(rows) + 1,
                    base,
                    parent,
                    sub_industry,
                    sub_segment,
                    sub_territory,
                    rng.choices(("customer", "prospect"), weights=(85, 15))[0],
                )
            )
    return rows


def _account(
    rng: random.Random,
    as_of: dt.date,
    number: int,
    base: str,
    parent: AccountRow | None,
    industry: str,
    segment: str,
    territory: str,
    status: str,
) -> AccountRow:
    countries, weights = names.TERRITORIES[territory]
    country = rng.choices(countries, weights=weights)[0]
    employees = _log_uniform(rng, *EMPLOYEES[segment])
    per_employee, _ = names.INDUSTRIES[industry]
    revenue = Decimal(round(employees * per_employee * rng.lognormvariate(0, 0.3), -3))
    satisfaction = None
    if status != "prospect" and rng.random() >= 0.15:
        satisfaction = Decimal(str(round(min(10.0, max(1.0, rng.gauss(7.6, 1.3))), 1)))
    oldest = {"Enterprise": 120, "Mid-market": 60, "SMB": 30}[segment]
    return AccountRow(
        external_id=f"DEMO-ACC-{number:04d}",
        name=f"{base} {names.LEGAL_FORMS[country]}",
        parent=parent.external_id if parent else None,
        industry=industry,
        segment=segment,
        territory=territory,
        country=country,
        employees=employees,
        annual_revenue=money(revenue),
        founded_year=as_of.year - rng.randint(3, oldest),
        website=f"https://www.{ascii_slug(base)}.{names.EMAIL_DOMAIN_SUFFIX}",
        owner=TERRITORY_AE[territory],
        status=status,
        satisfaction=satisfaction,
        cost_to_serve=None,
        gross_margin=None,
    )


def _buying_centers(rng: random.Random, account: AccountRow) -> list[BuyingCenterRow]:
    """Enterprises have several divisions, departments and sites; small firms one or none."""
    low, high = {"Enterprise": (3, 6), "Mid-market": (1, 3), "SMB": (0, 1)}[account.segment]
    count = rng.randint(low, high)
    pool = [
        *((n, "division") for n in names.DIVISION_NAMES),
        *((n, "department") for n in names.DEPARTMENT_CENTERS),
        *((f"{c} site", "site") for c in names.SITE_CITIES),
    ]
    number = int(account.external_id.rsplit("-", 1)[1])
    return [
        BuyingCenterRow(f"DEMO-BC-{number:04d}-{i}", account.external_id, name, kind)
        for i, (name, kind) in enumerate(rng.sample(pool, count), start=1)
    ]


def _contacts(
    rng: random.Random, account: AccountRow, centers: list[BuyingCenterRow]
) -> list[ContactRow]:
    """An org chart: one executive, directors reporting to them, managers to the directors."""
    domain = account.website.removeprefix("https://www.")
    number = int(account.external_id.rsplit("-", 1)[1])
    directors_range, managers_range = {
        "Enterprise": ((3, 5), (1, 3)),
        "Mid-market": ((2, 3), (0, 2)),
        "SMB": ((1, 2), (0, 1)),
    }[account.segment]
    used: set[str] = set()
    rows: list[ContactRow] = []

    def person(
        title: str, department: str, boss: ContactRow | None, level: int, center: str | None
    ) -> ContactRow:
        while True:
            first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES)
            local = f"{ascii_slug(first, '')}.{ascii_slug(last, '')}"
            if local not in used:
                break
        used.add(local)
        row = ContactRow(
            external_id=f"DEMO-CON-{number:04d}-{len(rows) + 1:02d}",
            account=account.external_id,
            buying_center=center,
            first_name=first,
            last_name=last,
            title=title,
            department=department,
            reports_to=boss.external_id if boss else None,
            email=f"{local}@{domain}",
            phone=f"+1-555-01{rng.randint(0, 99):02d}",
            level=level,
        )
        rows.append(row)
        return row

    title, department = rng.choice(names.EXECUTIVE_TITLES)
    executive = person(title, department, None, 0, None)
    for department in rng.sample(names.DEPARTMENTS, rng.randint(*directors_range)):
        center = rng.choice(centers).external_id if centers and rng.random() < 0.6 else None
        director = person(
            rng.choice(names.DIRECTOR_TITLES).format(d=department),
            department,
            executive,
            1,
            center,
        )
        for _ in range(rng.randint(*managers_range)):
            person(
                rng.choice(names.MANAGER_TITLES).format(d=department),
                department,
                director,
                2,
                center,
            )
    return rows


def _team(
    rng: random.Random, account: AccountRow, accounts: list[AccountRow]
) -> list[TeamMemberRow]:
    """The cross-functional account team: owner, support, service, marketing, ops, sponsor."""
    na = account.territory in NORTH_AMERICA
    big = account.segment == "Enterprise"
    members = [TeamMemberRow(account.external_id, account.owner, "sales", "Account owner")]
    if account.parent:
        parent = next(a for a in accounts if a.external_id == account.parent)
        if parent.owner != account.owner:
            members.append(
                TeamMemberRow(account.external_id, parent.owner, "sales", "Global account lead")
            )
    if big or (account.segment == "Mid-market" and rng.random() < 0.5):
        engineer = "omar.haddad" if na else "grace.kim"
        members.append(
            TeamMemberRow(account.external_id, engineer, "sales_support", "Solution design, demos")
        )
    if account.status != "prospect" and (big or rng.random() < 0.7):
        csm = (
            "ben.oconnor"
            if na
            else ("liam.walsh" if account.territory == "APAC" else "aisha.bello")
        )
        members.append(
            TeamMemberRow(account.external_id, csm, "service", "Onboarding, adoption, renewals")
        )
    if big or rng.random() < 0.25:
        marketer = rng.choice(("chloe.martin", "diego.alvarez"))
        members.append(
            TeamMemberRow(account.external_id, marketer, "marketing", "Account-based campaigns")
        )
    if (big and rng.random() < 0.5) or rng.random() < 0.12:
        ops = rng.choice(("felix.wagner", "hannah.berg"))
        members.append(
            TeamMemberRow(account.external_id, ops, "operations", "Orders, invoicing, contracts")
        )
    if big and (account.employees > 20_000 or account.parent is None):
        sponsor = rng.choice(("catherine.dubois", "marcus.bell" if na else "elena.rossi"))
        members.append(
            TeamMemberRow(
                account.external_id, sponsor, "executive_sponsor", "Executive relationship"
            )
        )
    return members


def _finances(rng: random.Random, book: DemoBook) -> list[AccountRow]:
    """Gross margin from the last twelve months' revenue; a few accounts cost more than they earn.

    Revenue is counted as the analytics count it: won deals by close date plus order lines by
    order date, after the as-of date minus 12 calendar months and up to the as-of date.
    """
    revenue = recent_revenue(book)
    rows: list[AccountRow] = []
    for account in book.accounts:
        recent = revenue.get(account.external_id, Decimal(0))
        if account.status == "prospect" or recent == 0:
            rows.append(account)
            continue
        margin = money(recent * Decimal(str(round(rng.uniform(0.55, 0.78), 3))))
        if rng.random() < 0.04:
            cost = money(margin * Decimal(str(round(rng.uniform(1.05, 1.6), 3))))
        else:
            fixed = {"Enterprise": 40_000, "Mid-market": 12_000, "SMB": 3_000}[account.segment]
            share = Decimal(str(round(rng.uniform(0.08, 0.35), 3)))
            cost = min(money(recent * share + fixed), money(margin * Decimal("0.9")))
        rows.append(replace(account, gross_margin=margin, cost_to_serve=cost))
    return rows


def recent_revenue(book: DemoBook) -> dict[str, Decimal]:
    """Account external id → revenue of the 12 months up to the as-of date (won deals + orders)."""
    since = add_years(book.as_of, -1)
    revenue: dict[str, Decimal] = {}
    sales = [(o.account, o.close_date, o.amount) for o in book.opportunities if o.status == "won"]
    sales += [(p.account, p.date, p.amount) for p in book.purchase_lines]
    for account, day, amount in sales:
        if since < day <= book.as_of:
            revenue[account] = revenue.get(account, Decimal(0)) + amount
    return revenue


def _overrides(rng: random.Random, book: DemoBook) -> list[PotentialOverrideRow]:
    """A few potentials entered by hand, per product or per family, for big customers."""
    big = [a for a in book.accounts if a.status == "customer" and a.segment == "Enterprise"]
    rows: list[PotentialOverrideRow] = []
    for account in rng.sample(big, min(8, len(big))):
        if rng.random() < 0.5:
            product = rng.choice(book.products)
            amount = money(product.list_price * rng.randint(20, 400))
            rows.append(
                PotentialOverrideRow(
                    account.external_id,
                    product.external_id,
                    "",
                    amount,
                    "Sized with the customer at the last QBR",
                )
            )
        else:
            family = rng.choice(names.FAMILIES)
            amount = Decimal(rng.randint(5, 60) * 10_000)
            rows.append(
                PotentialOverrideRow(
                    account.external_id, None, family, amount, "Budget shared by the customer's CIO"
                )
            )
    return rows


__all__ = ["DEMO_AE", "FULL_SIZE", "HISTORY_DAYS", "generate_book", "recent_revenue"]

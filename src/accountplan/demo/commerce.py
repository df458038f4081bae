"""What each demo account bought, tried to buy and talked about: deals, orders and activities.

Pure functions of a ``random.Random`` and plain rows. The buying follows the industry affinities
and sizes of ``names``, so white space, peers' revenue per employee and propensity look real:
hospitals buy security rather than field kits, an enterprise buys more seats than a shop.

Every sale is recorded exactly once, as a won deal or as an order line, never both, because the
analytics add the two up. Subscriptions (seats, licences) are sold, upsold and renewed through
deals and have no order lines. Run-rate products (services, hardware, usage) are first bought
through a won new-business or cross-sell deal, then reordered through order lines only.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from accountplan.demo import names
from accountplan.demo.rows import (
    AccountRow,
    BuyingCenterRow,
    ContactRow,
    DemoBook,
    OpportunityRow,
    ProductRow,
    PurchaseLineRow,
)

CENT = Decimal("0.01")
#: The book covers three years of history before the as-of date.
HISTORY_DAYS = 3 * 365
SIZE_FACTOR = {"Enterprise": 1.0, "Mid-market": 0.8, "SMB": 0.55}
#: Units sold as annual subscriptions, through deals only.
SUBSCRIPTION_UNITS = frozenset({"seat", "license"})
#: Run-rate units: days between two reorders of one account (a cell draws its own pace).
REORDER_DAYS = {"usage": (28, 33), "service": (30, 110), "hardware": (45, 160)}
#: Smaller firms reorder services and hardware less often (usage is billed monthly for all).
PACE_FACTOR = {"Enterprise": 1.0, "Mid-market": 1.3, "SMB": 2.0}
#: Chance that an account stops reordering a run-rate product after an order.
LAPSE_CHANCE = 0.015
#: A firm buys no annual licence dearer than this per employee (no $96k platform for 20 people).
LICENCE_PER_EMPLOYEE = Decimal(2000)
PRODUCT_SIZE_FACTOR = {"Enterprise": 1.15, "Mid-market": 1.0, "SMB": 0.7}


@dataclass(slots=True)
class Counters:
    """Running numbers for external ids, shared by every account of one book."""

    opportunity: int = 0
    line: int = 0
    role: int = 0
    activity: int = 0

    def next_opportunity(self) -> str:
        self.opportunity += 1
        return f"DEMO-OPP-{self.opportunity:06d}"

    def next_line(self) -> str:
        self.line += 1
        return f"DEMO-PL-{self.line:06d}"

    def next_role(self) -> str:
        self.role += 1
        return f"DEMO-OCR-{self.role:06d}"

    def next_activity(self) -> str:
        self.activity += 1
        return f"DEMO-ACT-{self.activity:06d}"


@dataclass(slots=True)
class AccountContext:
    """One account with everything its deals need: centers, contacts, team, discount."""

    account: AccountRow
    centers: list[BuyingCenterRow]
    contacts: list[ContactRow]
    team_users: list[str]
    churn_date: dt.date | None
    silent_since: dt.date | None
    opportunities: list[OpportunityRow] = field(default_factory=list)


def money(value: Decimal) -> Decimal:
    """Round to cents the way an invoice does."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def price(quantity: int, product: ProductRow, discount: Decimal) -> Decimal:
    """Quantity × list price less the account's discount."""
    return money(Decimal(quantity) * product.list_price * (1 - discount))


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def base_quantity(rng: random.Random, product: ProductRow, account: AccountRow, k: float) -> int:
    """How much of ``product`` an account of this size buys; ``k`` is its buying intensity."""
    emp = account.employees
    if product.unit == "seat":
        return max(5, round(emp * rng.uniform(0.03, 0.15) * k))
    if product.unit == "license":
        top = {"Enterprise": 4, "Mid-market": 2, "SMB": 1}[account.segment]
        return rng.randint(1, top)
    if product.unit == "service":
        return min(120, max(3, round(math.sqrt(emp) * 0.6 * k)))
    if product.unit == "usage":
        return min(200, max(1, round(emp * 0.002 * k)))
    return min(400, max(2, round(emp * 0.01 * k)))


def choose_products(
    rng: random.Random, account: AccountRow, catalogue: Sequence[ProductRow]
) -> list[ProductRow]:
    """The products an account buys: families by industry affinity and size, then products."""
    _, affinity = names.INDUSTRIES[account.industry]
    size = SIZE_FACTOR[account.segment]
    popularity = {c.name: c.popularity for c in names.CATALOGUE}
    chosen: list[ProductRow] = []
    for index, family in enumerate(names.FAMILIES):
        # Every customer runs the core platform; the rest follows industry and size.
        if index > 0 and rng.random() >= affinity[index] * size:
            continue
        in_family = [
            p
            for p in catalogue
            if p.family == family
            and (p.unit != "license" or p.list_price <= account.employees * LICENCE_PER_EMPLOYEE)
        ]
        picked = [
            p
            for p in in_family
            if rng.random() < popularity[p.name] * PRODUCT_SIZE_FACTOR[account.segment]
        ]
        if not picked:
            picked = [rng.choices(in_family, weights=[popularity[p.name] for p in in_family])[0]]
        chosen.extend(picked)
    return chosen


def _deal(
    ids: Counters,
    ctx: AccountContext,
    product: ProductRow,
    center: str | None,
    *,
    kind: str,
    status: str,
    quantity: int,
    discount: Decimal,
    created: dt.date,
    close: dt.date,
    rng: random.Random,
) -> OpportunityRow:
    """One opportunity with a stage label that maps to its status."""
    loss_reason = competitor = ""
    if status == "won":
        stage = names.WON_STAGE
    elif status == "lost":
        stage = names.LOST_STAGE
        loss_reason = rng.choice(names.LOSS_REASONS)
        if loss_reason not in names.NO_COMPETITOR_REASONS:
            competitor = rng.choice(names.COMPETITORS)
    else:
        stage = rng.choice(names.OPEN_STAGES)[0]
    label = {"new": "New", "upsell": "Upsell", "cross_sell": "Cross-sell", "renewal": "Renewal"}
    row = OpportunityRow(
        external_id=ids.next_opportunity(),
        account=ctx.account.external_id,
        buying_center=center,
        product=product.external_id,
        name=f"{ctx.account.name}: {product.name} {label[kind]} {close.year}",
        type=kind,
        stage=stage,
        status=status,
        quantity=Decimal(quantity),
        unit_price=money(product.list_price * (1 - discount)),
        amount=price(quantity, product, discount),
        created_date=created,
        close_date=close,
        owner=ctx.account.owner,
        loss_reason=loss_reason,
        competitor=competitor,
    )
    ctx.opportunities.append(row)
    return row


def _line(
    ids: Counters,
    ctx: AccountContext,
    product: ProductRow,
    center: str | None,
    day: dt.date,
    quantity: int,
    discount: Decimal,
) -> PurchaseLineRow:
    return PurchaseLineRow(
        external_id=ids.next_line(),
        account=ctx.account.external_id,
        buying_center=center,
        product=product.external_id,
        date=day,
        quantity=Decimal(quantity),
        amount=price(quantity, product, discount),
    )


def account_commerce(
    rng: random.Random,
    book: DemoBook,
    ids: Counters,
    ctx: AccountContext,
    catalogue: Sequence[ProductRow],
) -> None:
    """Append the account's opportunities and purchase lines over the three years to ``book``."""
    as_of = book.as_of
    start = as_of - dt.timedelta(days=HISTORY_DAYS)
    account = ctx.account
    discount = Decimal(str(round(rng.uniform(0.0, 0.22), 2)))
    k = rng.lognormvariate(0, 0.45)
    center_ids = [c.external_id for c in ctx.centers]

    def pick_center() -> str | None:
        return rng.choice(center_ids) if center_ids and rng.random() < 0.75 else None

    if account.status == "prospect":
        _prospect_deals(rng, ids, ctx, catalogue, discount, k, as_of)
        return

    end = ctx.churn_date or as_of
    if rng.random() < 0.7:
        since = start - dt.timedelta(days=rng.randint(30, 1500))
    else:
        since = start + dt.timedelta(days=rng.randint(0, max(1, (end - start).days - 120)))
    owned = choose_products(rng, account, catalogue)
    for position, product in enumerate(owned):
        offset = 0 if position == 0 else rng.randint(0, max(1, (end - since).days - 30))
        adopted = since + dt.timedelta(days=offset)
        first_kind = "new" if position == 0 else "cross_sell"
        center = pick_center()
        quantity = base_quantity(rng, product, account, k)
        if product.unit in SUBSCRIPTION_UNITS:
            _subscription(
                rng, book, ids, ctx, product, center, adopted, first_kind, quantity, discount
            )
        else:
            _run_rate(rng, book, ids, ctx, product, center, adopted, first_kind, quantity, discount)

    # Cross-sells tried and lost, and open pipeline on white space and upsells.
    owned_ids = {p.external_id for p in owned}
    white_space = [p for p in catalogue if p.external_id not in owned_ids]
    for _ in range(rng.randint(0, 3)):
        if not white_space:
            break
        product = rng.choice(white_space)
        close = start + dt.timedelta(days=rng.randint(60, (end - start).days))
        created = close - dt.timedelta(days=rng.randint(30, 150))
        quantity = base_quantity(rng, product, account, k)
        _deal(
            ids,
            ctx,
            product,
            pick_center(),
            kind="cross_sell",
            status="lost",
            quantity=quantity,
            discount=discount,
            created=created,
            close=close,
            rng=rng,
        )
    if ctx.churn_date is None:
        for _ in range(rng.randint(0, 3)):
            upsell = rng.random() < 0.4 and any(p.unit == "seat" for p in owned)
            pool = [p for p in owned if p.unit == "seat"] if upsell else white_space
            if not pool:
                continue
            product = rng.choice(pool)
            quantity = base_quantity(rng, product, account, k)
            if upsell:
                quantity = max(5, quantity // 4)
            created = as_of - dt.timedelta(days=rng.randint(5, 120))
            close = as_of + dt.timedelta(days=rng.randint(10, 180))
            _deal(
                ids,
                ctx,
                product,
                pick_center(),
                kind="upsell" if upsell else "cross_sell",
                status="open",
                quantity=quantity,
                discount=discount,
                created=created,
                close=close,
                rng=rng,
            )


def _subscription(
    rng: random.Random,
    book: DemoBook,
    ids: Counters,
    ctx: AccountContext,
    product: ProductRow,
    center: str | None,
    adopted: dt.date,
    first_kind: str,
    quantity: int,
    discount: Decimal,
) -> None:
    """An annual subscription, sold through deals only: the first sale, renewals, upsells, churn.

    No order lines: the won deal is the sale.
    """
    as_of = book.as_of
    start = as_of - dt.timedelta(days=HISTORY_DAYS)
    year = 0
    while True:
        anniversary = add_years(adopted, year)
        churned = ctx.churn_date is not None and anniversary > ctx.churn_date
        if anniversary > as_of:
            break
        kind = first_kind if year == 0 else "renewal"
        created = anniversary - dt.timedelta(days=rng.randint(30, 90))
        lost = churned or (year > 0 and rng.random() < 0.04)
        if anniversary >= start:
            status = "lost" if lost else "won"
            _deal(
                ids,
                ctx,
                product,
                center,
                kind=kind,
                status=status,
                quantity=quantity,
                discount=discount,
                created=created,
                close=anniversary,
                rng=rng,
            )
        if lost:
            return
        # Mid-term upsell: more seats, added to the subscription when won.
        if product.unit == "seat" and rng.random() < 0.25:
            upsell_day = anniversary + dt.timedelta(days=rng.randint(60, 300))
            extra = max(5, round(quantity * rng.uniform(0.1, 0.4)))
            if start <= upsell_day <= as_of and not (
                ctx.churn_date and upsell_day > ctx.churn_date
            ):
                won = rng.random() < 0.65
                _deal(
                    ids,
                    ctx,
                    product,
                    center,
                    kind="upsell",
                    status="won" if won else "lost",
                    quantity=extra,
                    discount=discount,
                    created=upsell_day - dt.timedelta(days=rng.randint(20, 75)),
                    close=upsell_day,
                    rng=rng,
                )
                if won:
                    quantity += extra
        if product.unit == "seat":
            quantity = max(5, round(quantity * rng.uniform(0.95, 1.2)))
        year += 1
    # The next renewal, if it falls within the next months, is open pipeline.
    anniversary = add_years(adopted, year)
    if ctx.churn_date is None and anniversary <= as_of + dt.timedelta(days=150):
        _deal(
            ids,
            ctx,
            product,
            center,
            kind="renewal",
            status="open",
            quantity=quantity,
            discount=discount,
            created=min(as_of, anniversary - dt.timedelta(days=rng.randint(60, 90))),
            close=anniversary,
            rng=rng,
        )


def _run_rate(
    rng: random.Random,
    book: DemoBook,
    ids: Counters,
    ctx: AccountContext,
    product: ProductRow,
    center: str | None,
    adopted: dt.date,
    first_kind: str,
    quantity: int,
    discount: Decimal,
) -> None:
    """Services, hardware and usage: a won deal for the first purchase, then reorders.

    The first purchase is the deal's sale and has no order line; every later purchase is an order
    line and has no deal. Reorders come at the cell's own pace until the account leaves or, now
    and then, stops buying the product.
    """
    as_of = book.as_of
    start = as_of - dt.timedelta(days=HISTORY_DAYS)
    end = ctx.churn_date or as_of
    if adopted >= start:
        _deal(
            ids,
            ctx,
            product,
            center,
            kind=first_kind,
            status="won",
            quantity=quantity,
            discount=discount,
            created=adopted - dt.timedelta(days=rng.randint(20, 80)),
            close=adopted,
            rng=rng,
        )
    low, high = REORDER_DAYS[product.unit]
    pace = rng.uniform(low, high)
    if product.unit != "usage":
        pace *= PACE_FACTOR[ctx.account.segment]
    share = {"usage": (0.8, 1.25), "service": (0.12, 0.45), "hardware": (0.1, 0.4)}[product.unit]
    day = adopted + dt.timedelta(days=max(7, round(pace * rng.uniform(0.7, 1.3))))
    while day <= end:
        if day >= start:
            ordered = max(1, round(quantity * rng.uniform(*share)))
            book.purchase_lines.append(_line(ids, ctx, product, center, day, ordered, discount))
        if day >= start and rng.random() < LAPSE_CHANCE:
            return
        if rng.random() < 0.1:
            quantity = max(1, round(quantity * rng.uniform(0.9, 1.2)))
        day += dt.timedelta(days=max(7, round(pace * rng.uniform(0.7, 1.3))))


def _prospect_deals(
    rng: random.Random,
    ids: Counters,
    ctx: AccountContext,
    catalogue: Sequence[ProductRow],
    discount: Decimal,
    k: float,
    today: dt.date,
) -> None:
    """Prospects have only new-business attempts: some lost, some open."""
    core = [p for p in catalogue if p.family == names.FAMILIES[0]]
    for _ in range(rng.randint(0, 3)):
        product = rng.choice(core if rng.random() < 0.7 else list(catalogue))
        quantity = base_quantity(rng, product, ctx.account, k)
        if rng.random() < 0.5:
            close = today - dt.timedelta(days=rng.randint(20, HISTORY_DAYS - 60))
            created = close - dt.timedelta(days=rng.randint(30, 160))
            status = "lost"
        else:
            created = today - dt.timedelta(days=rng.randint(5, 150))
            close = today + dt.timedelta(days=rng.randint(10, 200))
            status = "open"
        _deal(
            ids,
            ctx,
            product,
            None,
            kind="new",
            status=status,
            quantity=quantity,
            discount=discount,
            created=created,
            close=close,
            rng=rng,
        )

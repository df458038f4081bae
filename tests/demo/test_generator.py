"""The generator is pure: equal seeds and dates give equal books, and the rows hang together."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from statistics import median

import pytest

from accountplan.demo.generator import DEMO_AE, generate_book
from accountplan.demo.rows import DemoBook

AS_OF = dt.date(2025, 6, 30)
#: The methodology's window for this as-of date: after 2024-06-30, up to 2025-06-30.
WINDOW_START = dt.date(2024, 6, 30)
SUBSCRIPTIONS = {"seat", "license"}

Sale = tuple[str, str, dt.date, Decimal]


def won_deals(book: DemoBook) -> list[Sale]:
    """(account, product, close date, amount) of every won deal."""
    return [
        (o.account, o.product, o.close_date, o.amount)
        for o in book.opportunities
        if o.status == "won"
    ]


def orders(book: DemoBook) -> list[Sale]:
    """(account, product, order date, amount) of every purchase line."""
    return [(p.account, p.product, p.date, p.amount) for p in book.purchase_lines]


def last_twelve_months(book: DemoBook) -> Counter[str]:
    """Revenue per account as the analytics count it: won deals plus orders in the window."""
    revenue: Counter[str] = Counter()
    for account, _, day, amount in won_deals(book) + orders(book):
        if WINDOW_START < day <= AS_OF:
            revenue[account] += amount
    return revenue


@pytest.fixture(scope="module")
def book() -> DemoBook:
    return generate_book(11, AS_OF)


def test_the_same_seed_and_date_give_an_equal_book(book: DemoBook) -> None:
    assert generate_book(11, AS_OF) == book


def test_another_seed_gives_another_book(book: DemoBook) -> None:
    other = generate_book(12, AS_OF)
    assert [a.name for a in other.accounts] != [a.name for a in book.accounts]
    assert [o.amount for o in other.opportunities] != [o.amount for o in book.opportunities]


def test_dates_move_with_the_as_of_date(book: DemoBook) -> None:
    later = generate_book(11, AS_OF + dt.timedelta(days=10))
    assert max(p.date for p in later.purchase_lines) > max(p.date for p in book.purchase_lines)
    assert [a.name for a in later.accounts] == [a.name for a in book.accounts]


def test_a_smaller_scale_gives_fewer_accounts() -> None:
    small = generate_book(11, AS_OF, scale=0.1)
    assert 25 <= len(small.accounts) <= 35


def test_deal_dates_follow_their_status(book: DemoBook) -> None:
    for opp in book.opportunities:
        assert opp.created_date <= opp.close_date
        if opp.status == "open":
            assert opp.close_date > AS_OF, opp
            assert opp.created_date <= AS_OF, opp
        else:
            assert opp.close_date <= AS_OF, opp
    closes = [o.close_date for o in book.opportunities]
    assert min(closes) <= AS_OF - dt.timedelta(days=3 * 365 - 30)


def test_stage_labels_map_to_statuses(book: DemoBook) -> None:
    stages: dict[str, set[str]] = defaultdict(set)
    for opp in book.opportunities:
        stages[opp.status].add(opp.stage)
    assert stages["won"] == {"Closed Won"}
    assert stages["lost"] == {"Closed Lost"}
    assert len(stages["open"]) >= 4
    assert not stages["open"] & {"Closed Won", "Closed Lost"}


def test_amounts_are_quantity_times_discounted_list_price(book: DemoBook) -> None:
    prices = {p.external_id: p.list_price for p in book.products}
    for opp in book.opportunities:
        assert opp.unit_price <= prices[opp.product]
        assert opp.unit_price >= prices[opp.product] * Decimal("0.77")
        assert abs(opp.quantity * opp.unit_price - opp.amount) <= opp.quantity * Decimal("0.01")
    for line in book.purchase_lines:
        list_value = line.quantity * prices[line.product]
        assert list_value * Decimal("0.77") <= line.amount <= list_value


def test_lost_deals_say_why_and_mostly_to_whom(book: DemoBook) -> None:
    lost = [o for o in book.opportunities if o.status == "lost"]
    assert lost and all(o.loss_reason for o in lost)
    with_competitor = [o for o in lost if o.competitor]
    assert len(with_competitor) >= len(lost) / 3
    assert not any(o.loss_reason or o.competitor for o in book.opportunities if o.status == "won")


def test_orders_run_for_three_years_up_to_the_as_of_date(book: DemoBook) -> None:
    dates = [p.date for p in book.purchase_lines]
    assert max(dates) <= AS_OF
    assert max(dates) >= AS_OF - dt.timedelta(days=14)
    assert min(dates) <= AS_OF - dt.timedelta(days=3 * 365 - 30)


def test_org_charts_stay_inside_their_account(book: DemoBook) -> None:
    by_id = {c.external_id: c for c in book.contacts}
    for contact in book.contacts:
        assert contact.email.endswith(".example.com")
        if contact.reports_to:
            boss = by_id[contact.reports_to]
            assert boss.account == contact.account
            assert boss.level == contact.level - 1
        else:
            assert contact.level == 0
    executives = Counter(c.account for c in book.contacts if c.level == 0)
    assert set(executives.values()) == {1}


def test_some_accounts_go_silent(book: DemoBook) -> None:
    last_touch: dict[str, dt.date] = {}
    for act in book.activities:
        last_touch[act.account] = max(act.date, last_touch.get(act.account, act.date))
    silent = [a for a, day in last_touch.items() if day < AS_OF - dt.timedelta(days=90)]
    recent = [a for a, day in last_touch.items() if day >= AS_OF - dt.timedelta(days=30)]
    assert len(silent) >= 10
    assert len(recent) >= len(book.accounts) / 2


def test_no_sale_is_both_a_won_deal_and_an_order_line(book: DemoBook) -> None:
    """The analytics add won deals and orders up, so each sale must be recorded once."""
    deals, lines = won_deals(book), orders(book)
    assert len(deals) >= 1000 and len(lines) >= 1000
    assert not set(deals) & set(lines)
    # Not even the same product on the same day for the same account.
    assert not {d[:3] for d in deals} & {line[:3] for line in lines}


def test_subscriptions_sell_through_deals_and_run_rate_products_through_orders(
    book: DemoBook,
) -> None:
    unit = {p.external_id: p.unit for p in book.products}
    assert {unit[line.product] for line in book.purchase_lines} == {"service", "hardware", "usage"}
    run_rate_deals = Counter(
        o.type
        for o in book.opportunities
        if o.status == "won" and unit[o.product] not in SUBSCRIPTIONS
    )
    # Only the first purchase of a run-rate product is a deal; the reorders are order lines.
    assert "cross_sell" in run_rate_deals
    assert set(run_rate_deals) <= {"new", "cross_sell"}
    assert sum(run_rate_deals.values()) < len(book.purchase_lines) / 5
    first_deal: dict[tuple[str, str], dt.date] = {}
    for account, product, day, _ in won_deals(book):
        if unit[product] not in SUBSCRIPTIONS:
            assert (account, product) not in first_deal, "a run-rate product is sold by deal twice"
            first_deal[account, product] = day
    for account, product, day, _ in orders(book):
        assert day > first_deal.get((account, product), dt.date.min)
    renewed = {o.product for o in book.opportunities if o.type == "renewal"}
    assert renewed and all(unit[p] in SUBSCRIPTIONS for p in renewed)


def test_recent_revenue_is_plausible_against_the_customers_size(book: DemoBook) -> None:
    revenue = last_twelve_months(book)
    annual = {a.external_id: a.annual_revenue for a in book.accounts}
    assert len(revenue) >= len(book.accounts) / 2
    shares = sorted(amount / annual[account] for account, amount in revenue.items())
    # A vendor's share of a customer's own revenue: always small, usually tiny.
    assert shares[-1] < Decimal("0.05"), shares[-5:]
    assert median(shares) < Decimal("0.005")
    prospects = {a.external_id for a in book.accounts if a.status == "prospect"}
    assert not prospects & set(revenue)


def test_gross_margin_follows_the_revenue_the_analytics_count(book: DemoBook) -> None:
    revenue = last_twelve_months(book)
    with_margin = [a for a in book.accounts if a.gross_margin is not None]
    assert len(with_margin) >= len(book.accounts) / 2
    for account in with_margin:
        ratio = account.gross_margin / revenue[account.external_id]
        assert Decimal("0.549") <= ratio <= Decimal("0.781"), account
    for account in book.accounts:
        if account.gross_margin is None:
            assert revenue[account.external_id] == 0 or account.status == "prospect"


def test_white_space_follows_industry(book: DemoBook) -> None:
    """Logistics firms buy field operations; banks almost never do."""
    family = {p.external_id: p.family for p in book.products}
    industry = {a.external_id: a.industry for a in book.accounts}
    buyers: dict[str, set[str]] = defaultdict(set)
    for account, product, _, _ in won_deals(book) + orders(book):
        if family[product] == "Field Operations":
            buyers[industry[account]].add(account)
    customers = Counter(a.industry for a in book.accounts if a.status != "prospect")
    logistics = len(buyers["Logistics & Transportation"]) / customers["Logistics & Transportation"]
    banks = len(buyers["Financial Services"]) / customers["Financial Services"]
    assert logistics > 0.4
    assert banks < logistics / 2


def test_bigger_accounts_buy_more(book: DemoBook) -> None:
    revenue: Counter[str] = Counter()
    for account, _, _, amount in won_deals(book) + orders(book):
        revenue[account] += int(amount)
    by_segment: dict[str, list[int]] = defaultdict(list)
    for account in book.accounts:
        if revenue[account.external_id]:
            by_segment[account.segment].append(revenue[account.external_id])
    assert median(by_segment["Enterprise"]) > median(by_segment["Mid-market"])
    assert median(by_segment["Mid-market"]) > median(by_segment["SMB"])


def test_a_few_accounts_cost_more_to_serve_than_they_earn(book: DemoBook) -> None:
    costly = [
        a
        for a in book.accounts
        if a.cost_to_serve is not None
        and a.gross_margin is not None
        and a.cost_to_serve > a.gross_margin
    ]
    assert 1 <= len(costly) <= len(book.accounts) // 10
    assert any(a.satisfaction is None for a in book.accounts if a.status == "customer")


def test_the_demo_ae_owns_a_slice_of_the_book(book: DemoBook) -> None:
    owned = [a for a in book.accounts if a.owner == DEMO_AE]
    assert 10 <= len(owned) < len(book.accounts) / 2
    assert {a.territory for a in owned} == {"North America East"}

"""The plan's deal history: the account's own figures when it has enough closed deals, else
the book's, which are a pass over every deal and so read once per finished snapshot."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accountplan.plans.selectors import MIN_CLOSED_FOR_ACCOUNT_RATE, history
from accountplan.portfolio.grid_data import forget
from accountplan.portfolio.models import Snapshot
from tests.factories import AccountFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    forget()


def _deals(account: Any, won: int, lost: int, amount: str = "1000") -> None:
    for _ in range(won):
        OpportunityFactory.create(account=account, status="won", amount=Decimal(amount))
    for _ in range(lost):
        OpportunityFactory.create(account=account, status="lost", amount=Decimal(amount))


def test_an_account_with_enough_deals_never_reads_the_book(
    django_assert_num_queries: Any,
) -> None:
    account = AccountFactory.create()
    _deals(account, MIN_CLOSED_FOR_ACCOUNT_RATE, 1)
    with django_assert_num_queries(1):
        h = history(account)
    n = MIN_CLOSED_FOR_ACCOUNT_RATE
    assert h.win_rate_pct == (Decimal(100) * n / (n + 1)).quantize(Decimal("0.01"))
    assert h.deal_size == Decimal("1000.00")


def test_the_book_fallback_is_read_once_per_snapshot(django_assert_num_queries: Any) -> None:
    young, other = AccountFactory.create(), AccountFactory.create()
    _deals(other, 3, 1, "500")
    Snapshot.objects.create(status="done", finished_at=timezone.now(), account_count=2)
    first = history(young)
    assert (first.book_won, first.book_lost) == (3, 1)
    assert first.win_rate_pct == Decimal("75.00")
    assert first.deal_size == Decimal("500.00")
    # Account figures and the current snapshot: the book's figures come from the cache.
    with django_assert_num_queries(2):
        again = history(young)
    assert again == first

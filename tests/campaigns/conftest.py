"""A scored book and a marketing user for the campaign tests (the portfolio pages' small book)."""

from __future__ import annotations

import pytest

from accountplan.core.models import Role, User
from tests.factories import UserFactory
from tests.portfolio_web.conftest import ScoredBook, build_scored


@pytest.fixture
def marketer(db: None) -> User:
    return UserFactory(username="mia", role=Role.MARKETING)


@pytest.fixture
def scored(db: None, manager: User, ae: User) -> ScoredBook:
    """The book, scored by the real service."""
    return build_scored(manager, ae)

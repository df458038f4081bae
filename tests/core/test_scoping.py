"""One scoping method: owner, teammate, outsider (healthchecks' alice, bob and charlie)."""

from __future__ import annotations

import pytest

from accountplan.book.choices import TeamFunction
from accountplan.book.models import Account, Contact, Opportunity, Product
from accountplan.core.models import Role
from tests.factories import (
    AccountFactory,
    ContactFactory,
    OpportunityFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def book() -> dict[str, object]:
    owner = UserFactory(username="owner")
    teammate = UserFactory(username="teammate")
    outsider = UserFactory(username="outsider")
    mine = AccountFactory(name="Mine", owner=owner)
    TeamMemberFactory(account=mine, user=teammate, function=TeamFunction.SERVICE)
    # Two team rows for the same user must not list the account twice.
    TeamMemberFactory(account=mine, user=teammate, function=TeamFunction.MARKETING)
    other = AccountFactory(name="Other", owner=outsider)
    OpportunityFactory(account=mine)
    OpportunityFactory(account=other)
    ContactFactory(account=mine)
    return {
        "owner": owner,
        "teammate": teammate,
        "outsider": outsider,
        "mine": mine,
        "other": other,
    }


def test_the_owner_sees_their_account_and_its_rows(book: dict[str, object]) -> None:
    owner = book["owner"]
    assert list(Account.objects.for_user(owner).values_list("name", flat=True)) == ["Mine"]
    assert Opportunity.objects.for_user(owner).count() == 1
    assert Contact.objects.for_user(owner).count() == 1


def test_a_teammate_sees_the_account_once(book: dict[str, object]) -> None:
    teammate = book["teammate"]
    assert list(Account.objects.for_user(teammate).values_list("name", flat=True)) == ["Mine"]
    assert Opportunity.objects.for_user(teammate).get().account == book["mine"]


def test_an_outsider_sees_only_their_own(book: dict[str, object]) -> None:
    outsider = book["outsider"]
    assert list(Account.objects.for_user(outsider).values_list("name", flat=True)) == ["Other"]
    assert not Contact.objects.for_user(outsider).exists()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN, Role.MARKETING, Role.VIEWER])
def test_book_wide_roles_see_every_account(book: dict[str, object], role: Role) -> None:
    leader = UserFactory(username=f"leader-{role}", role=role)
    assert Account.objects.for_user(leader).count() == 2
    assert Opportunity.objects.for_user(leader).count() == 2


def test_an_inactive_user_sees_nothing(book: dict[str, object]) -> None:
    gone = UserFactory(username="gone", role=Role.MANAGER, is_active=False)
    assert not Account.objects.for_user(gone).exists()
    assert not Product.objects.for_user(gone).exists()


def test_only_managers_and_admins_edit_the_book() -> None:
    assert UserFactory(username="m", role=Role.MANAGER).can_edit_book
    assert UserFactory(username="a", role=Role.ADMIN).can_edit_book
    assert not UserFactory(username="e", role=Role.ACCOUNT_EXECUTIVE).can_edit_book
    assert not UserFactory(username="v", role=Role.VIEWER).can_edit_book

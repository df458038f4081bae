"""``accountplan demo --no-serve``: a login that works, no duplicates on a second run, resets."""

from __future__ import annotations

import builtins
import io
import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from accountplan.book import models as m
from accountplan.core.models import Role, User

pytestmark = pytest.mark.django_db
ARGS = ("--no-serve", "--scale=0.1", "--as-of=2025-06-30")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *ARGS, *args, stdout=out)
    return out.getvalue()


def logins(output: str) -> dict[str, str]:
    """Username → password pairs printed in the panel."""
    usernames = re.findall(r"Username\s+(\S+)", output)
    passwords = re.findall(r"Password\s+(\S+)", output)
    assert len(usernames) == len(passwords) >= 1
    return dict(zip(usernames, passwords, strict=True))


def test_it_prints_a_manager_login_that_works() -> None:
    output = run()
    printed = logins(output)
    assert "http://127.0.0.1:8000/" in output
    user = authenticate(username="demo", password=printed["demo"])
    assert user is not None
    assert isinstance(user, User)
    assert user.role == Role.MANAGER and user.is_staff and user.is_superuser
    assert m.Account.objects.count() >= 25
    assert "Accounts" in output and "Demo book written" in output


def test_it_prints_an_account_executive_login_too() -> None:
    printed = logins(run())
    ae = authenticate(username="ae.demo", password=printed["ae.demo"])
    assert isinstance(ae, User)
    assert 0 < m.Account.objects.for_user(ae).count() < m.Account.objects.count()


def test_a_second_run_keeps_the_book_and_changes_the_password() -> None:
    first = logins(run())
    accounts = sorted(m.Account.objects.values_list("external_id", "name"))
    opportunities = m.Opportunity.objects.count()
    output = run("--seed=99")
    second = logins(output)
    assert sorted(m.Account.objects.values_list("external_id", "name")) == accounts
    assert m.Opportunity.objects.count() == opportunities
    assert "kept as it is" in output
    assert second["demo"] != first["demo"]
    assert authenticate(username="demo", password=first["demo"]) is None
    assert authenticate(username="demo", password=second["demo"]) is not None


def test_reset_regenerates_from_the_new_seed() -> None:
    run()
    before = set(m.Account.objects.values_list("name", flat=True))
    from accountplan.campaigns.models import Campaign

    stale = Campaign.objects.create(
        name="Before the reset", play="nurture", start_date="2026-01-01", end_date="2026-02-01"
    )
    output = run("--reset", "--noinput", "--seed=7")
    after = set(m.Account.objects.values_list("name", flat=True))
    assert after and after != before
    assert not Campaign.objects.filter(pk=stale.pk).exists()  # a reset wipes the campaigns too
    assert m.Account.objects.count() == len(after)
    assert authenticate(username="demo", password=logins(output)["demo"]) is not None


def test_reset_asks_first_and_a_no_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    run()
    before = m.Account.objects.count()
    monkeypatch.setattr(builtins, "input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("demo", *ARGS, "--reset", stdout=io.StringIO())
    assert m.Account.objects.count() == before


def test_it_refuses_a_bad_date_with_the_format_to_use() -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("demo", "--no-serve", "--as-of=30/06/2025", stdout=io.StringIO())
    assert not m.Account.objects.exists()


def test_it_refuses_a_scale_out_of_range() -> None:
    with pytest.raises(CommandError, match="above 0"):
        call_command("demo", "--no-serve", "--scale=0", stdout=io.StringIO())


def test_it_refuses_to_take_over_a_real_users_name() -> None:
    User.objects.create_user(username="jordan.lee", password="x" * 12)
    with pytest.raises(CommandError, match=r"jordan\.lee"):
        run()
    assert not m.Account.objects.exists()


def test_reset_without_a_terminal_says_to_add_noinput(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_terminal(prompt: str) -> str:
        raise EOFError

    monkeypatch.setattr(builtins, "input", no_terminal)
    with pytest.raises(CommandError, match="--noinput"):
        call_command("demo", *ARGS, "--reset", stdout=io.StringIO())

"""Sign-in throttling: too many failed passwords for one account, or from one address, and the
login form refuses for a while, with a message that says how long and how to get back in.

Counted in the database (``LoginFailure``), so every web process sees the same counts. A
successful sign-in clears the account's failures; ``accountplan unlock USERNAME`` (or deleting
the rows in the admin) clears them by hand.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from accountplan.core.models import LoginFailure

#: Failed sign-ins allowed per account, and per address, within ``WINDOW``.
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
WINDOW = timedelta(minutes=15)


def _since() -> datetime:
    return timezone.now() - WINDOW


def refusal(username: str, address: str | None) -> str | None:
    """Why a sign-in must be refused now, in the user's terms, or None."""
    name = username.strip().lower()
    since = _since()
    minutes = int(WINDOW.total_seconds() // 60)
    if LoginFailure.objects.filter(username=name, at__gte=since).count() >= ACCOUNT_LIMIT:
        return (
            f"Too many wrong passwords for this account: sign-in is paused for {minutes} "
            "minutes. Wait and try again, or ask an administrator to unlock it."
        )
    if (
        address
        and LoginFailure.objects.filter(address=address, at__gte=since).count() >= ADDRESS_LIMIT
    ):
        return f"Too many failed sign-ins from your network: wait {minutes} minutes and try again."
    return None


def record_failure(username: str, address: str | None) -> None:
    """Count one failed sign-in; failures older than the window are dropped on the way."""
    LoginFailure.objects.filter(at__lt=_since()).delete()
    LoginFailure.objects.create(username=username.strip().lower()[:150], address=address)


def clear(username: str) -> int:
    """Forget the account's failed sign-ins (a success, or an administrator's unlock)."""
    deleted, _ = LoginFailure.objects.filter(Q(username=username.strip().lower())).delete()
    return deleted

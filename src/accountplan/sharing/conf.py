"""Sharing settings, each with a safe default (override in Django settings or the environment)."""

from __future__ import annotations

import os
from datetime import timedelta

from django.conf import settings


def our_name() -> str:
    """Our company's name on the customer's page (``OUR_COMPANY_NAME``)."""
    return str(
        getattr(settings, "OUR_COMPANY_NAME", "")
        or os.environ.get("OUR_COMPANY_NAME")
        or "Our team"
    )


#: How long a link lives when no expiry is given.
DEFAULT_LIFETIME = timedelta(days=30)
#: Longest a link may live.
MAX_LIFETIME = timedelta(days=366)
#: Token guessing: misses (unknown, expired, revoked tokens) allowed per address in the window.
MISS_LIMIT = 20
MISS_WINDOW = timedelta(minutes=15)
#: One-time codes: how long one is good, and how many wrong tries it takes.
CODE_LIFETIME = timedelta(minutes=15)
CODE_ATTEMPTS = 5
#: Codes a link may have emailed per hour (so a link cannot flood its recipient's inbox).
CODES_PER_HOUR = 5
#: How long a verified code keeps the browser in (a signed cookie on the link's path only).
CODE_SESSION = timedelta(hours=12)

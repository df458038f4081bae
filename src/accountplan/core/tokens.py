"""API tokens: create (shown once), check, list and revoke. Only a token's sha256 is stored."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accountplan.core.errors import DomainError, NotFound
from accountplan.core.models import ApiToken, User

log = logging.getLogger(__name__)

#: Every token starts with this, so a leaked one is easy to recognise (and grep for in logs).
TOKEN_PREFIX = "ap_"  # noqa: S105 (a marker, not a secret)
#: How many leading characters are kept in clear to tell tokens apart.
VISIBLE_PREFIX_LENGTH = 10
#: ``last_used`` is written at most this often per token, so reads do not turn into writes.
LAST_USED_RESOLUTION = timedelta(seconds=60)


@dataclass(frozen=True)
class NewToken:
    """A token just created: ``raw`` is the only copy of the secret, show it once."""

    token: ApiToken
    raw: str


def hash_token(raw: str) -> str:
    """The sha256 hex digest under which a token is stored and looked up."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_token(user: User, name: str, *, expires: datetime | None = None) -> NewToken:
    """Create a token for ``user``; the returned ``raw`` value is never stored nor shown again."""
    name = name.strip()
    if not name:
        raise DomainError("Give the token a name that says what it is for.")
    if len(name) > 120:
        raise DomainError("The token name is too long: 120 characters at most.")
    if expires is not None and expires <= timezone.now():
        raise DomainError("The expiry must be in the future.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        token_hash=hash_token(raw),
        prefix=raw[:VISIBLE_PREFIX_LENGTH],
        expires=expires,
    )
    return NewToken(token=token, raw=raw)


def authenticate_token(raw: str) -> User | None:
    """The active user a valid, unexpired token belongs to, or None; records when it was used."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.is_expired(now):
        return None
    stale = token.last_used is None or now - token.last_used >= LAST_USED_RESOLUTION
    if stale and record_use(token.pk, now):
        token.last_used = now
    return token.user


#: How long recording a token's use may wait for a lock before it gives up (seconds).
RECORD_WAIT = 0.1


@contextmanager
def _short_lock_wait() -> Iterator[None]:
    """On SQLite, wait ``RECORD_WAIT`` at most for the write lock (the configured busy timeout is
    restored after); PostgreSQL's UPDATE below skips a locked row instead of waiting."""
    if connection.vendor != "sqlite":
        yield
        return
    configured = float(connection.settings_dict.get("OPTIONS", {}).get("timeout", 5))
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(RECORD_WAIT * 1000)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(configured * 1000)}")


def record_use(token_pk: int, now: datetime) -> bool:
    """Write when a token was used, best effort: bookkeeping must never fail or hold up a read.

    Under a long write (an import, a rescore) waiting for the lock made a plain GET wait 20 s and
    then fail; now the use is recorded the next time the lock is free. A single UPDATE, not
    save(): two requests at once must not overwrite other fields. Returns whether it was written.
    """
    table = ApiToken._meta.db_table
    if connection.vendor == "postgresql":
        sql = (
            f"UPDATE {table} SET last_used = %s WHERE id = "  # noqa: S608 (our table name)
            f"(SELECT id FROM {table} WHERE id = %s FOR UPDATE SKIP LOCKED)"
        )
    else:
        sql = f"UPDATE {table} SET last_used = %s WHERE id = %s"  # noqa: S608 (our table name)
    # Inside a caller's transaction (tests, a script), a savepoint keeps a failure to this one.
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with _short_lock_wait(), guard, connection.cursor() as cursor:
            cursor.execute(sql, [connection.ops.adapt_datetimefield_value(now), token_pk])
            return cursor.rowcount == 1
    except DatabaseError:
        log.info("token %s: its use was not recorded (the database is busy)", token_pk)
        return False


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first."""
    return list(ApiToken.objects.filter(user=user).order_by("-created", "-pk"))


def revoke_token(token_id: int, *, owner: User | None = None) -> ApiToken:
    """Delete a token so it stops working at once; ``owner`` limits it to that user's tokens."""
    with transaction.atomic():
        tokens = ApiToken.objects.select_for_update()
        if owner is not None:
            tokens = tokens.filter(user=owner)
        token = tokens.filter(pk=token_id).first()
        if token is None:
            raise NotFound(f"No API token with id {token_id}.")
        token.delete()
    return token

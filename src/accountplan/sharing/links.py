"""Share links: create (the raw token is shown once), resolve (one plain 404 for unknown,
expired and revoked tokens, rate limited per address), revoke, log every access, and the
optional one-time code sent by email.

A token is ``secrets.token_urlsafe(32)`` (256 random bits); only its sha256 is stored, so a
copy of the database gives no working link. Lookups are by hash, an index probe.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accountplan.book.models import Contact
from accountplan.core.errors import DomainError, NotFound
from accountplan.core.models import User
from accountplan.plans.models import AccountPlan
from accountplan.plans.plan_writes import require_edit
from accountplan.sharing import conf, rules
from accountplan.sharing.models import ShareAccess, ShareCode, ShareLink, ShareMiss


class Throttled(DomainError):
    """Too many unknown tokens from this address (429)."""

    status = 429


@dataclass(frozen=True)
class NewLink:
    """A link just created: ``raw`` is the only copy of the token, show it once."""

    link: ShareLink
    raw: str

    def path(self) -> str:
        """The customer's page, relative to the site."""
        return f"/s/{self.raw}/"


def hash_token(raw: str) -> str:
    """The sha256 hex digest a token is stored under."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_link(
    plan: AccountPlan,
    user: User,
    *,
    email: str,
    name: str = "",
    sections: list[str] | None = None,
    expires: dt.datetime | None = None,
    require_code: bool = False,
    contact: Contact | None = None,
) -> NewLink:
    """A link to the plan's published view for one named recipient."""
    require_edit(user, plan)
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(f"{email!r} is not an email address.") from None
    name = (name or "").strip()[:200]
    chosen = [s.strip() for s in (sections or []) if s.strip()]
    for key in chosen:
        if not rules.is_shareable(key):
            raise DomainError(
                f"{key!r} is not a shareable section; shareable: {', '.join(rules.SHAREABLE)}."
            )
    now = timezone.now()
    expires = expires or now + conf.DEFAULT_LIFETIME
    if expires <= now:
        raise DomainError("The expiry must be in the future.")
    if expires > now + conf.MAX_LIFETIME:
        raise DomainError("A link lives at most a year: choose an earlier expiry.")
    if contact is not None and contact.account_id != plan.account_id:
        raise DomainError("The recipient's contact must be a contact of the plan's account.")
    if contact is None:
        contact = Contact.objects.filter(account=plan.account, email__iexact=email).first()
    raw = secrets.token_urlsafe(32)
    link = ShareLink.objects.create(
        plan=plan,
        name=name or (contact.full_name if contact else ""),
        email=email,
        contact=contact,
        token_hash=hash_token(raw),
        sections=chosen,
        expires_at=expires,
        require_code=require_code,
        created_by=user,
    )
    return NewLink(link=link, raw=raw)


def client_address(meta: dict[str, object]) -> str | None:
    """The caller's address as the server sees it (a proxy must set REMOTE_ADDR right)."""
    value = meta.get("REMOTE_ADDR")
    return str(value) if value else None


def throttled(address: str | None) -> bool:
    """Whether ``address`` missed too often lately."""
    since = timezone.now() - conf.MISS_WINDOW
    return ShareMiss.objects.filter(address=address, at__gte=since).count() >= conf.MISS_LIMIT


def resolve(raw: str, address: str | None) -> ShareLink:
    """The active link of ``raw``; ``Throttled`` when the address guessed too much, else the same
    ``NotFound`` for an unknown, expired or revoked token (each miss counted)."""
    if throttled(address):
        raise Throttled("Too many requests: wait a few minutes and try again.")
    link = None
    if raw and len(raw) <= 100:
        link = (
            ShareLink.objects.select_related("plan", "plan__account", "contact")
            .filter(token_hash=hash_token(raw))
            .first()
        )
    if link is None or not link.is_active():
        ShareMiss.objects.filter(at__lt=timezone.now() - conf.MISS_WINDOW).delete()
        ShareMiss.objects.create(address=address)
        raise NotFound("Not found.")
    return link


def log_access(link: ShareLink, page: str, address: str | None) -> None:
    """Record one access (when, which page, which recipient)."""
    now = timezone.now()
    ShareAccess.objects.create(link=link, page=page[:40], address=address, at=now)
    ShareLink.objects.filter(pk=link.pk).update(last_access_at=now)


def revoke(link: ShareLink, user: User) -> ShareLink:
    """End the link now (twice is once)."""
    require_edit(user, link.plan)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = user
        link.save(update_fields=["revoked_at", "revoked_by"])
    return link


def active_links(plan: AccountPlan) -> list[ShareLink]:
    """The plan's links that still work, newest first."""
    return list(
        ShareLink.objects.filter(plan=plan, revoked_at__isnull=True, expires_at__gt=timezone.now())
    )


# --- one-time codes ---------------------------------------------------------------------------


def _code_hash(link: ShareLink, code: str) -> str:
    return hashlib.sha256(f"{link.pk}:{link.token_hash}:{code}".encode()).hexdigest()


def send_code(link: ShareLink) -> None:
    """Email a fresh 6-digit code to the recipient (earlier unused codes stop working)."""
    now = timezone.now()
    recent = ShareCode.objects.filter(link=link, created_at__gte=now - dt.timedelta(hours=1))
    if recent.count() >= conf.CODES_PER_HOUR:
        raise Throttled("Too many codes asked for: wait an hour, or ask your contact for help.")
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        ShareCode.objects.filter(link=link, used_at__isnull=True).update(used_at=now)
        ShareCode.objects.create(
            link=link, code_hash=_code_hash(link, code), expires_at=now + conf.CODE_LIFETIME
        )
    minutes = int(conf.CODE_LIFETIME.total_seconds() // 60)
    send_mail(
        subject=f"Your code for the {link.plan.period} plan from {conf.our_name()}",
        message=(
            f"Your one-time code is {code}.\n\nIt works once, for {minutes} minutes. If you did "
            "not ask for it, ignore this email."
        ),
        from_email=None,
        recipient_list=[link.email],
    )


def check_code(link: ShareLink, code: str) -> bool:
    """Whether ``code`` is the link's current code (good once, a few tries, a few minutes)."""
    row = (
        ShareCode.objects.filter(link=link, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
    if row is None or row.attempts >= conf.CODE_ATTEMPTS:
        return False
    if not hmac.compare_digest(row.code_hash, _code_hash(link, (code or "").strip())):
        ShareCode.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
        return False
    ShareCode.objects.filter(pk=row.pk).update(used_at=timezone.now())
    return True


def get_link(plans: QuerySet[AccountPlan], link_id: int) -> ShareLink:
    """A link of one of the plans (a queryset of visible plans), or NotFound."""
    link = ShareLink.objects.select_related("plan").filter(pk=link_id, plan__in=plans).first()
    if link is None:
        raise NotFound(f"Share link {link_id} not found.")
    return link

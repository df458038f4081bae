"""``accountplan token create|list|revoke``: API tokens for scripts, from the command line."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accountplan.core.errors import DomainError
from accountplan.core.models import ApiToken, User
from accountplan.core.tokens import create_token, revoke_token, tokens_of


class Command(BaseCommand):
    help = (
        "Manage API tokens: 'token create USERNAME --name NAME [--days N]' prints a new token "
        "once; 'token list USERNAME'; 'token revoke ID'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="Create a token and print it (once).")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="What the token is for.")
        create.add_argument(
            "--days", type=int, default=None, help="Expire after this many days (default: never)."
        )
        listing = actions.add_parser("list", help="List a user's tokens (never the secrets).")
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help="Revoke a token by its id.")
        revoke.add_argument("token_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options["username"], options["name"], options["days"])
        elif action == "list":
            self._list(options["username"])
        else:
            self._revoke(options["token_id"])

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        return user

    def _create(self, username: str, name: str, days: int | None) -> None:
        user = self._user(username)
        if days is not None and days < 1:
            raise CommandError("--days must be 1 or more.")
        expires = timezone.now() + timedelta(days=days) if days else None
        try:
            new = create_token(user, name, expires=expires)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        until = f", expires {new.token.expires:%Y-%m-%d %H:%M %Z}" if new.token.expires else ""
        self.stderr.write(
            f"Token {new.token.pk} '{new.token.name}' for {user.username}{until}. "
            "Copy it now: it is not stored and cannot be shown again."
        )
        # The token alone on stdout, so scripts can capture it: TOKEN=$(accountplan token ...).
        self.stdout.write(new.raw)

    def _list(self, username: str) -> None:
        tokens = tokens_of(self._user(username))
        if not tokens:
            self.stdout.write(f"{username} has no API tokens.")
            return
        now = timezone.now()
        self.stdout.write("id\tname\tprefix\tcreated\tlast used\texpires")
        for token in tokens:
            self.stdout.write(
                "\t".join(
                    [
                        str(token.pk),
                        token.name,
                        f"{token.prefix}…",
                        _when(token.created),
                        _when(token.last_used),
                        _expiry(token, now),
                    ]
                )
            )

    def _revoke(self, token_id: int) -> None:
        try:
            token = revoke_token(token_id)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Revoked token {token_id} '{token.name}' of {token.user.username}.")


def _when(moment: Any) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else "never"


def _expiry(token: ApiToken, now: Any) -> str:
    if token.expires is None:
        return "never"
    return ("expired " if token.is_expired(now) else "") + _when(token.expires)

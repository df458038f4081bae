"""``accountplan unlock USERNAME``: lift the sign-in pause after too many wrong passwords."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accountplan.core import fmt
from accountplan.core.throttle import clear


class Command(BaseCommand):
    help = "Forget USERNAME's failed sign-ins, so the login form accepts the account again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        count = clear(options["username"])
        self.stdout.write(
            f"{options['username']}: {fmt.count(count, 'failed sign-in')} forgotten; "
            "the account may sign in."
        )

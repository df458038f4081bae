"""``accountplan digest [--user USERNAME]``: email each active user the home page's list
(findings needing attention, overdue and upcoming actions, the slots of other apps).

The email backend is Django's (``EMAIL_BACKEND``; the console by default: the emails are printed).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accountplan.core import fmt
from accountplan.core.models import User
from accountplan.governance.digest import send_digests


class Command(BaseCommand):
    help = "Email each active user what needs their attention (the home page's list)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", help="Only this user.")

    def handle(self, *args: Any, **options: Any) -> None:
        users = User.objects.filter(is_active=True).order_by("username")
        if options["user"]:
            users = users.filter(username=options["user"])
            if not users.exists():
                raise CommandError(f"No active user named {options['user']!r}.", returncode=2)
        sent = send_digests(list(users), timezone.localdate())
        total = sum(n for _, n in sent)
        self.stderr.write(f"Sent {fmt.count(len(sent), 'digest')} with {fmt.count(total, 'item')}.")

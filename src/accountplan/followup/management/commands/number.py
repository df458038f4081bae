"""``accountplan number --period P [--user USERNAME] [--json]``: next year's number."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accountplan.core.models import Role, User
from accountplan.followup.number import the_number


class Command(BaseCommand):
    help = "Target, goal builds, run rate of unplanned accounts and gap, per owner and territory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="The plans' period, e.g. FY2027.")
        parser.add_argument("--user", help="Only what this user may see (default: everything).")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["user"]:
            user = User.objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"No user {opts['user']!r}.", returncode=2)
        else:
            user = User(username="cli", role=Role.ADMIN, is_superuser=True, is_active=True)
        assert not isinstance(user, AnonymousUser)
        rows = the_number(user, opts["period"])
        data = [r.as_dict() for r in rows]
        if opts["json"]:
            self.stdout.write(json.dumps({"period": opts["period"], "rows": data}, indent=2))
            return
        for r in data:
            self.stdout.write(
                f"{r['kind']:<9} {r['label'][:30]:<30} target {r['target'] or '—':>14}  "
                f"goal builds {r['goal_build']:>14}  run rate {r['run_rate']:>14}  "
                f"gap {r['gap'] or '—':>14}  plans {r['plans']}"
            )

"""``accountplan findings [--user USERNAME] [--json]``: the open findings (rule, severity,
account external id, plan, evidence, link). With ``--user`` only what that user may see, as on
the pages."""

from __future__ import annotations

import io
import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from accountplan.core.models import User
from accountplan.governance.api_rows import finding_row
from accountplan.governance.models import Finding


class Command(BaseCommand):
    help = "List the open findings of the rules (run them with `accountplan rules run`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", help="Only the findings this user may see.")
        parser.add_argument("--json", action="store_true", help="JSON lines, one per finding.")
        parser.add_argument("--limit", type=int, default=0, help="At most this many (0: all).")

    def handle(self, *args: Any, **options: Any) -> None:
        qs = Finding.objects.open().select_related("account", "plan").order_by("-rank", "-pk")
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}.", returncode=2)
            qs = qs.filter(pk__in=Finding.objects.for_user(user).values("pk"))
        if options["limit"]:
            qs = qs[: options["limit"]]
        base = getattr(settings, "ACCOUNTPLAN_BASE_URL", "")
        if options["json"]:
            for f in qs.iterator(chunk_size=2000):
                self.stdout.write(json.dumps(finding_row(f, base)))
            return
        table = Table("Rule", "Severity", "Account", "Plan", "Since", "Summary", "Link")
        for f in qs:
            row = finding_row(f, base)
            table.add_row(
                row["rule_label"],
                row["severity"],
                row["account_external_id"] or str(f.account_id),
                row["plan_period"] or "—",
                row["opened_at"][:10],
                row["summary"],
                row["link"],
            )
        buffer = io.StringIO()
        Console(file=buffer, width=200).print(table)
        self.stdout.write(buffer.getvalue())

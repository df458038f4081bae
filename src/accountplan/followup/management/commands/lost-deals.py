"""``accountplan lost_deals`` (also ``lost-deals``): the micro-plans of lost deals.

accountplan lost-deals [--user USERNAME] [--due] [--json]
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accountplan.core.models import User
from accountplan.followup.management.commands import lost_deals_json
from accountplan.followup.models import LostDealPlan
from accountplan.followup.selectors import reengagements_due
from accountplan.followup.services import create_micro_plans


class Command(BaseCommand):
    help = "List the micro-plans of lost deals with their snapshot and re-engagement date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", help="Only what this user may see (default: everything).")
        parser.add_argument("--due", action="store_true", help="Only those due to re-engage.")
        parser.add_argument("--json", action="store_true", help="JSON instead of a table.")

    def handle(self, *args: Any, **opts: Any) -> None:
        create_micro_plans()
        qs = LostDealPlan.objects.select_related("account", "opportunity", "owner")
        if opts["user"]:
            user = User.objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"No user {opts['user']!r}.", returncode=2)
            qs = qs.for_user(user)
            if opts["due"]:
                due = {r.item.pk for r in reengagements_due(user, dt.date.today())}
                qs = qs.filter(pk__in=due)
        elif opts["due"]:
            raise CommandError("--due needs --user (what is due is per user).", returncode=2)
        items = [lost_deals_json(m) for m in qs.order_by("reengage_on", "pk")]
        if opts["json"]:
            self.stdout.write(json.dumps(items, indent=2))
            return
        for i in items:
            snap = i["snapshot"]
            self.stdout.write(
                f"{i['reengage_on']}  {i['account']}  {i['opportunity_external_id'] or ''}  "
                f"{snap['amount'] or '—'}  lost to {snap['competitor'] or '—'} "
                f"({snap['reason'] or 'no reason'})  {i['status']}"
            )
        self.stdout.write(f"{len(items)} micro-plans.")

"""``accountplan share``: create, list and revoke share links.

    accountplan share create ACCOUNT_ID --period P --email E [--name N] [--sections a,b]
        [--expires YYYY-MM-DD] [--code] [--user USERNAME]
    accountplan share list [--account ID] [--all]
    accountplan share revoke LINK_ID [--user USERNAME]
    accountplan share scorecard ACCOUNT_ID --period P [--quarter 2026-Q2] [--json]
        [--format csv|xlsx --out FILE]
    accountplan share expectations ACCOUNT_ID --period P [--json]

``create`` prints the link once (only its hash is stored). The acting user defaults to the
plan's owner. Bad input exits with status 2 and says what to fix.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from accountplan.core import fmt
from accountplan.core.errors import DomainError
from accountplan.core.models import User
from accountplan.plans.management.commands.plan import _account_pk, _plan
from accountplan.plans.models import AccountPlan
from accountplan.sharing import expectations, links, scorecard_export, scorecard_services
from accountplan.sharing import scorecard as sc
from accountplan.sharing.api import period_json
from accountplan.sharing.models import ShareLink, Side


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _user(username: str | None, plan: AccountPlan) -> User:
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise _fail(f"No active user {username!r}.")
        return user
    if plan.owner is None:
        raise _fail("The plan has no owner: say who creates the link with --user USERNAME.")
    return plan.owner


def _expiry(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise _fail(f"--expires {text!r} is not a date (YYYY-MM-DD).") from None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


class Command(BaseCommand):
    help = (
        "Share links to a plan's published view: create (prints the link once), list, revoke; "
        "read the customer's scorecard and the joint expectations."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """Three subcommands: create, list, revoke."""
        sub = parser.add_subparsers(dest="action", required=True)
        cr = sub.add_parser("create", help="Create a link for one recipient; prints it once.")
        cr.add_argument("account_id", help="The account's external id (or numeric id).")
        cr.add_argument("--period", required=True)
        cr.add_argument("--email", required=True)
        cr.add_argument("--name", default="")
        cr.add_argument("--sections", default="", help="Comma-separated section keys.")
        cr.add_argument("--expires", help="Last day the link works (YYYY-MM-DD).")
        cr.add_argument("--code", action="store_true", help="Ask for a one-time code by email.")
        cr.add_argument("--user", help="Who creates it (default: the plan's owner).")
        ls = sub.add_parser("list", help="List active links (--all: ended ones too).")
        ls.add_argument("--account", help="Only this account (external id or id).")
        ls.add_argument("--all", action="store_true")
        rv = sub.add_parser("revoke", help="Revoke a link now.")
        rv.add_argument("link_id", type=int)
        rv.add_argument("--user", help="Who revokes it (default: the plan's owner).")
        sc_ = sub.add_parser("scorecard", help="The customer's scorecard of us, by quarter.")
        sc_.add_argument("account_id", help="The account's external id (or numeric id).")
        sc_.add_argument("--period", required=True, help="The plan's period (FY2027).")
        sc_.add_argument("--quarter", default="", help="Only this quarter (2026-Q2).")
        sc_.add_argument("--json", action="store_true")
        sc_.add_argument("--format", choices=("csv", "xlsx"), help="Export the history to --out.")
        sc_.add_argument("--out", help="The file the export is written to.")
        ex = sub.add_parser("expectations", help="The latest joint expectation session.")
        ex.add_argument("account_id", help="The account's external id (or numeric id).")
        ex.add_argument("--period", required=True, help="The plan's period (FY2027).")
        ex.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        """Run the subcommand."""
        try:
            getattr(self, f"_{opts['action']}")(opts)
        except DomainError as exc:
            raise _fail(exc.message) from exc

    def _create(self, opts: dict[str, Any]) -> None:
        plan = _plan(opts["account_id"], opts["period"])
        new = links.create_link(
            plan,
            _user(opts.get("user"), plan),
            email=opts["email"],
            name=opts["name"],
            sections=[s for s in opts["sections"].split(",") if s.strip()],
            expires=_expiry(opts.get("expires")),
            require_code=opts["code"],
        )
        base = str(getattr(settings, "ACCOUNTPLAN_BASE_URL", "") or "").rstrip("/")
        self.stdout.write(
            f"Link {new.link.pk} for {new.link.recipient}, expires "
            f"{timezone.localtime(new.link.expires_at):%Y-%m-%d %H:%M}."
        )
        self.stdout.write("Shown once, copy it now:")
        self.stdout.write(f"{base}{new.path()}")

    def _list(self, opts: dict[str, Any]) -> None:
        qs = ShareLink.objects.select_related("plan", "plan__account").order_by("pk")
        if opts.get("account"):
            qs = qs.filter(plan__account_id=_account_pk(opts["account"]))
        if not opts["all"]:
            qs = qs.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
        rows = list(qs)
        if not rows:
            self.stdout.write("No link.")
            return
        for lk in rows:
            state = "revoked" if lk.revoked_at else "expired" if not lk.is_active() else "active"
            last = (
                timezone.localtime(lk.last_access_at).strftime("%Y-%m-%d %H:%M")
                if lk.last_access_at
                else "never opened"
            )
            self.stdout.write(
                f"{lk.pk}\t{lk.plan.account.name} {lk.plan.period}\t{lk.recipient}\t{state}\t"
                f"expires {timezone.localtime(lk.expires_at):%Y-%m-%d}\t{last}"
            )

    def _revoke(self, opts: dict[str, Any]) -> None:
        link = ShareLink.objects.select_related("plan").filter(pk=opts["link_id"]).first()
        if link is None:
            raise _fail(f"No share link {opts['link_id']}.")
        links.revoke(link, _user(opts.get("user"), link.plan))
        self.stdout.write(f"Revoked link {link.pk} of {link.recipient}.")

    def _scorecard(self, opts: dict[str, Any]) -> None:
        plan = _plan(opts["account_id"], opts["period"])
        if opts["quarter"]:
            sc.parse_period(opts["quarter"])
        rows = [
            r
            for r in scorecard_services.history(plan)
            if not opts["quarter"] or r.period == opts["quarter"]
        ]
        if opts.get("format"):
            if not opts.get("out"):
                raise _fail("--format needs --out FILE.")
            data = (
                scorecard_export.to_xlsx(rows)
                if opts["format"] == "xlsx"
                else scorecard_export.to_csv(rows)
            )
            Path(opts["out"]).write_bytes(data)
            self.stdout.write(f"Wrote {fmt.count(len(rows), 'quarter')} to {opts['out']}.")
            return
        if opts["json"]:
            payload = {
                "account": plan.account.name,
                "plan_period": plan.period,
                "metrics": [
                    {"name": m.name, "weight": str(m.weight)}
                    for m in scorecard_services.active_metrics(plan)
                ],
                "periods": [period_json(r) for r in rows],
            }
            self.stdout.write(json.dumps(payload, cls=DjangoJSONEncoder, indent=1))
            return
        if not rows:
            self.stdout.write("No quarter scored.")
            return
        for r in rows:
            weighted = "unknown" if r.weighted is None else f"{r.weighted:.2f}"
            change = "" if r.change is None else f" ({r.change:+.2f})"
            self.stdout.write(f"{r.period}\tweighted {weighted}{change}\tby {r.recipient}")
            for s in r.scores:
                score = "N/A" if s.score is None else f"{s.score}/5"
                note = f"  {s.comment}" if s.comment else ""
                self.stdout.write(f"  {s.name} (weight {s.weight}): {score}{note}")

    def _expectations(self, opts: dict[str, Any]) -> None:
        plan = _plan(opts["account_id"], opts["period"])
        rnd = expectations.latest_round(plan)
        view = expectations.side_view(rnd, Side.US)
        rows = expectations.review_rows(rnd) if rnd is not None and rnd.reviewed_at else []
        if opts["json"]:
            payload = {
                "session": rnd.number if rnd else None,
                "revealed": view["revealed"],
                "customer": [e.body for e in view["theirs"]],
                "ours": [e.body for e in view["mine"]],
                "review": [
                    {
                        "customer": r["theirs"].body if r["theirs"] else None,
                        "ours": r["ours"].body if r["ours"] else None,
                        "alignment": r["alignment"],
                        "agreed_action": r["agreed_action"],
                    }
                    for r in rows
                ],
            }
            self.stdout.write(json.dumps(payload, indent=1, ensure_ascii=False))
            return
        if rnd is None:
            self.stdout.write("No joint expectation session yet.")
            return
        self.stdout.write(f"Session {rnd.number}: " + (
            "reviewed" if rnd.reviewed_at else "revealed" if rnd.revealed else "being written"
        ))  # fmt: skip
        if not view["revealed"]:
            self.stdout.write("The customer's expectations stay hidden until both sides are in.")
        for label, items in (("The customer", view["theirs"]), ("Us", view["mine"])):
            for e in items:
                self.stdout.write(f"{label}: {e.body}")
        for r in rows:
            self.stdout.write(
                f"{r['alignment_label']}: {r['theirs'].body if r['theirs'] else '—'} / "
                f"{r['ours'].body if r['ours'] else '—'}"
                + (f" → {r['agreed_action']}" if r["agreed_action"] else "")
            )

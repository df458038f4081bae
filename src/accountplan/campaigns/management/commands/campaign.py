"""``accountplan campaign``: create, preview, launch, export and measure campaigns.

    accountplan campaign create --name N --play penetrate --product EXT_ID [--family F] \\
        --start 2026-01-01 --end 2026-03-31 [--budget 5000] [--control-share 0.1] [--json]
    accountplan campaign list [--json]
    accountplan campaign edit ID [--name N] [--play P] [--product EXT_ID ...] [--family F ...] \
        [--start D] [--end D] [--owner U] [--budget B] [--brief T] [--tier 0-3] ... [--json]
    accountplan campaign delete ID [--noinput] [--json]     # drafts only
    accountplan campaign history ID [--json]
    accountplan campaign preview ID [--json]
    accountplan campaign launch ID [--on YYYY-MM-DD] [--json]
    accountplan campaign export ID [--format csv|xlsx] [--output FILE] [--json]
    accountplan campaign results ID [--model even|first_touch|last_touch] [--json]

``edit`` changes only the options given (``--product``/``--family`` replace the lists; ``--tier 0``
and ``--no-min-whitespace`` clear those filters); a launched campaign changes only its name,
owner, budget and brief. ``delete`` asks for confirmation unless ``--noinput``.

``results`` recomputes the campaign's credit first (the page has a button for it; the API's
GET only reads what was stored at launch or at the last recompute).

``--user`` acts as that user (scoping and permissions); without it the command acts with the
whole book, as the administrator running it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accountplan.book.models import Product
from accountplan.campaigns import exports, history, influence, results, services, targeting
from accountplan.campaigns.api import campaign_out, jsonable
from accountplan.campaigns.models import Campaign, CreditModel
from accountplan.core.errors import DomainError
from accountplan.core.models import User
from accountplan.portfolio.downloads import table_bytes


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {text!r}", returncode=2) from exc


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise CommandError(f"Not a number: {text!r}", returncode=2) from exc


class Command(BaseCommand):
    help = "Create, preview, launch, export and measure marketing campaigns."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", help="Act as this user (default: the whole book).")
        sub = parser.add_subparsers(dest="action", required=True)
        c = sub.add_parser("create", help="Create a draft campaign.")
        c.add_argument("--name", required=True)
        c.add_argument("--play", required=True, choices=["expand", "penetrate", "nurture"])
        c.add_argument("--product", action="append", default=[],
                       help="A target product's external id or name (repeatable).")  # fmt: skip
        c.add_argument("--family", action="append", default=[], help="A target product family.")
        c.add_argument("--start", required=True, type=_date)
        c.add_argument("--end", required=True, type=_date)
        c.add_argument("--owner", help="Owner's username (default: --user).")
        c.add_argument("--budget", type=_decimal, default=Decimal(0))
        c.add_argument("--brief", default="", help="The message brief.")
        c.add_argument("--territory", default="")
        c.add_argument("--industry", default="")
        c.add_argument("--tier", type=int, choices=[1, 2, 3])
        c.add_argument("--min-whitespace", type=_decimal)
        c.add_argument("--propensity", action="store_true",
                       help="Only accounts whose next best products include a target.")  # fmt: skip
        c.add_argument("--control-share", type=_decimal, default=Decimal(0))
        c.add_argument("--seed", type=int, default=1)
        c.add_argument("--influence-days", type=int, default=90)
        c.add_argument("--json", action="store_true")
        ls = sub.add_parser("list", help="The campaigns, newest start first.")
        ls.add_argument("--json", action="store_true")
        ed = sub.add_parser("edit", help="Change a campaign (a launched one: name, owner, budget, "
                            "brief).")  # fmt: skip
        ed.add_argument("campaign_id", type=int)
        ed.add_argument("--name")
        ed.add_argument("--play", choices=["expand", "penetrate", "nurture"])
        ed.add_argument("--product", action="append", help="Replaces the target products.")
        ed.add_argument("--family", action="append", help="Replaces the target families.")
        ed.add_argument("--no-products", action="store_true", help="Clear the target products.")
        ed.add_argument("--no-families", action="store_true", help="Clear the target families.")
        ed.add_argument("--start", type=_date)
        ed.add_argument("--end", type=_date)
        ed.add_argument("--owner", help="The new owner's username.")
        ed.add_argument("--budget", type=_decimal)
        ed.add_argument("--brief")
        ed.add_argument("--territory", help="'' for any.")
        ed.add_argument("--industry", help="'' for any.")
        ed.add_argument("--tier", type=int, choices=[0, 1, 2, 3], help="0 for any tier.")
        ed.add_argument("--min-whitespace", type=_decimal)
        ed.add_argument("--no-min-whitespace", action="store_true")
        ed.add_argument("--propensity", action=argparse.BooleanOptionalAction, default=None)
        ed.add_argument("--control-share", type=_decimal)
        ed.add_argument("--seed", type=int)
        ed.add_argument("--influence-days", type=int)
        ed.add_argument("--json", action="store_true")
        de = sub.add_parser("delete", help="Delete a draft (asks first).")
        de.add_argument("campaign_id", type=int)
        de.add_argument("--noinput", "--no-input", action="store_true", help="Do not ask.")
        de.add_argument("--json", action="store_true")
        hi = sub.add_parser("history", help="Who changed the campaign, when, and what.")
        hi.add_argument("campaign_id", type=int)
        hi.add_argument("--json", action="store_true")
        actions = (
            ("preview", "Count the list it would draw now."),
            ("launch", "Freeze the list (irreversible)."),
            ("results", "Results against control and the previous period."),
        )
        for name, text in actions:
            p = sub.add_parser(name, help=text)
            p.add_argument("campaign_id", type=int)
            p.add_argument("--json", action="store_true")
            if name == "launch":
                p.add_argument("--on", type=_date, help="The launch day (default: today).")
            if name == "results":
                p.add_argument("--model", choices=CreditModel.values, default=CreditModel.EVEN)
        e = sub.add_parser("export", help="Contacts with a buying role at the targeted accounts.")
        e.add_argument("campaign_id", type=int)
        e.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        e.add_argument("--output", help="File to write (default: standard output, CSV only).")
        e.add_argument("--json", action="store_true", help="Print the rows as JSON objects.")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = None
        if opts.get("user"):
            user = User.objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"No user {opts['user']!r}.", returncode=2)
        try:
            getattr(self, f"do_{opts['action']}")(user, opts)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=1) from exc

    def _campaign(self, pk: int) -> Campaign:
        found = Campaign.objects.filter(pk=pk).first()
        if found is None:
            raise CommandError(f"No campaign {pk}.", returncode=2)
        return found

    def _out(self, opts: dict[str, Any], data: Any, text: str) -> None:
        self.stdout.write(json.dumps(jsonable(data), indent=2) if opts.get("json") else text)

    def _product_ids(self, refs: list[str]) -> list[int]:
        ids = []
        for ref in refs:
            product = (
                Product.objects.filter(external_id=ref).first()
                or Product.objects.filter(name=ref).first()
            )
            if product is None:
                raise CommandError(f"No product {ref!r}.", returncode=2)
            ids.append(product.pk)
        return ids

    def _owner(self, username: str) -> User:
        found = User.objects.filter(username=username).first()
        if found is None:
            raise CommandError(f"No user {username!r}.", returncode=2)
        return found

    def do_create(self, user: User | None, opts: dict[str, Any]) -> None:
        ids = self._product_ids(opts["product"])
        owner = self._owner(opts["owner"]) if opts["owner"] else user
        data = {
            "name": opts["name"], "play": opts["play"], "product_ids": ids,
            "families": opts["family"], "start_date": opts["start"], "end_date": opts["end"],
            "budget": opts["budget"], "message_brief": opts["brief"],
            "territory": opts["territory"], "industry": opts["industry"], "tier": opts["tier"],
            "min_whitespace": opts["min_whitespace"], "propensity": opts["propensity"],
            "control_share": opts["control_share"], "seed": opts["seed"],
            "influence_days": opts["influence_days"], "owner": owner,
        }  # fmt: skip
        c = services.create_campaign(user, data)
        self._out(opts, campaign_out(c), f"Draft campaign {c.pk} created: {c.name}")

    def do_list(self, user: User | None, opts: dict[str, Any]) -> None:
        qs = Campaign.objects.select_related("owner").prefetch_related("products")
        rows = [campaign_out(c) for c in qs.order_by("-start_date", "-pk")[:500]]
        lines = [
            f"{r['id']:>5}  {r['status']:<8}  {r['play']:<9}  {r['start_date']} – {r['end_date']}  "
            f"{r['name']}" + (f"  ({r['target_count']:,} targeted)" if r["status"] == "launched"
                             else "")
            for r in rows
        ]  # fmt: skip
        self._out(opts, rows, "\n".join(lines) or "No campaign yet.")

    def do_edit(self, user: User | None, opts: dict[str, Any]) -> None:
        c = self._campaign(opts["campaign_id"])
        simple = {
            "name": "name", "play": "play", "start": "start_date", "end": "end_date",
            "budget": "budget", "brief": "message_brief", "territory": "territory",
            "industry": "industry", "min_whitespace": "min_whitespace",
            "propensity": "propensity", "control_share": "control_share", "seed": "seed",
            "influence_days": "influence_days",
        }  # fmt: skip
        changes: dict[str, Any] = {f: opts[o] for o, f in simple.items() if opts[o] is not None}
        if opts["product"] is not None or opts["no_products"]:
            changes["product_ids"] = self._product_ids(opts["product"] or [])
        if opts["family"] is not None or opts["no_families"]:
            changes["families"] = list(opts["family"] or [])
        if opts["owner"]:
            changes["owner"] = self._owner(opts["owner"])
        if opts["tier"] is not None:
            changes["tier"] = opts["tier"] or None
        if opts["no_min_whitespace"]:
            changes["min_whitespace"] = None
        if not changes:
            raise CommandError("Nothing to change: give at least one option.", returncode=2)
        c = services.update_campaign(c, user, changes)
        last = history.of(c).first()
        lines = [f"Campaign {c.pk} saved: {c.name}"]
        if last is not None and last.action == "edited":
            lines += [f"  {ch['field']}: {ch['old']} → {ch['new']}" for ch in last.changes]
        self._out(opts, campaign_out(c), "\n".join(lines))

    def do_delete(self, user: User | None, opts: dict[str, Any]) -> None:
        c = self._campaign(opts["campaign_id"])
        if c.is_launched:
            raise CommandError(
                "A launched campaign cannot be deleted: its frozen list, results and credit are "
                "the record of what marketing sent and what it measured.", returncode=1,
            )  # fmt: skip
        if not opts["noinput"]:
            try:
                answer = input(f"Delete the draft campaign {c.pk} “{c.name}”? Type yes: ")
            except EOFError:
                raise CommandError(
                    "delete asks for a confirmation and there is no terminal to ask on: add "
                    "--noinput to delete without asking.", returncode=2,
                ) from None  # fmt: skip
            if answer.strip().lower() != "yes":
                raise CommandError("Not deleted.", returncode=1)
        pk, name = c.pk, c.name
        services.delete_campaign(c, user)
        self._out(opts, {"id": pk, "name": name, "deleted": True},
                  f"Draft campaign {pk} deleted: {name}")  # fmt: skip

    def do_history(self, user: User | None, opts: dict[str, Any]) -> None:
        c = self._campaign(opts["campaign_id"])
        rows = [history.as_dict(h) for h in history.of(c)[:500]]
        lines = []
        for r in rows:
            lines.append(f"{r['changed_at'][:16]} {r['action']} by {r['changed_by'] or '—'}")
            lines += [f"  {ch['field']}: {ch['old']} → {ch['new']}" for ch in r["changes"]]
        self._out(opts, rows, "\n".join(lines) or "No change recorded.")

    def do_preview(self, user: User | None, opts: dict[str, Any]) -> None:
        c = self._campaign(opts["campaign_id"])
        p = targeting.preview(user, targeting.Criteria.of(c), c.control_share)
        text = (
            f"{p.accounts:,} accounts in {c.quadrant}, white space {p.whitespace:,} in "
            f"{', '.join(p.item_names) or '—'}; about {p.control_estimate:,} held out"
        )
        self._out(opts, p.as_dict(), text)

    def do_launch(self, user: User | None, opts: dict[str, Any]) -> None:
        c = services.launch(self._campaign(opts["campaign_id"]), user, on=opts.get("on"))
        influence.recompute(c)
        text = (
            f"Campaign {c.pk} launched on {c.launch_date}: {c.target_count:,} accounts frozen, "
            f"{c.control_count:,} held out."
        )
        self._out(opts, campaign_out(c), text)

    def do_results(self, user: User | None, opts: dict[str, Any]) -> None:
        c = self._campaign(opts["campaign_id"])
        influence.recompute(c)  # the credit of deals opened since the last run
        out = results.campaign_results(c, user)
        out["credit"] = influence.credited(c, opts["model"], user) if c.is_launched else None
        lines = [f"{c.name} ({c.get_status_display()})"]
        for w in out["windows"]:
            lines.append(f"{w['label']} {w['start']} – {w['end']}:")
            for g in ("target", "control", "previous"):
                f = w[g]
                lines.append(
                    f"  {g:<9} {f['accounts']:>6,} accounts  opened {f['opened']:>5,}  pipeline "
                    f"{f['pipeline']:>14,}  won {f['won']:>5,}  revenue {f['revenue']:>14,}"
                )
        self._out(opts, out, "\n".join(lines))

    def do_export(self, user: User | None, opts: dict[str, Any]) -> None:
        c = self._campaign(opts["campaign_id"])
        if not c.is_launched:
            raise CommandError("A draft has no frozen list yet: launch it first.", returncode=1)
        if user is None:
            user = User(is_superuser=True, is_active=True)  # the whole book, read only
        if opts.get("json"):
            rows = [
                dict(zip(exports.HEADER, r, strict=True)) for r in exports.contact_rows(user, c)
            ]
            self._out(opts, rows, "")
            return
        content = table_bytes(exports.HEADER, exports.contact_rows(user, c), opts["format"])
        if opts.get("output"):
            Path(opts["output"]).write_bytes(content)
            self.stderr.write(f"Wrote {opts['output']}")
        elif opts["format"] == "csv":
            sys.stdout.write(content.decode())
        else:
            raise CommandError("An XLSX export needs --output FILE.", returncode=2)

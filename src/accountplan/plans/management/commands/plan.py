"""``accountplan plan``: list plans, clone one into the next period, export one.

    accountplan plan list [--account ID] [--period P] [--status S] [--below PERCENT]
        [--sort account|completeness|-completeness] [--limit N]
    accountplan plan clone ACCOUNT_ID --period FY2026 --to FY2027 --user USERNAME
    accountplan plan export ACCOUNT_ID --period P --format pdf|pptx|xlsx|md --out FILE
    accountplan plan link ACCOUNT_ID --period P --deal OPPORTUNITY_ID
        (--component COMPONENT_ID | --unlink) --user USERNAME
    accountplan plan draft ACCOUNT_ID --period P [--section S] [--json]
    accountplan plan export-salesforce [--period P] [--accounts ID ...] --out DIR [--json]
    accountplan plan import-salesforce DIR_OR_FILES... --user USERNAME [--json]
        (Salesforce's own account-plan objects as Data Loader files: docs/salesforce.md)

Bad input exits with status 2 and says what to fix.
"""

from __future__ import annotations

import argparse
import importlib
import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from accountplan.book.models import Account
from accountplan.core import fmt
from accountplan.core.errors import DomainError
from accountplan.core.models import User
from accountplan.plans.cloning import clone_plan
from accountplan.plans.list_rows import by_completeness
from accountplan.plans.models import AccountPlan, PlanStatus
from accountplan.plans.selectors import completeness_of

FORMATS = ("pdf", "pptx", "xlsx", "md")


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _account_pk(account_ref: object) -> int:
    """The account's key from the external id it was imported with, or its numeric id."""
    ref = str(account_ref).strip()
    by_external = Account.objects.filter(external_id=ref).values_list("pk", flat=True).first()
    if by_external is not None:
        return int(by_external)
    if ref.isdigit() and Account.objects.filter(pk=int(ref)).exists():
        return int(ref)
    raise _fail(f"No account with external id or id {ref!r}.")


def _plan(account_ref: object, period: str) -> AccountPlan:
    account_id = _account_pk(account_ref)
    found = (
        AccountPlan.objects.select_related("account", "owner")
        .filter(account_id=account_id, period=period)
        .first()
    )
    if found is None:
        periods = list(
            AccountPlan.objects.filter(account_id=account_id).values_list("period", flat=True)
        )
        hint = f" Its plans: {', '.join(periods)}." if periods else " It has no plan."
        raise _fail(f"No plan for account {account_ref} and period {period!r}.{hint}")
    return found


def _percent(value: str) -> int:
    """A whole percent from 1 to 100 (``--below``)."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= 100:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole percent from 1 to 100")
    return number


class Command(BaseCommand):
    help = (
        "Account plans: list, clone into the next period, export (pdf, pptx, xlsx, md), link a "
        "deal to a goal-build component, draft from the data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """Five subcommands: list, clone, export, link, draft."""
        sub = parser.add_subparsers(dest="action", required=True)
        ls = sub.add_parser("list", help="List plans with their completeness.")
        ls.add_argument("--account", help="Only this account (external id or id).")
        ls.add_argument("--period")
        ls.add_argument("--status", choices=PlanStatus.values)
        ls.add_argument(
            "--below",
            type=_percent,
            metavar="PERCENT",
            help="Only plans whose completeness is below this percent (1–100).",
        )
        ls.add_argument(
            "--sort",
            choices=["account", "completeness", "-completeness"],
            default="account",
            help="account (name, then newest period; default) or completeness (-: most first).",
        )
        ls.add_argument(
            "--limit",
            type=int,
            default=200,
            help="Show at most this many plans, by account name (default 200; 0 for all).",
        )
        cl = sub.add_parser("clone", help="Clone a plan into the next period.")
        cl.add_argument("account_id", help="The account's external id (or numeric id).")
        cl.add_argument("--period", required=True, help="The period of the plan to clone.")
        cl.add_argument("--to", required=True, help="The new period, e.g. FY2027.")
        cl.add_argument("--user", required=True, help="Username recorded as the author.")
        ex = sub.add_parser("export", help="Export a plan as a document.")
        ex.add_argument("account_id", help="The account's external id (or numeric id).")
        ex.add_argument("--period", required=True)
        ex.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
        ex.add_argument("--out", required=True, type=Path)
        ex.add_argument(
            "--variant",
            default="internal",
            choices=["internal", "customer"],
            help="internal (default): everything; customer: customer-safe, without loss "
            "reasons, competitors, attitudes, scores and completeness.",
        )
        ln = sub.add_parser(
            "link", help="Make a deal count against one goal-build component (or unlink it)."
        )
        ln.add_argument("account_id", help="The account's external id (or numeric id).")
        ln.add_argument("--period", required=True)
        ln.add_argument("--deal", required=True, type=int, help="The opportunity's id.")
        which = ln.add_mutually_exclusive_group(required=True)
        which.add_argument("--component", help="The component's id (see the API or export).")
        which.add_argument("--unlink", action="store_true", help="Back to the matching rule.")
        ln.add_argument("--user", required=True, help="Username recorded as the author.")
        from accountplan.drafts import cli as draft_cli

        draft_cli.add_arguments(sub)

        from accountplan.salesforce.commands import add_parsers

        add_parsers(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the subcommand."""
        action = options["action"]
        if action == "list":
            self._list(options)
        elif action == "clone":
            self._clone(options)
        elif action == "link":
            self._link(options)
        elif action == "draft":
            from accountplan.drafts import cli as draft_cli

            draft_cli.run(_account_pk(options["account_id"]), options, self.stdout)
        elif action in ("export-salesforce", "import-salesforce"):
            from accountplan.salesforce.commands import run

            run(self, action, options)
        else:
            self._export(options)

    def _list(self, options: dict[str, Any]) -> None:
        plans = AccountPlan.objects.select_related("account", "owner").order_by(
            "account__name", "-period"
        )
        if options["account"]:
            plans = plans.filter(account_id=_account_pk(options["account"]))
        if options["period"]:
            plans = plans.filter(period=options["period"])
        if options["status"]:
            plans = plans.filter(status=options["status"])
        plans = by_completeness(
            plans,
            options.get("below"),
            options.get("sort") or "account",
            ["account__name", "-period"],
        )
        total = plans.count()
        limit = max(options.get("limit") or 0, 0)
        rows = list(plans[:limit] if limit else plans)
        done = completeness_of(rows)
        title = fmt.count(total, "plan")
        if len(rows) < total:
            title = f"The first {len(rows):,} of {title} (--limit 0 shows them all)"
        table = Table(title=title)
        for col in ("plan", "account id", "account", "period", "status", "owner", "complete"):
            table.add_column(col)
        for p in rows:
            table.add_row(
                str(p.pk),
                p.account.external_id or str(p.account_id),
                p.account.name,
                p.period,
                p.get_status_display(),
                str(p.owner or "—"),
                f"{done[p.pk].percent}%",
            )
        buffer = io.StringIO()
        Console(file=buffer, width=140).print(table)
        self.stdout.write(buffer.getvalue(), ending="")

    def _clone(self, options: dict[str, Any]) -> None:
        source = _plan(options["account_id"], options["period"])
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise _fail(f"No active user {options['user']!r}.")
        try:
            new = clone_plan(source, options["to"], user)
        except DomainError as exc:
            raise _fail(exc.message) from None
        self.stdout.write(
            f"Cloned {source.account.name} {source.period} into {new.period} (plan {new.pk})."
        )

    def _link(self, options: dict[str, Any]) -> None:
        from accountplan.plans.services import link_deal

        plan = _plan(options["account_id"], options["period"])
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise _fail(f"No active user {options['user']!r}.")
        component = None if options["unlink"] else options["component"]
        try:
            section = link_deal(plan, options["deal"], component, user)
        except DomainError as exc:
            raise _fail(exc.message) from None
        what = f"to component {component}" if component else "from every component"
        self.stdout.write(
            f"Linked deal {options['deal']} {what} (goals version {section.version})."
            if component
            else f"Unlinked deal {options['deal']} {what} (goals version {section.version})."
        )

    def _export(self, options: dict[str, Any]) -> None:
        plan = _plan(options["account_id"], options["period"])
        out: Path = options["out"]
        if not out.parent.exists():
            raise _fail(f"Folder {out.parent} does not exist.")
        try:
            service = importlib.import_module("accountplan.exports.service")
        except ModuleNotFoundError:
            raise CommandError(
                "Plan exports are not installed in this build (accountplan.exports.service is "
                "missing).",
                returncode=2,
            ) from None
        variant = options.get("variant") or "internal"
        service.export_plan(plan, options["fmt"], out, variant)
        self.stdout.write(f"Wrote {out} ({options['fmt']}, {variant}).")

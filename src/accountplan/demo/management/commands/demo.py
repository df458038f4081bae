"""``accountplan demo``: migrate, write the synthetic demo book if the book is empty, print a
login with a fresh password, then serve the app with gunicorn."""

from __future__ import annotations

import datetime as dt
import os
import sys
from typing import IO, Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from accountplan.book.models import Account
from accountplan.campaigns.demo import write_campaign_history
from accountplan.core.management.commands.serve import default_workers
from accountplan.core.models import User
from accountplan.demo.fit_cases import write_fit_cases
from accountplan.demo.followup_cases import write_followup_cases
from accountplan.demo.health_cases import write_health_cases
from accountplan.demo.plans import write_demo_plans
from accountplan.demo.services import (
    USER_PREFIX,
    DemoError,
    DemoLogin,
    ensure_demo_book,
    reset_demo_logins,
)
from accountplan.portfolio.services import ensure_snapshot
from accountplan.sharing.demo import share_demo_plan


def _as_of(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--as-of {value!r} is not a date: give it as YYYY-MM-DD, e.g. 2026-03-31."
        ) from None


class Command(BaseCommand):
    help = (
        "Create a demo database with a deterministic synthetic book of business, print a login "
        "with a fresh password, and serve the app."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=42, help="Random seed (default 42).")
        parser.add_argument(
            "--as-of",
            dest="as_of",
            default=None,
            help="Date the book ends at, YYYY-MM-DD (default today). History runs three years "
            "back; open deals close after it.",
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Size of the book: 1 is ~300 accounts, 0.1 is ~30 (default 1).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the whole book of business and the demo users first, then regenerate.",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            "--yes",
            dest="interactive",
            action="store_false",
            help="Do not ask for confirmation before --reset.",
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="Stop after printing the login."
        )
        parser.add_argument(
            "--bind",
            default=os.environ.get("BIND", "127.0.0.1:8000"),
            help="Address to serve on (default 127.0.0.1:8000, env BIND).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="Gunicorn worker processes (default 2 × the cores + 1, at most 9; env "
            "WEB_CONCURRENCY).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = _as_of(options["as_of"]) if options["as_of"] else dt.date.today()
        scale: float = options["scale"]
        if not 0 < scale <= 10:
            raise CommandError(
                f"--scale {scale} is out of range: give a number above 0 and up to 10."
            )
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1.")
        stream: IO[str] = getattr(self.stdout, "_out", sys.stdout)
        console = Console(file=stream, highlight=False, soft_wrap=False)

        if options["reset"] and options["interactive"]:
            try:
                answer = input(
                    "--reset deletes every account, contact, deal, order, product and campaign, "
                    "and the demo users. Type 'yes' to continue: "
                )
            except EOFError:
                raise CommandError(
                    "--reset needs a confirmation and there is no terminal to ask on: "
                    "add --noinput to reset without asking."
                ) from None
            if answer.strip().lower() != "yes":
                raise CommandError("Reset cancelled; nothing was changed.")

        with console.status("Applying migrations…"):
            call_command("migrate", interactive=False, verbosity=0)
        console.print("[green]✓[/] Database migrated")

        def progress(label: str, rows: int, seconds: float) -> None:
            console.print(f"[green]✓[/] {label:<28} {rows:>8,} rows  {seconds:6.2f} s")

        try:
            with console.status(f"Writing the demo book (seed {options['seed']}, as of {as_of})…"):
                summary = ensure_demo_book(
                    options["seed"], as_of, scale=scale, reset=options["reset"], progress=progress
                )
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        if summary is None:
            console.print(
                f"The book already holds {Account.objects.count():,} accounts; kept as it is "
                "(use --reset to start over)."
            )
        else:
            console.print(
                f"[bold]Demo book written[/] in {summary.seconds:.2f} s: "
                f"{summary.counts.get('Accounts', 0):,} accounts, seed {summary.seed}, "
                f"as of {summary.as_of}."
            )

        with console.status("Scoring the book (white space, scores, plays, tiers)…"):
            scored = ensure_snapshot(as_of, fresh=summary is not None)
        if scored is not None:
            console.print(
                f"[green]✓[/] Analytics snapshot {scored.pk}: {scored.account_count:,} accounts"
            )
            written = write_demo_plans(scored)
            console.print(f"[green]✓[/] Account plans for tier-1 accounts: {written} written")
            shared = share_demo_plan(
                f"FY{(scored.as_of or dt.date.today()).year}", scored.as_of or dt.date.today()
            )
            if shared:
                console.print(f"[green]✓[/] A plan shared with its customer: {shared}")
            # Follow-up cases (micro-plans, reviews) first: the health cases then run the rules,
            # whose review.due and lostdeal.reengage findings need them.
            console.print(f"[green]✓[/] Follow-up cases: {write_followup_cases(scored.as_of)}")
            write_health_cases(scored)  # plans that give every governance rule real cases
            campaigns = write_campaign_history(scored.as_of or dt.date.today())
            console.print(f"[green]✓[/] Campaign history: {campaigns}")
            console.print(f"[green]✓[/] Opportunity fit: {write_fit_cases()}")
        logins = reset_demo_logins()
        console.print(self._panel(options["bind"], logins))
        if options["no_serve"]:
            return
        console.print(f"Serving on http://{options['bind']}/ (Ctrl+C to stop)…")
        sys.stdout.flush()
        # A fresh process: this one ran the analysis, and gunicorn forks its workers from the
        # process it runs in; Polars' thread pool does not survive a fork, so a worker forked
        # from here hung on the first page that works in parallel (the white space map).
        serve = ["-m", "accountplan", "serve", "--bind", options["bind"]]
        os.execv(sys.executable, [sys.executable, *serve, "--workers", str(options["workers"])])  # noqa: S606 - no shell: a list of arguments

    def _panel(self, bind: str, logins: list[DemoLogin]) -> Panel:
        """The URL, the logins just reset and the other demo users, in one framed block."""
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold")
        grid.add_column()
        grid.add_row("URL", Text(f"http://{bind}/"))
        for login in logins:
            grid.add_row("", "")
            grid.add_row("Username", Text(login.username))
            grid.add_row("Password", Text(login.password))
            grid.add_row("Sees", Text(login.description))
        others = (
            User.objects.filter(external_id__startswith=USER_PREFIX)
            .exclude(username__in=[login.username for login in logins])
            .order_by("role", "username")
            .values_list("username", "role")
        )
        parts: list[Any] = [grid]
        if others:
            listing = ", ".join(f"{name} ({role})" for name, role in others)
            parts.append(
                Text(
                    f"\nOther demo users (no password; set one in the admin): {listing}",
                    style="dim",
                )
            )
        return Panel(Group(*parts), title="accountplan demo", expand=False)

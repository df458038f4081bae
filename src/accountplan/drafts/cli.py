"""``accountplan plan draft ACCOUNT_ID --period P [--section S] [--json]``: print a draft.

Prints the draft of every section (or one) with the facts each entry cites; writes nothing
(accept a draft on the plan page or through the API). Offline unless a model is configured.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, OutputWrapper
from rich.console import Console
from rich.markup import escape

from accountplan.book.models import Account
from accountplan.core import fmt
from accountplan.drafts import services
from accountplan.plans.sections import SectionKey, title_of


def add_arguments(sub: Any) -> None:
    dr = sub.add_parser("draft", help="Draft a plan's sections from the account's data (prints).")
    dr.add_argument("account_id", help="The account's external id (or numeric id).")
    dr.add_argument("--period", required=True, help="The plan's period, e.g. FY2027.")
    dr.add_argument(
        "--section", action="append", choices=SectionKey.values, help="Only this section."
    )
    dr.add_argument("--json", action="store_true", help="The draft and its facts as JSON.")


def run(account_pk: int, options: dict[str, Any], stdout: OutputWrapper) -> None:
    account = Account.objects.get(pk=account_pk)
    try:
        draft, facts = services.draft_with_facts(account, options["period"], options["section"])
    except Exception as exc:
        from accountplan.core.errors import DomainError

        if isinstance(exc, DomainError):
            raise CommandError(exc.message, returncode=2) from None
        raise
    if options["json"]:
        stdout.write(json.dumps(services.draft_json(None, draft, facts), indent=2, default=str))
        return
    by_id = facts.by_id()
    console = Console(
        file=stdout,  # type: ignore[arg-type]
        width=100,
        highlight=False,
        soft_wrap=True,
    )
    console.print(
        f"[bold]{escape(account.name)}[/bold] · {escape(options['period'])} · draft "
        f"{escape(draft.badge)} · {len(facts.facts)} facts as of {fmt.date(facts.as_of)}"
    )
    for s in draft.sections:
        console.print(f"\n[bold]{escape(title_of(s.key))}[/bold]")
        if not s.entries:
            console.print("  Nothing to draft from the data.")
        for e in s.entries:
            console.print(f"  • {escape(e.text)}")
            for fid in e.fact_ids:
                label = by_id[fid].label if fid in by_id else fid
                console.print(f"      [dim]↳ {escape(label)} ({fid})[/dim]")

"""``accountplan campaigns export``: the grid's campaign list for marketing, as CSV or XLSX.

accountplan campaigns export --play Expand --contacts buying --format xlsx --out expand.xlsx
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accountplan.analytics.grid import PLAYS
from accountplan.core.models import Role, User
from accountplan.portfolio import campaign_list, selectors
from accountplan.portfolio.downloads import FORMATS, table_bytes


class Command(BaseCommand):
    help = "Campaign lists: the accounts of a play with their campaign and contacts."

    def add_arguments(self, parser: CommandParser) -> None:
        """One subcommand, export, with the grid page's main filters."""
        sub = parser.add_subparsers(dest="action", required=True)
        ex = sub.add_parser("export", help="Write a campaign list (CSV or XLSX).")
        ex.add_argument("--play", default="", choices=["", *PLAYS, "none"], help="Default: all.")
        ex.add_argument(
            "--contacts",
            default="primary",
            choices=campaign_list.CONTACT_MODES,
            help="primary (default): one contact per account; buying: every contact with a "
            "buying role on one of the account's deals, one row each.",
        )
        ex.add_argument("--territory", default="")
        ex.add_argument("--segment", default="")
        ex.add_argument("--industry", default="")
        ex.add_argument("--tier", type=int, choices=[1, 2, 3])
        ex.add_argument("--format", default="csv", choices=FORMATS, dest="fmt")
        ex.add_argument("--out", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        """Write the list of the current snapshot, read across the whole book."""
        out: Path = options["out"]
        if not out.parent.exists():
            raise CommandError(f"Folder {out.parent} does not exist.")
        snapshot = selectors.current_snapshot("product") or selectors.current_snapshot()
        if snapshot is None:
            raise CommandError("No scores yet: run accountplan analyze first.")
        reader = User(username="export", role=Role.VIEWER, is_active=True)
        filters = selectors.ScoreFilters(
            territory=options["territory"],
            segment=options["segment"],
            industry=options["industry"],
            tier=options["tier"],
        )
        scores = selectors.filter_scores(selectors.account_scores(reader, snapshot), filters)
        ordered = selectors.order_scores(
            campaign_list.with_play(scores, options["play"]), "-whitespace"
        )
        rows = list(campaign_list.campaign_rows(reader, snapshot, ordered, options["contacts"]))
        out.write_bytes(table_bytes(campaign_list.HEADER, rows, options["fmt"], "campaign"))
        self.stdout.write(f"Wrote {len(rows)} rows to {out}.")

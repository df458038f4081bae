"""``accountplan analyze``: score the book, store a snapshot, write accounts and cells tables."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from accountplan.analytics.explain import explain
from accountplan.book.models import Account
from accountplan.core.progress import Progress
from accountplan.portfolio.exports import (
    FORMATS,
    accounts_table,
    cells_table,
    rates_table,
    write_cells,
    write_table,
)
from accountplan.portfolio.scorecard import peer_warning
from accountplan.portfolio.services import analyze_now, enqueue_rescore
from accountplan.portfolio.warm import warm


def _date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise CommandError(
            f"--as-of {raw!r} is not a date: write it as YYYY-MM-DD, e.g. 2017-12-31."
        ) from None


def _window(raw: str) -> int | None:
    if raw.strip().lower() == "all":
        return None
    if raw.strip() == "12":
        return 12
    raise CommandError(f"--window {raw!r} is not supported: use 12 (months) or all.")


class Command(BaseCommand):
    help = (
        "Score the whole book (white space, potential, scores, plays, tiers, propensity), store "
        "a snapshot and write accounts.<ext> and cells.<ext> into --out."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="The as-of date, YYYY-MM-DD (default: today).")
        parser.add_argument("--window", default="12", help="12 (months, default) or all.")
        parser.add_argument("--level", default="product", help="product (default) or family.")
        parser.add_argument("--format", default="csv", help="csv (default), xlsx or parquet.")
        parser.add_argument("--out", help="Folder to write accounts.<ext> and cells.<ext> into.")
        parser.add_argument(
            "--cells",
            default="all",
            choices=["all", "stored"],
            help="all (default): every account × item, derived cells included, written in "
            "chunks; stored: only the cells with revenue, a deal marker or an override (any "
            "other cell is its peer rate × the account's size, see rates.<ext>).",
        )
        parser.add_argument(
            "--explain", metavar="ACCOUNT_ID", help="Print the reasoning for one account."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue a rescore for the background worker and return at once.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stream: IO[str] = getattr(self.stdout, "_out", sys.stdout)
        err: IO[str] = getattr(self.stderr, "_out", sys.stderr)
        console = Console(file=stream, highlight=False, soft_wrap=True)
        status_console = Console(file=err, highlight=False)
        as_of = _date(options["as_of"]) if options["as_of"] else None
        window = _window(str(options["window"]))
        level = options["level"]
        if level not in ("product", "family"):
            raise CommandError(f"--level {level!r} is not supported: use product or family.")
        fmt = options["format"]
        if fmt not in FORMATS:
            raise CommandError(f"--format {fmt!r} is not supported: use {', '.join(FORMATS)}.")
        if options["enqueue"]:
            snapshot = enqueue_rescore(trigger="cli", as_of=as_of)
            console.print(f"Queued snapshot {snapshot.pk}; `accountplan worker` will compute it.")
            return
        explain_id = options["explain"]
        account_pk = None
        if explain_id is not None:
            account_pk = (
                Account.objects.filter(external_id=explain_id).values_list("pk", flat=True).first()
            )
            if account_pk is None:
                raise CommandError(
                    f"No account with id {explain_id!r}: give the id the account was imported "
                    "with (the account_id column of accounts.csv)."
                )
        out = Path(options["out"]) if options["out"] else None
        if out is None and explain_id is None:
            raise CommandError("Give --out DIR to write the tables into (or --explain ACCOUNT_ID).")
        if out is not None:
            if out.exists() and not out.is_dir():
                raise CommandError(f"--out {out} is a file: give a folder.")
            out.mkdir(parents=True, exist_ok=True)
        status = Progress(status_console, "Loading the book…")
        labels = {
            "loading": "Loading the book…",
            "computing": "Computing white space, scores, plays, tiers and propensity…",
            "storing": "Storing the snapshot…",
            "pruning": "Deleting the oldest snapshot…",
        }
        with status:
            result = analyze_now(
                as_of=as_of,
                window_months=window,
                level=level,
                trigger="cli",
                step=lambda s: status.update(labels.get(s, s)),
            )
            snap = result.snapshot
            status.update("Preparing the pages' whole-book figures…")
            warm(snap)
            if out is not None:
                status.update("Writing the tables…")
                written = [
                    write_table(accounts_table(result.accounts), out, "accounts", fmt),
                    write_table(rates_table(result.analysis.rates), out, "rates", fmt),
                    write_cells(result.analysis, result.accounts, out, fmt)
                    if options["cells"] == "all"
                    else write_table(cells_table(result.cells, result.accounts), out, "cells", fmt),
                ]
        window_text = "all" if snap.window_months is None else f"{snap.window_months} months"
        console.print(
            f"Snapshot {snap.pk}: {snap.account_count:,} accounts, {snap.cell_count:,} cells, "
            f"as of {snap.as_of}, window {window_text}, level {snap.level}."
        )
        # The peer group the run used (as stored on the snapshot), filled for too few accounts?
        warning = peer_warning((snap.config or {}).get("segment_field", "industry"))
        if warning:
            console.print(f"Warning: {warning}", markup=False)
        if snap.skipped_won_deals:
            console.print(
                f"{snap.skipped_won_deals:,} won deals name no product and have no line items: "
                "left out of revenue."
            )
        if out is not None:
            for path in written:
                console.print(f"Wrote {path}")
        if account_pk is not None:
            console.print(explain(result.analysis, account_pk), markup=False)

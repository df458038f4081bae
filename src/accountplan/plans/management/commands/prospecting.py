"""``accountplan prospecting``: the prospecting plan of seed 002 for quick what-ifs.

The same calculation as the plan's Prospecting section (``plans.prospecting``). Bad input exits
with status 2 and says what to fix.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from accountplan.plans.prospecting import ProspectingError, ProspectingInputs, plan


def _number(raw: str) -> Decimal:
    text = raw.strip().replace(",", "").replace("_", "").removesuffix("%").lstrip("$")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a number (e.g. 100000 or 12.5)") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"{raw!r} is not a finite number")
    return value


def _months(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a whole number of months") from None


def _date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a date: use YYYY-MM-DD") from None


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


class Command(BaseCommand):
    help = (
        "Prospecting plan (seed 002): growth target = current revenue × growth %; gap = target − "
        "expected upgrades; deals = ⌈gap / deal size⌉; opportunities = ⌈deals / win rate⌉; "
        "prospects = opportunities × prospects per opportunity."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """The inputs; amounts accept 1,000,000 or $1000000, percents 10 or 10%."""
        parser.add_argument("--current-revenue", type=_number, default=None, metavar="N")
        parser.add_argument("--growth", type=_number, default=None, metavar="PCT")
        parser.add_argument(
            "--objective",
            type=_number,
            default=None,
            metavar="N",
            help="The goal build's growth objective: the growth target instead of "
            "current revenue × growth %%.",
        )
        parser.add_argument("--deal-size", type=_number, required=True, metavar="N")
        parser.add_argument("--win-rate", type=_number, required=True, metavar="PCT")
        parser.add_argument("--prospects-per-opportunity", type=_number, required=True, metavar="N")
        parser.add_argument("--expected-upgrades", type=_number, default=Decimal(0), metavar="N")
        parser.add_argument(
            "--cycle-months", type=_months, default=0, metavar="N", help="Sales cycle in months."
        )
        parser.add_argument("--period-start", type=_date, metavar="YYYY-MM-DD")
        parser.add_argument("--period-end", type=_date, metavar="YYYY-MM-DD")
        parser.add_argument("--json", action="store_true", help="Print the plan as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        """Compute and print the plan (a table, or JSON with --json)."""
        if options["objective"] is None and (
            options["current_revenue"] is None or options["growth"] is None
        ):
            raise CommandError(
                "Give --current-revenue and --growth, or the goal build's --objective.",
                returncode=2,
            )
        inputs = ProspectingInputs(
            current_revenue=options["current_revenue"] or Decimal(0),
            growth_pct=options["growth"] or Decimal(0),
            objective=options["objective"],
            deal_size=options["deal_size"],
            win_rate_pct=options["win_rate"],
            prospects_per_opportunity=options["prospects_per_opportunity"],
            expected_upgrades=options["expected_upgrades"],
            cycle_months=options["cycle_months"],
            period_start=options["period_start"],
            period_end=options["period_end"],
        )
        try:
            result = plan(inputs)
        except ProspectingError as exc:
            raise CommandError(f"Cannot make a prospecting plan: {exc}", returncode=2) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
            return
        table = Table(title="Prospecting plan", show_header=False)
        table.add_row("Growth target", _money(result.growth_target))
        table.add_row("Expected upgrades", _money(inputs.expected_upgrades))
        table.add_row("New-business gap", _money(result.gap))
        table.add_row("Deals to win", str(result.deals))
        table.add_row("Opportunities to open", str(result.opportunities))
        table.add_row("Prospects to engage", str(result.prospects))
        if result.pipeline_start:
            table.add_row("Pipeline must start", result.pipeline_start.isoformat())
            table.add_row("Lead before the period (months)", str(result.lead_months))
        buffer = io.StringIO()
        Console(file=buffer, width=100).print(table)
        self.stdout.write(buffer.getvalue(), ending="")

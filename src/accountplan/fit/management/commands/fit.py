"""``accountplan fit OPPORTUNITY_ID [--json]``: an opportunity's fit score, every part explained."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accountplan.book.models import Opportunity
from accountplan.fit import selectors
from accountplan.fit.rules import deal_title


class Command(BaseCommand):
    help = "Show an opportunity's fit score, band, demand reading and every part of the score."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("opportunity", help="The opportunity's id (or its CRM external id).")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        ref = str(options["opportunity"])
        opp = (
            Opportunity.objects.select_related("account").filter(pk=int(ref)).first()
            if ref.isdigit()
            else None
        ) or Opportunity.objects.select_related("account").filter(external_id=ref).first()
        if opp is None:
            raise CommandError(f"No opportunity {ref}.")
        result = selectors.scored_one(opp).result
        if options["json"]:
            out = {"opportunity_id": opp.pk, "opportunity": str(opp), **result.as_dict()}
            self.stdout.write(json.dumps(out, indent=2, ensure_ascii=False))
            return
        data = result.as_dict()
        w = self.stdout.write
        w(deal_title(opp.account.name, str(opp)))
        w(f"Fit: {result.score} / 100 — {result.band.label}: {result.band.guidance}")
        w(f"  {data['formula']}")
        for p in result.parts:
            if p.kind in ("block", "analytics"):
                pts = "—" if p.points is None else data_points(p.points)
                w(f"  {p.label:<34} {pts:>8}   {p.formula}")
            elif p.kind == "gate":
                w(f"  Gate: {p.label} — {p.answer} ({p.formula})")
        c = result.demand_counts
        w(
            f"Demand: {result.demand} ({c['established']} established, "
            f"{c['emerging']} emerging, {c['unknown']} unknown)"
        )
        if result.discovery:
            w("Not known yet (discovery):")
            for q in result.discovery:
                w(f"  - {q.text}")


def data_points(value: Any) -> str:
    return f"{value:.2f}"

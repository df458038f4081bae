"""Shared by the Salesforce round-trip tests: Salesforce Ids for a book, and a plan's mapped
fields (what the round trip must keep equal)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from accountplan.book.models import Account, Opportunity
from accountplan.core.models import User
from accountplan.plans.models import AccountPlan
from accountplan.plans.services import sections_of
from accountplan.salesforce.ids import to18


def sf(prefix: str, n: int) -> str:
    """A valid 18-character Salesforce Id with ``prefix`` (``001`` accounts…)."""
    full = to18(f"{prefix}{n:012d}")
    assert full is not None
    return full


def give_salesforce_ids() -> None:
    """Every account, user and deal gets a Salesforce Id as its external id, as a book
    imported from Salesforce has."""
    for model, prefix in ((Account, "001"), (User, "005"), (Opportunity, "006")):
        rows = list(model.objects.all())  # type: ignore[attr-defined]
        for row in rows:
            row.external_id = sf(prefix, row.pk)
        model.objects.bulk_update(rows, ["external_id"])  # type: ignore[attr-defined]


def mapped(plan: AccountPlan) -> dict[str, Any]:
    """Every field the Salesforce files carry, as the plan holds it."""
    d = {k: v.data for k, v in sections_of(plan).items()}
    co, cg, pp = d["company_overview"], d["customer_goals"], d["profile_position"]
    inputs = d["prospecting"].get("inputs") or {}
    return {
        "account": plan.account_id,
        "period": plan.period,
        "status": plan.status,
        "owner": plan.owner_id,
        "overview": [co.get(k) for k in ("description", "history", "mission")],
        "goals": [
            cg.get(k)
            for k in (
                "north_star_metric",
                "efforts_made",
                "biggest_challenge",
                "success_measures",
                "how_they_achieve",
            )
        ],
        "priorities": [p["text"] for p in cg.get("priorities_12m", [])],
        "needs": [(n["need"], n.get("rank"), n.get("notes")) for n in d["needs"]["needs"]],
        "competitors": [
            (c["name"], c.get("supplies"), c.get("our_position"), c.get("notes"))
            for c in pp.get("competitors", [])
        ],
        "swot": pp.get("swot"),
        "dates": (inputs.get("period_start"), inputs.get("period_end")),
        "components": [
            (
                c["id"],
                c["kind"],
                c.get("product_id"),
                c.get("buying_center_id"),
                c.get("notes"),
                None if c.get("amount") is None else Decimal(str(c["amount"])),
                c.get("opportunity_ids"),
            )
            for c in d["goals"].get("components", [])
        ],
    }

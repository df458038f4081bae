"""Facts of the customer scorecard (issue 12): how the customer scored us in their latest scored
quarter (the weighted score and its change since the quarter before), and each metric they
scored 2 or lower then. Read for this account's rounds only (``sharing.scorecard_services``)."""

from __future__ import annotations

import datetime as dt

from accountplan.book.models import Account
from accountplan.drafts.facts_base import make_fact
from accountplan.drafts.types import Fact

#: A metric scored this low or lower (out of 5) is a fact of its own.
LOW_SCORE = 2


def scorecard_facts(account: Account, as_of: dt.date) -> list[Fact]:
    from accountplan.sharing.models import ScorecardRound
    from accountplan.sharing.scorecard_services import account_history

    rows = account_history(account)
    if not rows:
        return []
    last = rows[-1]
    round_ids = list(
        ScorecardRound.objects.filter(plan__account=account, period=last.period).values_list(
            "pk", flat=True
        )
    )
    score = "unknown" if last.weighted is None else f"{last.weighted:.2f}"
    label = f"The customer scored us {score} out of 5 for {last.period}"
    if last.change is not None:
        label += f" ({'+' if last.change > 0 else ''}{last.change:.2f} on the quarter before)"
    facts = [
        make_fact(
            "customer.scorecard",
            "",
            label,
            {
                "period": last.period,
                "weighted": last.weighted,
                "change": last.change,
                "scored": last.scored,
            },
            "sharing.ScorecardRound",
            round_ids,
            as_of,
        )
    ]
    for s in last.scores:
        if s.score is not None and s.score <= LOW_SCORE:
            facts.append(
                make_fact(
                    "customer.scorecard_low",
                    s.name,
                    f"The customer scored “{s.name}” {s.score} out of 5 for {last.period}",
                    {"metric": s.name, "score": s.score, "period": last.period},
                    "sharing.ScorecardScore",
                    [s.pk],
                    as_of,
                )
            )
    return facts

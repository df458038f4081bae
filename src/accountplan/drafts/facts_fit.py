"""Facts of the opportunity-fit scorecard (issue 13): each open deal of the account that has fit
answers, with its score and pursuit band. Scored on read by the fit app's own selectors, for
this account's open deals only."""

from __future__ import annotations

import datetime as dt

from accountplan.book.models import Account, Opportunity
from accountplan.drafts.facts_base import make_fact
from accountplan.drafts.types import Fact

#: Most open deals scored for one draft.
MAX_DEALS = 10


def fit_facts(account: Account, as_of: dt.date) -> list[Fact]:
    from accountplan.fit.models import FitAnswer
    from accountplan.fit.selectors import current_config, scores

    answered = FitAnswer.objects.filter(opportunity__account=account).values("opportunity_id")
    deals = list(
        Opportunity.objects.filter(account=account, status="open", pk__in=answered)
        .order_by("pk")
        .values_list("pk", "account_id", "name")[:MAX_DEALS]
    )
    if not deals:
        return []
    config = current_config()
    top = config.bands[0].label if config.bands else ""
    scored = scores([(pk, account_id) for pk, account_id, _ in deals], config)
    facts = []
    for pk, _, name in deals:
        result = scored[pk].result
        deal = name or f"Deal {pk}"
        facts.append(
            make_fact(
                "deals.fit",
                pk,
                f"{deal}: fit {result.score} / 100, {result.band.label}",
                {
                    "opportunity_id": pk,
                    "deal": deal,
                    "score": result.score,
                    "band": result.band.label,
                    "guidance": result.band.guidance,
                    "top_band": result.band.label == top and not result.gated,
                },
                "book.Opportunity",
                [pk],
                as_of,
            )
        )
    return facts

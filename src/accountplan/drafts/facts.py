"""The facts of one account for one plan period, each with the rows it was read from (issue 15).

``build_facts(account, period, as_of)`` reads only what the account holds: its row, its deals in
the last twelve months and its open ones (aggregated in the database), its stored portfolio
score and cells (the newest finished snapshot), its contacts' last touches, its plan's sections,
its open findings and lost-deal micro-plans. The cost grows with the account's own rows, never
with the book. A fact's id is its kind plus a key (a product id, a competitor's name…), so the
same data gives the same ids. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from accountplan.drafts.facts_base import MAX_ROW_IDS, WINDOW_DAYS, fact_id, make_fact
from accountplan.drafts.facts_deals import deal_facts
from accountplan.drafts.facts_fit import fit_facts
from accountplan.drafts.facts_people import people_facts, plan_facts
from accountplan.drafts.facts_portfolio import portfolio_facts
from accountplan.drafts.facts_scorecard import scorecard_facts
from accountplan.drafts.types import Fact, FactSet

__all__ = ["MAX_ROW_IDS", "WINDOW_DAYS", "build_facts", "fact_id", "make_fact"]

if TYPE_CHECKING:
    from accountplan.book.models import Account
    from accountplan.plans.models import AccountPlan


def build_facts(
    account: Account, period: str, as_of: dt.date, plan: AccountPlan | None = None
) -> FactSet:
    """Every fact held about ``account`` for its ``period`` plan as of ``as_of`` (see the
    module docstring). ``plan`` defaults to the account's plan of that period, if any."""
    from accountplan.plans.models import AccountPlan

    if plan is None:
        plan = AccountPlan.objects.filter(account=account, period=period).first()
    facts: list[Fact] = [account_fact(account, as_of)]
    facts += deal_facts(account, as_of)
    facts += fit_facts(account, as_of)
    facts += portfolio_facts(account, as_of)
    facts += people_facts(account, plan, as_of)
    facts += plan_facts(account, plan, as_of)
    facts += scorecard_facts(account, as_of)
    seen: set[str] = set()
    unique = []
    for fact in facts:
        if fact.id not in seen:
            seen.add(fact.id)
            unique.append(fact)
    return FactSet(account_id=account.pk, period=period, as_of=as_of, facts=unique)


def account_fact(account: Account, as_of: dt.date) -> Fact:
    """Who the account is, from its row: industry, segment, place, size, age, parent."""
    from accountplan.core import fmt

    parts = [p for p in (account.segment, account.industry) if p]
    place = ", ".join(p for p in (account.city, account.country) if p)
    label = account.name + (f": {' '.join(parts)}" if parts else "")
    if place:
        label += f", {place}"
    if account.employees:
        label += f", {fmt.number(account.employees)} employees"
    parent = account.parent.name if account.parent_id and account.parent else ""
    return make_fact(
        "account.profile",
        "",
        label,
        {
            "name": account.name,
            "industry": account.industry,
            "segment": account.segment,
            "city": account.city,
            "country": account.country,
            "employees": account.employees,
            "founded_year": account.founded_year,
            "status": account.get_status_display(),
            "parent": parent,
        },
        "book.Account",
        [account.pk],
        as_of,
    )

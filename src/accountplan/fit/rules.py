"""The low-fit rule: an open deal whose fit is below a threshold (or stopped by a gate) raises a
finding on its account (so on its owner's home page), with a link to the deal's scorecard."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse

from accountplan.core import fmt
from accountplan.governance.rules.context import RuleContext
from accountplan.governance.rules.registry import Evidence, Hit, Rule, register

CODE = "fit.low"


def fit_url(opportunity_id: int) -> str:
    return reverse("fit:opportunity", args=[opportunity_id]) + "#fit-score"


def deal_title(account_name: str, deal: str) -> str:
    """ "Account: deal", unless the deal's name already names its account (CRMs often do)."""
    return deal if account_name and account_name in deal else f"{account_name}: {deal}"


def low_fit(ctx: RuleContext, t: dict[str, Any]) -> list[Hit]:
    """An open deal with fit answers whose fit score is below ``below`` (0–100), or that a gate
    question stopped (answered no)."""
    from accountplan.fit import selectors

    return hits_for(selectors.scored_open_opportunities(), t)


def hits_for(rows: list[tuple[int, int, str, str, int | None]], t: dict[str, Any]) -> list[Hit]:
    """The low-fit hits among ``rows`` (id, account id, account name, deal name, owner id)."""
    from accountplan.fit import selectors

    below = Decimal(str(t["below"]))
    scored = selectors.scores((pk, aid) for pk, aid, *_ in rows)
    hits = []
    for pk, aid, account_name, name, _owner in rows:
        r = scored[pk].result
        if not r.gated and r.score >= below:
            continue
        deal = name or f"Deal {pk}"
        why = "a gate question is answered no" if r.gated else f"fit {r.score} below {below}"
        evidence = [Evidence(f"Fit: {r.score} ({r.band.label})")]
        evidence += [
            Evidence(f"Gate failed: {p.label}")
            for p in r.parts
            if p.kind == "gate" and p.answer == "no"
        ]
        if r.discovery:
            evidence.append(Evidence(f"{fmt.count(len(r.discovery), 'question')} not known yet"))
        hits.append(
            Hit(
                account_id=aid,
                subject=f"opportunity:{pk}",
                summary=f"{deal_title(account_name, deal)} is a low-fit deal ({why})",
                fix_url=fit_url(pk),
                severity="red" if r.gated else None,
                evidence=evidence,
            )
        )
    return hits


def register_rule() -> None:
    register(
        Rule(
            code=CODE,
            version=1,
            label="Low-fit deal",
            severity="amber",
            defaults={"below": 45},
            check=low_fit,
            group="Opportunities",
            help=(low_fit.__doc__ or "").strip(),
        )
    )

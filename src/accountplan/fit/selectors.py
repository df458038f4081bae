"""Reads of the fit scorecard: its settings, the facts behind an opportunity's score (the
relationship map's mobilizer, the account's current analytics) and the scores, in bulk.

Every bulk read is a fixed number of queries for any number of opportunities (ids sent in chunks).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from accountplan.book.models import Opportunity
from accountplan.fit.models import FitAnswer, FitAnswerChange, FitSettings
from accountplan.fit.scoring import Facts, FitConfig, FitResult, score
from accountplan.fit.settings import default_layout, validate

if TYPE_CHECKING:
    from accountplan.core.models import User

CHUNK = 5000


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    batch: list[int] = []
    for i in sorted(set(ids)):
        batch.append(i)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def stored_settings() -> FitSettings:
    """The settings row, created with the defaults the first time."""
    row, _ = FitSettings.objects.get_or_create(
        name="default", defaults={"layout": default_layout()}
    )
    return row


def current_layout() -> dict[str, Any]:
    return stored_settings().layout or default_layout()


def current_config() -> FitConfig:
    """The configured scorecard (the stored settings were validated when saved)."""
    return validate(current_layout())


def mobilizers(account_ids: Iterable[int]) -> dict[int, bool | None]:
    """Per account: True when a stakeholder on one of its active plans' relationship maps is
    judged a mobilizer, False when stakeholders are judged and none is, absent when unknown."""
    from accountplan.plans.models import PlanSection, PlanStatus

    judged: dict[int, bool] = {}
    for batch in _chunks(account_ids):
        rows = PlanSection.objects.filter(
            key="relationships", plan__status=PlanStatus.ACTIVE, plan__account_id__in=batch
        ).values_list("plan__account_id", "data")
        for aid, data in rows:
            marks = {s.get("mobilizer") for s in (data or {}).get("stakeholders", [])}
            if "mobilizer" in marks:
                judged[aid] = True
            elif "talker" in marks:
                judged.setdefault(aid, False)
    return dict(judged)


def _hundredth(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 2))) / 100


def analytics(account_ids: Iterable[int]) -> dict[int, tuple[dict[str, Any], dict[str, str]]]:
    """Per account: the analytics parts' values (0–1) from the current snapshot, and how each was
    read; accounts not in the snapshot are absent (every part unknown)."""
    from accountplan.portfolio.models import AccountScore, Snapshot

    snap = Snapshot.objects.current()
    out: dict[int, tuple[dict[str, Any], dict[str, str]]] = {}
    if snap is None:
        return out
    for batch in _chunks(account_ids):
        rows = AccountScore.objects.filter(snapshot=snap, account_id__in=batch).values_list(
            "account_id", "potential_score", "pct_whitespace_value", "cost_to_serve", "gross_margin"
        )
        for aid, potential, pct_ws, cost, margin in rows:
            values: dict[str, Decimal | None] = {
                "strategic_fit": _hundredth(potential),
                "growth_potential": _hundredth(pct_ws),
                "cost_to_serve": None,
            }
            how = {
                "strategic_fit": f"potential score {round(potential, 2)} ÷ 100"
                if potential is not None
                else "the account is not scored",
                "growth_potential": f"white-space percentile {round(pct_ws, 2)} ÷ 100"
                if pct_ws is not None
                else "no white-space rank",
            }
            if cost is not None and margin is not None:
                if margin > 0:
                    # To 4 decimals like the other parts, so weight × the shown value is the
                    # shown points (10 × 0.6250 was shown as 6.2502 from the unrounded ratio).
                    ratio = max(Decimal(0), 1 - Decimal(cost) / Decimal(margin))
                    values["cost_to_serve"] = ratio.quantize(Decimal("0.0001"), ROUND_HALF_UP)
                    how["cost_to_serve"] = f"1 − {cost} ÷ {margin}, to 4 decimals"
                else:
                    values["cost_to_serve"] = Decimal(0)
                    how["cost_to_serve"] = f"no margin ({margin}): 0"
            else:
                how["cost_to_serve"] = "cost to serve or gross margin not imported"
            out[aid] = (values, how)
    return out


def answers(opportunity_ids: Iterable[int]) -> dict[int, dict[str, FitAnswer]]:
    """The stored answers per opportunity, keyed by question."""
    out: dict[int, dict[str, FitAnswer]] = defaultdict(dict)
    for batch in _chunks(opportunity_ids):
        for row in FitAnswer.objects.filter(opportunity_id__in=batch).select_related("updated_by"):
            out[row.opportunity_id][row.key] = row
    return out


def facts_for(account_ids: Iterable[int]) -> dict[int, Facts]:
    """The facts of each account (two queries per chunk of accounts)."""
    ids = sorted(set(account_ids))
    mob = mobilizers(ids)
    ana = analytics(ids)
    out = {}
    for aid in ids:
        values, how = ana.get(aid, ({}, {}))
        out[aid] = Facts(mobilizer=mob.get(aid), analytics=values, sources=how)
    return out


@dataclass
class Scored:
    """An opportunity's result with what it was computed from."""

    opportunity_id: int
    account_id: int
    result: FitResult
    answers: dict[str, FitAnswer]
    facts: Facts


def scores(pairs: Iterable[tuple[int, int]], config: FitConfig | None = None) -> dict[int, Scored]:
    """Score every ``(opportunity id, account id)`` pair."""
    pairs = list(pairs)
    config = config or current_config()
    given = answers(o for o, _ in pairs)
    facts = facts_for(a for _, a in pairs)
    out = {}
    for opp_id, account_id in pairs:
        stored = given.get(opp_id, {})
        values = {k: a.value for k, a in stored.items()}
        out[opp_id] = Scored(
            opp_id, account_id, score(config, values, facts[account_id]), stored, facts[account_id]
        )
    return out


def scored_one(opportunity: Opportunity, config: FitConfig | None = None) -> Scored:
    return scores([(opportunity.pk, opportunity.account_id)], config)[opportunity.pk]


def fits_of(user: User, opportunity_ids: Iterable[int]) -> dict[int, Scored]:
    """The fit of the visible opportunities among ``opportunity_ids`` that have an answer."""
    ids = sorted({int(i) for i in opportunity_ids})
    if not ids:
        return {}
    answered = set(
        FitAnswer.objects.filter(opportunity_id__in=ids).values_list("opportunity_id", flat=True)
    )
    pairs = (
        Opportunity.objects.for_user(user).filter(pk__in=answered).values_list("pk", "account_id")
    )
    return scores(pairs)


def history(opportunity: Opportunity, limit: int = 100) -> QuerySet[FitAnswerChange]:
    """The latest answer changes of one opportunity, newest first."""
    return FitAnswerChange.objects.filter(opportunity=opportunity).select_related("changed_by")[
        :limit
    ]


def scored_open_opportunities(
    only: int | None = None,
) -> list[tuple[int, int, str, str, int | None]]:
    """Open opportunities with at least one fit answer (or just ``only``): id, account id,
    account name, deal name, owner id (what the low-fit rule reads; one query)."""
    ids = FitAnswer.objects.values("opportunity_id")
    if only is not None:
        ids = ids.filter(opportunity_id=only)
    rows = (
        Opportunity.objects.filter(status="open", pk__in=ids)
        .values_list("pk", "account_id", "account__name", "name", "owner_id")
        .order_by("pk")
    )
    return list(rows)


def component_fits(
    user: User, plan: Any, components: list[dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """Per goal-build component id: its open deals (linked, else matched, as the dashboard
    credits them) with their fit, scored or not (what the plan's goal build shows)."""
    from django.urls import reverse

    from accountplan.plans import attribution as attr
    from accountplan.plans.performance import account_deals

    open_deals = [d for d in account_deals(user, plan) if d.status == "open"]
    credited = attr.attribute(components, open_deals)
    fits = fits_of(user, (d.id for d in open_deals))
    out: dict[str, list[dict[str, Any]]] = {}
    for comp in credited.components:
        rows = []
        for cr in comp.credits:
            s = fits.get(cr.deal.id)
            rows.append(
                {
                    "id": cr.deal.id,
                    "name": cr.deal.name,
                    "score": s.result.score if s else None,
                    "band": s.result.band.label if s else "",
                    "low": bool(s and (s.result.gated or s.result.score < LOW_FIT_BADGE)),
                    "url": reverse("fit:opportunity", args=[cr.deal.id]),
                }
            )
        out[comp.component_id] = rows
    return out


#: Below this a goal build's deal shows a warning badge (the low-fit rule's default threshold).
LOW_FIT_BADGE = Decimal(45)


def fit_if_answered(opportunity: Opportunity) -> FitResult | None:
    """The deal's fit when it has answers (one query when it has none), else None."""
    given = answers([opportunity.pk]).get(opportunity.pk)
    if not given:
        return None
    facts = facts_for([opportunity.account_id])[opportunity.account_id]
    return score(current_config(), {k: a.value for k, a in given.items()}, facts)

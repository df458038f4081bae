"""Rules where the account's play (prioritization grid) and its plan disagree."""

from __future__ import annotations

from typing import Any

from accountplan.governance.rules.context import RuleContext, plan_url
from accountplan.governance.rules.registry import Evidence, Hit

GROWTH_KINDS = ("cross_sell", "new_buying_center")


def expand_without_growth(ctx: RuleContext, t: dict[str, Any]) -> list[Hit]:
    """An Expand account whose goal build has no cross-sell and no new-buying-center part."""
    goals = ctx.sections("goals")
    hits = []
    for plan in ctx.active_plans:
        score = ctx.plan_scores.get(plan.account_id)
        if score is None or score.play != "Expand":
            continue
        kinds = sorted({c.get("kind", "") for c in goals.get(plan.pk, {}).get("components", [])})
        if any(k in GROWTH_KINDS for k in kinds):
            continue
        hits.append(
            Hit(
                account_id=plan.account_id,
                plan_id=plan.pk,
                summary=f"{plan.account_name} {plan.period}: Expand account, but the goal build "
                "has no cross-sell or new buying center",
                fix_url=plan_url(plan.pk, "goals"),
                evidence=[
                    Evidence("Play in the current analysis: Expand"),
                    Evidence(
                        "Goal-build parts: "
                        + (", ".join(k.replace("_", " ") for k in kinds) if kinds else "none")
                    ),
                ],
            )
        )
    return hits


def nurture_without_satisfaction(ctx: RuleContext, t: dict[str, Any]) -> list[Hit]:
    """A Nurture account whose plan names no satisfaction goal: none of ``keywords`` in the goals'
    objective or strategy, the customer's success measures, or a milestone's title."""
    words = [w.casefold() for w in t["keywords"]]
    goals, cust, dash = (
        ctx.sections("goals"),
        ctx.sections("customer_goals"),
        ctx.sections("dashboard"),
    )
    hits = []
    for plan in ctx.active_plans:
        score = ctx.plan_scores.get(plan.account_id)
        if score is None or score.play != "Nurture":
            continue
        g, c, d = goals.get(plan.pk, {}), cust.get(plan.pk, {}), dash.get(plan.pk, {})
        texts = [g.get("objective_text", ""), g.get("strategy", ""), c.get("success_measures", "")]
        texts += [m.get("title", "") for m in d.get("milestones", [])]
        blob = " ".join(texts).casefold()
        if any(w in blob for w in words):
            continue
        hits.append(
            Hit(
                account_id=plan.account_id,
                plan_id=plan.pk,
                summary=f"{plan.account_name} {plan.period}: Nurture account with no "
                "satisfaction goal",
                fix_url=plan_url(plan.pk, "goals"),
                evidence=[
                    Evidence("Play in the current analysis: Nurture"),
                    Evidence(
                        "None of " + ", ".join(t["keywords"]) + " in the objective, "
                        "strategy, success measures or milestones"
                    ),
                ],
            )
        )
    return hits

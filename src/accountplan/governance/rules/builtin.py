"""The built-in rules, registered at start-up (``GovernanceConfig.ready``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from accountplan.governance.rules import people_rules, plan_rules, play_rules, progress_rules
from accountplan.governance.rules.context import RuleContext
from accountplan.governance.rules.registry import Check, Hit, Rule, register

#: The timing label of the relationship rules' shared pass (``RuleRun.timings``).
GAPS_STEP = "(rel.* shared pass over the maps)"


def _gap(code: str) -> Check:
    def check(ctx: RuleContext, t: dict[str, Any]) -> list[Hit]:
        # The five gaps share one pass over the maps, cached on the context for the run; its
        # time is reported under its own label, not charged to whichever rel.* rule runs first.
        cache: dict[str, list[Hit]] | None = getattr(ctx, "_gaps", None)
        if cache is None:
            started = time.perf_counter()
            cache = people_rules.relationship_gaps(ctx, t)
            ctx._gaps = cache  # type: ignore[attr-defined]
            ctx.shared_seconds[GAPS_STEP] = time.perf_counter() - started
        return cache.get(code, [])

    return check


def _r(
    code: str,
    label: str,
    severity: str,
    defaults: dict[str, Any],
    check: Callable[..., list[Hit]],
    group: str,
) -> None:
    register(
        Rule(
            code=code,
            version=1,
            label=label,
            severity=severity,
            defaults=defaults,
            check=check,
            group=group,
            help=(check.__doc__ or "").strip(),
        )
    )


_r("plan.stale", "Stale plan", "amber", {"days": 30}, plan_rules.stale_plan, "Plans")
_r(
    "plan.period_ended",
    "Plan period ended, no next plan",
    "red",
    {"grace_days": 0},
    plan_rules.period_ended,
    "Plans",
)
_r(
    "plan.key_account_unplanned",
    "Tier-1/tier-2 account with no active plan",
    "red",
    {"tiers": [1, 2]},
    plan_rules.key_account_unplanned,
    "Plans",
)
_r(
    "exec.overdue_actions",
    "Overdue actions",
    "amber",
    {"red_after_days": 30},
    progress_rules.overdue_actions,
    "Execution",
)
_r(
    "exec.milestones_behind",
    "Milestones behind",
    "amber",
    {},
    progress_rules.milestones_behind,
    "Execution",
)
_r(
    "exec.goal_pace",
    "Goal build behind pace",
    "amber",
    {"pace_pct": 80, "min_elapsed_pct": 10},
    progress_rules.goal_pace,
    "Execution",
)
for _code, _label, _sev in (
    ("rel.no_decision_maker", "No decision maker or economic buyer mapped", "red"),
    ("rel.no_mobilizer", "No mobilizer", "amber"),
    ("rel.decider_detractor", "Decision maker is a detractor", "red"),
    ("rel.only_talkers", "Only talkers", "amber"),
    ("rel.department_gap", "Department with no relationship", "amber"),
):
    register(
        Rule(
            code=_code,
            version=1,
            label=_label,
            severity=_sev,
            defaults={},
            check=_gap(_code),
            group="Relationships",
            help=(people_rules.relationship_gaps.__doc__ or "").strip(),
        )
    )
_r(
    "people.stale_contacts",
    "Stale contacts",
    "amber",
    {"days": 90},
    people_rules.stale_contacts,
    "Relationships",
)
_r(
    "people.silent_account",
    "Silent account",
    "amber",
    {"tier1_days": 30, "tier2_days": 60, "tier3_days": 0},
    people_rules.silent_accounts,
    "Relationships",
)
_r(
    "play.expand_no_growth",
    "Expand account without cross-sell or new buying center",
    "amber",
    {},
    play_rules.expand_without_growth,
    "Play and plan",
)
_r(
    "play.nurture_no_satisfaction",
    "Nurture account without a satisfaction goal",
    "amber",
    {"keywords": ["satisfaction", "NPS", "CSAT", "promoter"]},
    play_rules.nurture_without_satisfaction,
    "Play and plan",
)

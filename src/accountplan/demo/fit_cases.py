"""Scored opportunities of the demo book (issue 13 point 7): open deals on planned accounts with
fit answers from their owners, from a deal to pursue to a disqualified one and a low-fit one, so
the scorecard, its history, the discovery actions and the low-fit findings have real cases."""

from __future__ import annotations

from accountplan.book.models import Opportunity
from accountplan.core.models import Role, User
from accountplan.fit import services
from accountplan.fit.models import FitAnswer
from accountplan.plans.models import AccountPlan, PlanStatus

Y, N, U = "yes", "no", "unknown"
#: Each case: its name, then the answers in the default settings' order (gates, blocks, demand).
KEYS = (
    "meaningful_spend",
    "financially_sound",
    "pressure_business",
    "pressure_deadline",
    "discontent_named",
    "discontent_cost",
    "receptive_insight",
    "receptive_change",
    "emerging_unsolved",
    "demand_rfp",
    "demand_price",
    "demand_shaping",
    "demand_new_goal",
)
CASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pursue", (Y, Y, Y, Y, Y, Y, Y, Y, Y, N, N, Y, Y)),
    ("qualify", (Y, Y, Y, Y, Y, U, Y, N, U, N, U, Y, U)),
    ("low fit", (Y, Y, N, N, Y, N, N, N, N, Y, Y, N, N)),
    ("disqualified", (Y, N, Y, Y, U, U, U, U, U, Y, Y, U, U)),
)
EVIDENCE = {
    "meaningful_spend": "Budget line confirmed in the discovery call",
    "financially_sound": "Latest annual report",
    "demand_rfp": "RFP received",
}


def write_fit_cases() -> dict[str, int]:
    """Answer the fit questions of one open deal per case; answers how many deals were scored."""
    manager = User.objects.filter(role=Role.MANAGER, is_active=True).order_by("pk").first()
    if FitAnswer.objects.exists():
        return {"scored_deals": 0}  # written once: a rerun keeps the answers and their history
    planned = set(
        AccountPlan.objects.filter(status=PlanStatus.ACTIVE).values_list("account_id", flat=True)
    )
    deals = sorted(
        Opportunity.objects.filter(status="open").select_related("account", "account__owner"),
        key=lambda d: (d.account_id not in planned, d.account_id, d.pk),
    )
    # One deal per account, planned accounts first, then in id order (deterministic).
    picked: list[Opportunity] = []
    for deal in deals:
        if all(p.account_id != deal.account_id for p in picked):
            picked.append(deal)
        if len(picked) == len(CASES):
            break
    scored = 0
    for deal, (_, answers) in zip(picked, CASES, strict=False):
        user = deal.account.owner if deal.account.owner_id else manager
        if user is None or not services.may_answer(user, deal):
            user = manager
        if user is None:
            continue
        given = {
            k: (a, EVIDENCE.get(k, "") if a != U else "")
            for k, a in zip(KEYS, answers, strict=True)
        }
        services.save_answers(user, deal, given)
        scored += 1
    return {"scored_deals": scored}

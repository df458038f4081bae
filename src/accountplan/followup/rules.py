"""The follow-up's two governance rules (issue 11 point 1, last bullet), registered in the
governance registry from ``FollowupConfig.ready``:

- ``review.due``: an active plan whose next review (the last review, else the plan's start, plus
  the tier's cadence, ``selectors.review_days``) falls within ``due_within_days`` days: amber while
  due, red once more than ``red_after_days`` days overdue. Closes when a review is recorded.
- ``lostdeal.reengage``: a watching micro-plan whose re-engagement date came (``on_date``) or one
  of whose conditions fired (``on_conditions``: a news signal, the competitor's contract ending
  within ``contract_end_days`` days, a newer contact at the account, the account's growth turning
  positive): amber. Closes when the micro-plan is re-engaged or closed (dropped).

Each check is a fixed number of bulk queries over the whole book (chunked IN-lists), never one
per plan or micro-plan.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Subquery, Value
from django.urls import reverse
from django.utils import timezone

from accountplan.book.models import Contact
from accountplan.core import fmt
from accountplan.followup import review_due as next_review_days
from accountplan.followup.models import LostDealPlan, MicroPlanStatus, Review
from accountplan.followup.selectors import fired_conditions, review_days
from accountplan.governance.rules.context import (
    RuleContext,
    account_url,
    chunks,
    contact_label,
    plan_url,
)
from accountplan.governance.rules.registry import Evidence, Hit, Rule, register
from accountplan.plans.models import AccountPlan, PlanStatus
from accountplan.portfolio.models import AccountScore

REVIEW_DEFAULTS: dict[str, Any] = {"due_within_days": 14, "red_after_days": 0}
REENGAGE_DEFAULTS: dict[str, Any] = {
    "on_date": True,
    "on_conditions": True,
    "contract_end_days": 60,
}


def reviews_url(plan_id: int, anchor: str = "") -> str:
    url = reverse("followup:plan_reviews", args=[plan_id])
    return f"{url}#{anchor}" if anchor else url


def review_due(ctx: RuleContext, t: dict[str, Any]) -> list[Hit]:
    """A plan whose next review (last review or the plan's start + the tier's cadence) is within
    ``due_within_days`` days (amber) or more than ``red_after_days`` days overdue (red)."""
    # every active plan's stored next review day, with the tiers of this run's snapshot (the
    # home page's "reviews coming up" reads them: followup/review_due.py)
    next_review_days.refresh_all()
    within = int(t["due_within_days"])
    red_after = int(t["red_after_days"])
    started = dict(
        AccountPlan.objects.filter(status=PlanStatus.ACTIVE).values_list("pk", "created_at")
    )
    last: dict[int, tuple[dt.date, int]] = {}
    count: dict[int, int] = {}
    rows = Review.objects.filter(plan__status=PlanStatus.ACTIVE).values_list(
        "plan_id", "reviewed_on", "pk"
    )
    for pid, day, pk in rows.order_by("plan_id", "reviewed_on", "pk"):
        last[pid] = (day, pk)
        count[pid] = count.get(pid, 0) + 1
    tiers = ctx.plan_scores
    hits = []
    for plan in ctx.active_plans:
        if plan.pk not in started:
            continue
        score = tiers.get(plan.account_id)
        tier = score.tier if score else None
        cadence = review_days(tier)
        seen = last.get(plan.pk)
        if seen:
            base = seen[0]
            ev = Evidence(
                f"Last review ({count[plan.pk]} in all)",
                base.isoformat(),
                reviews_url(plan.pk, f"review-{seen[1]}"),
            )
        else:
            base = timezone.localtime(started[plan.pk]).date()
            ev = Evidence("Never reviewed; the plan started", base.isoformat(), plan_url(plan.pk))
        due = base + dt.timedelta(days=cadence)
        if due > ctx.today + dt.timedelta(days=within):
            continue
        late = (ctx.today - due).days
        if late > 0:
            what = f"review overdue since {fmt.date(due)} ({late} days)"
        else:
            what = f"review due {fmt.date(due)}"
        hits.append(
            Hit(
                account_id=plan.account_id,
                plan_id=plan.pk,
                summary=f"{plan.account_name} {plan.period}: {what}",
                fix_url=reviews_url(plan.pk, "review-form"),
                severity="red" if late > red_after else "amber",
                evidence=[
                    ev,
                    Evidence(
                        f"Review cadence: every {cadence} days "
                        f"({f'tier {tier}' if tier else 'no tier yet'})"
                    ),
                    Evidence("Next review due", due.isoformat()),
                ],
            )
        )
    return hits


def _newest_contacts(ids: set[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for batch in chunks(sorted(ids)):
        for row in Contact.objects.filter(pk__in=batch).values(
            "id", "first_name", "last_name", "title"
        ):
            out[row["id"]] = dict(row)
    return out


def lost_deal_reengage(ctx: RuleContext, t: dict[str, Any]) -> list[Hit]:
    """A watching micro-plan whose re-engagement date came (``on_date``) or one of whose
    conditions fired (``on_conditions``; the competitor's contract end counts from
    ``contract_end_days`` days before it)."""
    on_date, on_conditions = bool(t["on_date"]), bool(t["on_conditions"])
    if not (on_date or on_conditions):
        return []
    ahead = int(t["contract_end_days"])
    newer = Contact.objects.filter(
        account_id=OuterRef("account_id"), pk__gt=OuterRef("last_contact_id")
    ).order_by("-pk")
    qs = (
        LostDealPlan.objects.filter(status=MicroPlanStatus.WATCHING)
        .filter(fired_conditions(ctx.today, ahead, on_date=on_date, on_conditions=on_conditions))
        .annotate(new_contact=Subquery(newer.values("pk")[:1]))
    )
    if ctx.snapshot is not None:
        qs = qs.annotate(
            grows=Exists(
                AccountScore.objects.filter(
                    snapshot=ctx.snapshot, account_id=OuterRef("account_id"), growth__gt=0
                )
            )
        )
    else:
        qs = qs.annotate(grows=Value(False))
    rows = list(
        qs.order_by("pk").values(
            "pk", "account_id", "account__name", "opportunity_id", "opportunity__name",
            "lost_on", "reengage_on", "product", "competitor", "news_signal",
            "competitor_contract_end", "account_growth", "new_contact", "grows",
        )
    )  # fmt: skip
    people = _newest_contacts({r["new_contact"] for r in rows if r["new_contact"]})
    hits = []
    for r in rows:
        micro = reverse("followup:micro_plan", args=[r["pk"]])
        deal = r["opportunity__name"] or f"Opportunity {r['opportunity_id']}"
        lost = f"Lost deal “{deal}”" + (f" ({r['product']})" if r["product"] else "")
        if r["competitor"]:
            lost += f" to {r['competitor']}"
        ev = [
            Evidence(
                lost,
                r["lost_on"].isoformat(),
                reverse("book:opportunity_detail", args=[r["opportunity_id"]]),
            )
        ]
        why: list[str] = []
        if on_date and r["reengage_on"] <= ctx.today:
            why.append(f"re-engagement date {fmt.date(r['reengage_on'])}")
            ev.append(Evidence("Re-engagement date", r["reengage_on"].isoformat(), micro))
        if on_conditions:
            if r["news_signal"]:
                why.append("a news signal")
                ev.append(Evidence(f"News signal: {r['news_signal'][:120]}", None, micro))
            end = r["competitor_contract_end"]
            if end and end <= ctx.today + dt.timedelta(days=ahead):
                why.append(f"the competitor's contract ends {fmt.date(end)}")
                ev.append(Evidence("Competitor contract ends", end.isoformat(), micro))
            if r["new_contact"]:
                who = people.get(r["new_contact"], {"id": r["new_contact"]})
                title = f" ({who['title']})" if who.get("title") else ""
                why.append("a new contact")
                ev.append(
                    Evidence(
                        f"New contact since the loss: {contact_label(who)}{title}",
                        None,
                        account_url(r["account_id"]) + "#contacts-h",
                    )
                )
            if r["grows"] and (r["account_growth"] or 0) <= 0:
                why.append("the account's growth turned positive")
                was = "unknown" if r["account_growth"] is None else fmt.pct(r["account_growth"])
                ev.append(Evidence(f"The account's growth turned positive (at the loss: {was})"))
        if not why:
            continue
        hits.append(
            Hit(
                account_id=r["account_id"],
                subject=f"micro-plan {r['pk']}",
                summary=f"{r['account__name']}: re-engage the lost deal “{deal}” "
                f"({'; '.join(why)})",
                fix_url=micro,
                evidence=ev,
            )
        )
    return hits


def register_rules() -> None:
    """Add the two rules to the governance registry (thresholds: admin page and TOML)."""
    register(
        Rule(
            code="review.due",
            version=1,
            label="Review due or overdue",
            severity="amber",
            defaults=dict(REVIEW_DEFAULTS),
            check=review_due,
            group="Follow-up",
            help=(review_due.__doc__ or "").strip(),
        )
    )
    register(
        Rule(
            code="lostdeal.reengage",
            version=1,
            label="Lost deal due for re-engagement",
            severity="amber",
            defaults=dict(REENGAGE_DEFAULTS),
            check=lost_deal_reengage,
            group="Follow-up",
            help=(lost_deal_reengage.__doc__ or "").strip(),
        )
    )

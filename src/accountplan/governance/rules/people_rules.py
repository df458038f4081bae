"""Rules about people: relationship-map gaps, stale contacts, silent accounts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Max, OuterRef, Q, Subquery

from accountplan.book.models import Activity, Contact
from accountplan.core import fmt
from accountplan.governance.rules.context import (
    RuleContext,
    account_url,
    chunks,
    contact_label,
    plan_url,
)
from accountplan.governance.rules.registry import Evidence, Hit
from accountplan.portfolio.models import AccountScore

DECIDERS = ("decision_maker", "economic_buyer")


def _maps(ctx: RuleContext) -> list[tuple[Any, list[dict[str, Any]]]]:
    out = []
    for pid, data in ctx.sections("relationships").items():
        plan = ctx.plan_by_id.get(pid)
        if plan is not None:
            out.append((plan, data.get("stakeholders", [])))
    # Active plans with no relationship section at all have an empty map.
    seen = {p.pk for p, _ in out}
    out += [(p, []) for p in ctx.active_plans if p.pk not in seen]
    return out


def _hit(plan: Any, what: str, ev: list[Evidence], severity: str | None = None) -> Hit:
    return Hit(
        account_id=plan.account_id,
        plan_id=plan.pk,
        summary=f"{plan.account_name} {plan.period}: {what}",
        fix_url=plan_url(plan.pk, "relationships"),
        severity=severity,
        evidence=ev,
    )


def _contacts(ctx: RuleContext, ids: set[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, Any] = {}
    for batch in chunks(sorted(ids)):
        for row in Contact.objects.filter(pk__in=batch).values(
            "id", "first_name", "last_name", "department", "account_id"
        ):
            out[row["id"]] = row
    return out


def relationship_gaps(ctx: RuleContext, t: dict[str, Any]) -> dict[str, list[Hit]]:
    """The five relationship gaps at once (one pass over the maps), by rule code."""
    maps = _maps(ctx)
    ids = {s["contact_id"] for _, st in maps for s in st if s.get("contact_id")}
    people = _contacts(ctx, ids)
    out: dict[str, list[Hit]] = defaultdict(list)

    def name(s: dict[str, Any]) -> str:
        return contact_label(people.get(s["contact_id"], {"id": s["contact_id"]}))

    for plan, st in maps:
        deciders = [s for s in st if s.get("buying_role") in DECIDERS]
        if not deciders:
            out["rel.no_decision_maker"].append(
                _hit(
                    plan,
                    "no decision maker or economic buyer on the relationship map",
                    [Evidence(f"{fmt.count(len(st), 'stakeholder')} mapped, none deciding")],
                )
            )
        bad = [s for s in deciders if s.get("attitude") == "detractor"]
        if bad:
            out["rel.decider_detractor"].append(
                _hit(
                    plan,
                    "a decision maker is a detractor",
                    [
                        Evidence(f"{name(s)}: {s['buying_role'].replace('_', ' ')}, detractor")
                        for s in bad
                    ],
                )
            )
        judged = [s for s in st if s.get("mobilizer") in ("mobilizer", "talker")]
        mobilizers = [s for s in judged if s["mobilizer"] == "mobilizer"]
        if judged and not mobilizers:
            out["rel.only_talkers"].append(
                _hit(
                    plan,
                    "only talkers, no mobilizer",
                    [Evidence(f"{name(s)}: talker") for s in judged],
                )
            )
        elif not mobilizers:
            out["rel.no_mobilizer"].append(
                _hit(
                    plan,
                    "no mobilizer identified",
                    [Evidence(f"{fmt.count(len(st), 'stakeholder')}, none judged a mobilizer")],
                )
            )
    # Departments of the account with contacts but nobody on the map.
    plan_accounts = {p.account_id: p for p, _ in maps}
    mapped_depts: dict[int, set[str]] = defaultdict(set)
    for plan, st in maps:
        for s in st:
            row = people.get(s.get("contact_id", 0))
            if row and row["department"]:
                mapped_depts[plan.pk].add(row["department"].casefold())
    depts: dict[int, dict[str, str]] = defaultdict(dict)
    for batch in chunks(sorted(plan_accounts)):
        rows = (
            Contact.objects.filter(account_id__in=batch)
            .exclude(department="")
            .values_list("account_id", "department")
            .distinct()
        )
        for aid, dept in rows:
            depts[aid].setdefault(dept.casefold(), dept)
    for plan, _ in maps:
        missing = sorted(
            label
            for key, label in depts[plan.account_id].items()
            if key not in mapped_depts[plan.pk]
        )
        if missing:
            out["rel.department_gap"].append(
                _hit(
                    plan,
                    f"no relationship in {fmt.count(len(missing), 'department')}",
                    [
                        Evidence(
                            f"Department “{d}”: contacts, none on the map",
                            None,
                            account_url(plan.account_id) + "#contacts-h",
                        )
                        for d in missing
                    ],
                )
            )
    return out


def stale_contacts(ctx: RuleContext, t: dict[str, Any]) -> list[Hit]:
    """Stakeholders on a map with no activity in ``days`` days; red when a decider is stale."""
    days = int(t["days"])
    since = ctx.today - dt.timedelta(days=days)
    maps = _maps(ctx)
    ids = {s["contact_id"] for _, st in maps for s in st if s.get("contact_id")}
    last: dict[int, dt.date] = {}
    for batch in chunks(sorted(ids)):
        rows = (
            Activity.objects.filter(contact_id__in=batch)
            .values("contact_id")
            .annotate(last=Max("date"))
            .values_list("contact_id", "last")
        )
        last.update(dict(rows))
    people = _contacts(ctx, ids)
    hits = []
    for plan, st in maps:
        stale = [
            s
            for s in st
            if s.get("contact_id") and (last.get(s["contact_id"]) or dt.date.min) < since
        ]
        if not stale:
            continue
        stale.sort(
            key=lambda s: (
                s.get("buying_role") not in DECIDERS,
                last.get(s["contact_id"]) or dt.date.min,
            )
        )
        red = any(s.get("buying_role") in DECIDERS for s in stale)
        ev = []
        for s in stale:
            when = last.get(s["contact_id"])
            role = (s.get("buying_role") or "").replace("_", " ")
            label = f"{contact_label(people.get(s['contact_id'], {'id': s['contact_id']}))}" + (
                f" ({role})" if role else ""
            )
            ev.append(
                Evidence(
                    f"{label}: last touched" if when else f"{label}: never touched",
                    when.isoformat() if when else None,
                )
            )
        hits.append(
            _hit(
                plan,
                f"{fmt.count(len(stale), 'stakeholder')} not touched in {fmt.count(days, 'day')}",
                ev,
                "red" if red else "amber",
            )
        )
    return hits


def silent_accounts(ctx: RuleContext, t: dict[str, Any]) -> list[Hit]:
    """Scored accounts with no activity in N days, N by tier (0 switches a tier off)."""
    if ctx.snapshot is None:
        return []
    limits = {1: int(t["tier1_days"]), 2: int(t["tier2_days"]), 3: int(t["tier3_days"])}
    last = (
        Activity.objects.filter(account_id=OuterRef("account_id"))
        .order_by("-date")
        .values("date")[:1]
    )
    cond = Q(pk__in=[])
    for level, limit in limits.items():
        if limit > 0:
            cutoff = ctx.today - dt.timedelta(days=limit)
            cond |= Q(tier=level) & (Q(last__lt=cutoff) | Q(last__isnull=True))
    rows = (
        AccountScore.objects.filter(snapshot=ctx.snapshot)
        .annotate(last=Subquery(last))
        .filter(cond)
        .values_list("account_id", "account__name", "tier", "last")
    )
    hits = []
    for aid, name, tier, when in rows.order_by("account_id"):
        days = limits[tier or 3]
        hits.append(
            Hit(
                account_id=aid,
                summary=f"{name}: no activity in {days} days (tier {tier})",
                fix_url=account_url(aid) + "#timeline",
                severity="red" if tier == 1 else "amber",
                evidence=[
                    Evidence("Last activity", when.isoformat(), account_url(aid) + "#timeline")
                    if when
                    else Evidence("No activity recorded on the account")
                ],
            )
        )
    return hits

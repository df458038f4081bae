"""Facts of the people and the plan: stakeholder coverage (decision makers, mobilizers, talkers,
stale contacts, departments not on the map), contacts on deals, overdue plan actions, open
findings, news signals, lost deals due for re-engagement.

The relationship map and the action plan are the plan's own sections; contacts, their last
touch (the newest activity) and their roles on deals come from the book; findings and
micro-plans from governance and follow-up. All scoped to the one account.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max

from accountplan.book.models import Account, Activity, Contact, OpportunityContactRole
from accountplan.core import fmt
from accountplan.drafts.facts_base import make_fact
from accountplan.drafts.types import Fact
from accountplan.plans.models import AccountPlan, PlanSection
from accountplan.plans.relationships import STALE_DAYS
from accountplan.plans.sections import SectionKey

CONTACT = "book.Contact"
#: Lost deals whose re-engagement date falls within this many days are facts.
REENGAGE_DAYS = 90
#: Most contacts named in one fact's label.
NAMED = 4


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:NAMED])
    return shown + (f" and {len(names) - NAMED} more" if len(names) > NAMED else "")


def _sections(plan: AccountPlan | None) -> dict[str, PlanSection]:
    if plan is None:
        return {}
    return {s.key: s for s in PlanSection.objects.filter(plan=plan)}


def people_facts(account: Account, plan: AccountPlan | None, as_of: dt.date) -> list[Fact]:
    contacts: dict[int, dict[str, Any]] = {
        c["pk"]: dict(c)
        for c in Contact.objects.filter(account=account)
        .order_by("pk")
        .values("pk", "first_name", "last_name", "title", "department")
    }
    for c in contacts.values():
        c["name"] = f"{c['first_name']} {c['last_name']}".strip()
    touched = dict(
        Activity.objects.filter(account=account, contact__isnull=False, date__lte=as_of)
        .values("contact_id")
        .annotate(last=Max("date"))
        .order_by()
        .values_list("contact_id", "last")
    )
    rel = _sections(plan).get(SectionKey.RELATIONSHIPS)
    stakeholders = [
        s for s in (rel.data.get("stakeholders", []) if rel else []) if s["contact_id"] in contacts
    ]
    facts: list[Fact] = []
    if contacts:
        facts.append(
            make_fact(
                "contacts.count",
                "",
                f"{len(contacts)} contact{'s' if len(contacts) != 1 else ''} in the book, "
                f"{len(stakeholders)} on the relationship map",
                {"contacts": len(contacts), "on_map": len(stakeholders)},
                CONTACT,
                list(contacts),
                as_of,
            )
        )
    facts += _coverage(stakeholders, contacts, touched, as_of)
    facts += _on_deals(account, contacts, {s["contact_id"] for s in stakeholders}, as_of)
    return facts


def _coverage(
    stakeholders: list[dict[str, Any]],
    contacts: dict[int, dict[str, Any]],
    touched: dict[int, dt.date],
    as_of: dt.date,
) -> list[Fact]:
    facts: list[Fact] = []

    def group(kind: str, members: list[dict[str, Any]], label: str, **values: Any) -> None:
        ids = [m["contact_id"] for m in members]
        names = [contacts[i]["name"] for i in ids]
        values |= {"count": len(ids), "names": ", ".join(names)}
        facts.append(
            make_fact(kind, "", label.format(names=_names(names)), values, CONTACT, ids, as_of)
        )

    deciders = [s for s in stakeholders if s.get("buying_role") == "decision_maker"]
    if deciders:
        strong = [s for s in deciders if (s.get("strength") or 0) >= 3]
        group(
            "stakeholders.decision_makers",
            deciders,
            "Decision makers on the map: {names}"
            + ("" if strong else " (no strong tie: strength unknown or 2 or less)"),
            strong=len(strong),
        )
    elif stakeholders or contacts:
        facts.append(
            make_fact(
                "stakeholders.no_decision_maker",
                "",
                "No decision maker on the relationship map",
                {"on_map": len(stakeholders)},
                CONTACT,
                [s["contact_id"] for s in stakeholders] or list(contacts)[:10],
                as_of,
            )
        )
    mobilizers = [s for s in stakeholders if s.get("mobilizer") == "mobilizer"]
    if mobilizers:
        group("stakeholders.mobilizers", mobilizers, "Mobilizers: {names}")
    talkers = [s for s in stakeholders if s.get("mobilizer") == "talker"]
    if talkers:
        group("stakeholders.talkers", talkers, "Talkers (no action follows): {names}")
    cutoff = as_of - dt.timedelta(days=STALE_DAYS)
    stale = [s for s in stakeholders if (touched.get(s["contact_id"]) or dt.date.min) < cutoff]
    if stale:
        group(
            "stakeholders.stale",
            stale,
            f"Not touched in {STALE_DAYS} days: {{names}}",
            days=STALE_DAYS,
        )
    on_map = {s["contact_id"] for s in stakeholders}
    departments: dict[str, list[int]] = {}
    for pk, c in contacts.items():
        if c["department"].strip():
            departments.setdefault(c["department"].strip(), []).append(pk)
    for dept, members in sorted(departments.items()):
        if not on_map & set(members):
            names = [contacts[i]["name"] for i in members]
            facts.append(
                make_fact(
                    "stakeholders.uncovered_department",
                    dept,
                    f"{dept}: {len(members)} contact{'s' if len(members) != 1 else ''} "
                    f"({_names(names)}), none on the map",
                    {"department": dept, "count": len(members), "names": ", ".join(names)},
                    CONTACT,
                    members,
                    as_of,
                )
            )
    return facts


def _on_deals(
    account: Account, contacts: dict[int, dict[str, Any]], on_map: set[int], as_of: dt.date
) -> list[Fact]:
    """Contacts with a role on the account's deals who are not on the map yet."""
    roles: dict[int, list[str]] = {}
    for contact_id, role in (
        OpportunityContactRole.objects.filter(opportunity__account=account)
        .order_by("contact_id", "role")
        .values_list("contact_id", "role")
    ):
        if contact_id in contacts and contact_id not in on_map:
            roles.setdefault(contact_id, []).append(role.strip())
    facts = []
    for contact_id, names in sorted(roles.items())[:10]:
        c = contacts[contact_id]
        role = ", ".join(sorted({r for r in names if r})) or "a role"
        title = f" ({c['title']})" if c["title"] else ""
        facts.append(
            make_fact(
                "contacts.on_deals",
                contact_id,
                f"{c['name']}{title}: {role} on {len(names)} deal{'s' if len(names) != 1 else ''}",
                {"contact_id": contact_id, "name": c["name"], "roles": role, "deals": len(names)},
                CONTACT,
                [contact_id],
                as_of,
            )
        )
    return facts


def plan_facts(account: Account, plan: AccountPlan | None, as_of: dt.date) -> list[Fact]:
    """Overdue actions and news of the plan, open findings, lost deals to re-engage."""
    from accountplan.followup.models import LostDealPlan, MicroPlanStatus
    from accountplan.governance.models import Finding
    from accountplan.governance.templatetags.governance import rule_label

    facts: list[Fact] = []
    sections = _sections(plan)
    actions = sections.get(SectionKey.ACTIONS)
    for a in [] if actions is None else actions.data.get("actions", []):
        assert actions is not None
        due = a.get("due_date")
        if due and dt.date.fromisoformat(due) < as_of and a.get("status") != "done":
            facts.append(
                make_fact(
                    "actions.overdue",
                    a["id"],
                    f"Action “{a['title']}” overdue since {fmt.date(due)}",
                    {
                        "title": a["title"],
                        "due": dt.date.fromisoformat(due),
                        "item_id": a["id"],
                        "plan_id": actions.plan_id,
                        "section": SectionKey.ACTIONS.value,
                    },
                    "plans.PlanSection",
                    [actions.pk],
                    as_of,
                )
            )
    overview = sections.get(SectionKey.COMPANY_OVERVIEW)
    for n in [] if overview is None else overview.data.get("news", []):
        assert overview is not None
        when = f" ({fmt.date(n['date'])})" if n.get("date") else ""
        facts.append(
            make_fact(
                "news.plan",
                n["id"],
                f"News: {n['title']}{when}",
                {
                    "title": n["title"],
                    "kind": n.get("kind") or "",
                    "item_id": n["id"],
                    "plan_id": overview.plan_id,
                    "section": SectionKey.COMPANY_OVERVIEW.value,
                },
                "plans.PlanSection",
                [overview.pk],
                as_of,
            )
        )
    findings = Finding.objects.filter(account=account).open().order_by("-rank", "pk")
    for f in findings.values("pk", "rule", "severity", "summary", "plan_id", "fix_url")[:20]:
        if f["plan_id"] not in (None, plan.pk if plan else None):
            continue
        facts.append(
            make_fact(
                "findings.open",
                f["pk"],
                f"{rule_label(f['rule'])}: {f['summary']}",
                {
                    "rule": f["rule"],
                    "severity": f["severity"],
                    "summary": f["summary"],
                    "url": f["fix_url"],
                },
                "governance.Finding",
                [f["pk"]],
                as_of,
            )
        )
    micro = LostDealPlan.objects.filter(
        account=account,
        status=MicroPlanStatus.WATCHING,
        reengage_on__lte=as_of + dt.timedelta(days=REENGAGE_DAYS),
    ).order_by("reengage_on", "pk")
    for m in micro.values(
        "pk",
        "opportunity_id",
        "product",
        "competitor",
        "amount",
        "reengage_on",
        "lost_on",
        "news_signal",
    )[:10]:
        to = f" to {m['competitor']}" if m["competitor"] else ""
        what = m["product"] or "a deal"
        facts.append(
            make_fact(
                "followup.reengage",
                m["pk"],
                f"Lost {what}{to} on {fmt.date(m['lost_on'])} ({fmt.money(m['amount'])}): "
                f"re-engage {fmt.date(m['reengage_on'])}",
                {
                    "product": m["product"],
                    "competitor": m["competitor"],
                    "amount": m["amount"],
                    "reengage_on": m["reengage_on"],
                    "opportunity_id": m["opportunity_id"],
                },
                "book.Opportunity",
                [m["opportunity_id"]],
                as_of,
            )
        )
        if m["news_signal"].strip():
            facts.append(
                make_fact(
                    "news.lost_deal",
                    m["pk"],
                    f"News noted on a lost deal: {m['news_signal'].strip()[:200]}",
                    {"signal": m["news_signal"].strip()[:200]},
                    "book.Opportunity",
                    [m["opportunity_id"]],
                    as_of,
                )
            )
    return facts

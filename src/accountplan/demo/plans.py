"""Complete, realistic account plans for the demo book's tier-1 accounts.

Written through the plans services (so each section has a version and a revision) from the
account's real contacts, products, white space, deals and team, once a snapshot exists. The
content is deterministic: it depends only on the book and the snapshot, never on the clock
(dates are relative to the snapshot's as-of date).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction

from accountplan.book import models as m
from accountplan.book.choices import TeamFunction
from accountplan.core.models import Role, User
from accountplan.plans.models import AccountPlan, PlanStatus
from accountplan.plans.plan_writes import update_plan
from accountplan.plans.selectors import history
from accountplan.plans.services import create_plan, save_section
from accountplan.portfolio.cells import account_cells
from accountplan.portfolio.models import AccountScore, Snapshot

#: How many tier-1 accounts get a plan.
DEMO_PLANS = 3
NORTH_STAR = {
    "Retail": "Same-store sales growth",
    "Software": "Net revenue retention",
    "Technology": "Net revenue retention",
    "Finance": "Cost-to-income ratio",
    "Medical": "Patient throughput per site",
    "Telecommunications": "Average revenue per user",
    "Manufacturing": "Overall equipment effectiveness",
}


def _round(value: float | Decimal, step: int = 1000) -> Decimal:
    """A money amount rounded to ``step`` (demo figures read like a person typed them)."""
    amount = Decimal(str(value)) / step
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def _author(account: m.Account) -> User | None:
    if account.owner is not None and account.owner.is_active:
        return account.owner
    found: User | None = (
        User.objects.filter(role__in=[Role.MANAGER, Role.ADMIN], is_active=True)
        .order_by("pk")
        .first()
    )
    return found


def _sections(
    account: m.Account, score: AccountScore, as_of: dt.date, author: User
) -> dict[str, dict[str, Any]]:
    """Every section's data for ``account``, drawn from its book and its scores."""
    contacts = list(m.Contact.objects.filter(account=account).order_by("pk")[:8])
    cells = sorted(
        (c for c in account_cells(score.snapshot, score) if c.product_id is not None),
        key=lambda c: (-(c.whitespace_value or 0), c.item),
    )
    space = [c for c in cells if (c.whitespace_value or 0) > 0][:3]
    owned = sorted(
        (c for c in cells if c.current_revenue > 0), key=lambda c: (-c.current_revenue, c.item)
    )
    team = list(
        m.AccountTeamMember.objects.filter(account=account).select_related("user").order_by("pk")
    )
    owners = [author.pk] + [t.user_id for t in team if t.user.is_active]
    centers = list(m.BuyingCenter.objects.filter(account=account).order_by("pk"))
    lost = list(
        m.Opportunity.objects.filter(account=account, status="lost")
        .exclude(competitor="")
        .values_list("competitor", flat=True)
        .distinct()
        .order_by("competitor")[:2]
    )
    hist = history(account)
    revenue = Decimal(str(score.current_revenue))
    year = as_of.year
    top = owned[0].item_name if owned else "our core product"
    industry = account.industry or "its industry"

    def day(month: int, dom: int = 15) -> str:
        return dt.date(year, month, dom).isoformat()

    objective = _round(revenue * Decimal("0.15")) or Decimal(50000)
    upsell = _round(objective * Decimal("0.35"))
    cross = [
        {
            "kind": "cross_sell",
            "product_id": c.product_id,
            "amount": str(_round(min(Decimal(str(c.whitespace_value or 0)), objective / 3))),
            "source_cell": c.item,
            "notes": f"White space: {c.item_name} (peers buy it; we sell none or little here).",
        }
        for c in space[:2]
    ]
    components: list[dict[str, Any]] = [
        {
            "kind": "upsell",
            "product_id": owned[0].product_id if owned else None,
            "amount": str(upsell),
            "notes": f"More seats of {top} in the teams already using it.",
        },
        *cross,
    ]
    if centers:
        components.append(
            {
                "kind": "new_buying_center",
                "buying_center_id": centers[-1].pk,
                "amount": str(_round(objective * Decimal("0.15"))),
                "notes": f"First deal with {centers[-1].name}.",
            }
        )
    for i, c in enumerate(components):
        c["id"] = f"demo-comp-{i + 1}"
    heads = [c for c in contacts if c.reports_to_id is None] or contacts[:1]
    roles = ["decision_maker", "economic_buyer", "champion", "influencer", "user", "blocker"]
    ordered = heads + [c for c in contacts if c not in heads]
    stakeholders = [
        {
            "contact_id": c.pk,
            "buying_role": roles[min(i, len(roles) - 1)] if i < 4 else "user",
            "influence": "high" if i < 2 else ("medium" if i < 4 else "low"),
            "attitude": ["supporter", "neutral", "supporter", "detractor"][i % 4],
            "mobilizer": "mobilizer" if i in (0, 2) else ("talker" if i == 3 else "unknown"),
            "strength": max(1, 5 - i),
            "our_owner_id": owners[i % len(owners)],
            "notes": f"{c.title or 'Contact'} — {c.department or 'no department recorded'}.",
        }
        for i, c in enumerate(ordered[:6])
    ]
    contact_ids = [c.pk for c in ordered[:3]]
    needs = [
        {
            "rank": i + 1,
            "need": text,
            "stakeholder_contact_ids": contact_ids[i : i + 2] or contact_ids[:1],
            "product_ids": [p] if p else [],
        }
        for i, (text, p) in enumerate(
            [
                (f"Get more value from {top} across teams", owned[0].product_id if owned else None),
                *((f"Cover the gap {c.item_name} would close", c.product_id) for c in space[:2]),
            ]
        )
    ]
    return {
        "company_overview": {
            "description": (
                f"{account.name} is a {industry.lower()} company"
                + (f" based in {account.country}" if account.country else "")
                + (f" with about {account.employees:,} employees." if account.employees else ".")
            ),
            "history": (f"Founded in {account.founded_year}. " if account.founded_year else "")
            + f"A customer of ours since we first sold them {top}.",
            "mission": f"To lead {industry.lower()} on service and cost.",
            "news": [
                {
                    "kind": "new_c_level_hire",
                    "date": day(2, 3),
                    "title": "New CFO appointed, cost review announced",
                    "source_url": "https://news.example.com/" + str(account.pk) + "/cfo",
                },
                {
                    "kind": "product_launch",
                    "date": day(3, 20),
                    "title": "Launch of a new customer offering next quarter",
                    "source_url": "https://news.example.com/" + str(account.pk) + "/launch",
                },
            ],
        },
        "profile_position": {
            "financial_health": {
                "rating": "strong" if (score.growth or 0) > 0.05 else "stable",
                "text": f"Our revenue here grew {(score.growth or 0) * 100:.0f} % last year.",
            },
            "competitors": [
                {"name": name, "supplies": "Competing products", "our_position": "behind"}
                for name in lost
            ]
            or [{"name": "Incumbent vendor", "supplies": "Legacy tools", "our_position": "even"}],
            "swot": {
                "strengths": [f"{top} is used widely and well rated"],
                "weaknesses": ["Few relationships above director level"],
                "opportunities": [f"{c.item_name} white space" for c in space[:2]]
                or ["Expand to new departments"],
                "threats": ["Cost review under the new CFO may freeze new spend"],
            },
        },
        "customer_goals": {
            "north_star_metric": NORTH_STAR.get(account.industry, "Revenue growth"),
            "priorities_12m": [
                {"text": "Cut operating costs by 10 %"},
                {"text": "Launch the new customer offering on time"},
                {"text": "Consolidate vendors"},
            ],
            "efforts_made": "A vendor consolidation started last year; half done.",
            "biggest_challenge": "Doing more with flat budgets.",
            "success_measures": "Cost per transaction and time to launch.",
            "how_they_achieve": "Fewer, deeper vendor partnerships and automation.",
        },
        "needs": {"needs": needs},
        "relationships": {"stakeholders": stakeholders},
        "goals": {
            "objective_amount": str(objective),
            "objective_text": f"Grow {account.name} by {objective:,.0f} this year.",
            "strategy": "Deepen use of what they own, then land the white-space products "
            "the peers of this account already buy.",
            "components": components,
        },
        "prospecting": {
            "inputs": {
                "deal_size": str(_round(hist.deal_size or Decimal(25000), 100)),
                "win_rate_pct": str(hist.win_rate_pct or Decimal(40)),
                "prospects_per_opportunity": "4",
                "cycle_months": 6,
            },
            "notes": "The goal build sets the target: its upsell counts as expected upgrades; "
            "the rest needs new opportunities.",
        },
        "actions": {
            "actions": [
                {
                    "title": title,
                    "component_id": comp,
                    "owner_id": owners[i % len(owners)],
                    "function": fn,
                    "due_date": day(month),
                    "status": status,
                }
                for i, (title, comp, fn, month, status) in enumerate(
                    [
                        ("Executive briefing with the CFO", None, "executive_sponsor", 2, "done"),
                        ("Usage review of " + top, "demo-comp-1", "service", 4, "in_progress"),
                        ("Pilot proposal", "demo-comp-2" if cross else None, "sales", 6, "todo"),
                        ("Campaign to the new teams", None, "marketing", 8, "todo"),
                    ]
                )
            ]
        },
        "team_support": {
            "commitments": [
                {
                    "function": t.function,
                    "commitment": f"{t.get_function_display()} support",
                    "owner_id": t.user_id,
                }
                for t in team[:4]
                if t.user.is_active
            ]
            or [
                {
                    "function": TeamFunction.SALES,
                    "commitment": "Account lead",
                    "owner_id": author.pk,
                }
            ],
            "dependencies": [
                {
                    "internal": True,
                    "description": "Solution engineer for the pilot",
                    "owner": "Presales",
                    "due_date": day(5),
                    "status": "open",
                },
                {
                    "internal": False,
                    "description": "Customer's budget cycle closes in Q3",
                    "owner": "Customer finance",
                    "due_date": day(9),
                    "status": "at_risk",
                },
            ],
        },
        "dashboard": {
            "milestones": [
                {
                    "title": "Executive sponsor met",
                    "target": "Meeting held",
                    "date": day(2, 28),
                    "actual": "Held",
                    "status": "done",
                },
                {
                    "title": "Pilot signed",
                    "target": "1 pilot",
                    "date": day(6, 30),
                    "status": "on_track",
                },
                {
                    "title": "Upsell closed",
                    "target": "Upsell won",
                    "measure": "won_revenue",
                    "component_id": "demo-comp-1",
                    "target_amount": str(upsell),
                    "date": day(9, 30),
                    "status": "at_risk",
                },
            ],
            "adjustments": [
                {"date": day(3, 1), "note": "Moved the pilot after the CFO's cost review."}
            ],
        },
    }


@transaction.atomic
def write_demo_plans(snapshot: Snapshot | None = None, count: int = DEMO_PLANS) -> int:
    """Write a full plan for each of the ``count`` highest-value tier-1 accounts; return how many.

    The period is ``FY<as-of year>``; an account that already has a plan for it is skipped, so
    running the demo twice does not duplicate plans.
    """
    snapshot = snapshot or Snapshot.objects.current(level="product") or Snapshot.objects.current()
    if snapshot is None:
        return 0
    as_of = snapshot.as_of or dt.date.today()
    period = f"FY{as_of.year}"
    scores = (
        AccountScore.objects.filter(snapshot=snapshot, tier=1)
        .select_related("account", "account__owner", "snapshot")
        .order_by("-value", "account__name")[:count]
    )
    written = 0
    for score in scores:
        account = score.account
        author = _author(account)
        if author is None or AccountPlan.objects.filter(account=account, period=period).exists():
            continue
        plan = create_plan(account, period, author)
        for key, data in _sections(account, score, as_of, author).items():
            save_section(plan, key, data, 1, author)
        update_plan(plan, author, status=PlanStatus.ACTIVE)
        written += 1
    return written

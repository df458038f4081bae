"""Campaign history of the demo book (issue 13): a Penetrate campaign launched five months before
the as-of date and ended two months before it, with a control group, the deals that followed and
the deals of the period before it (so the comparison with the previous period has figures); an
Expand campaign still running, which an action of a targeted account's plan rides on; a Nurture
draft. The marketer who owns them creates and launches them, and their history carries the
campaign's own dates. Deterministic: ``random.Random(seed)``."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from accountplan.book.choices import OpportunityStatus, OpportunityType
from accountplan.book.models import Opportunity, Product
from accountplan.campaigns import influence, services
from accountplan.campaigns.models import (
    Campaign,
    CampaignChange,
    CampaignMember,
    ChangeAction,
    MemberGroup,
)
from accountplan.campaigns.suggestions import suggestions
from accountplan.core.models import Role, User

#: Chance that a frozen account opens a deal in the product: the campaign lifts targets.
OPEN_RATE = {MemberGroup.TARGET: 0.35, MemberGroup.CONTROL: 0.15}
#: The same, in the period of the same length before the launch (no campaign yet).
PREVIOUS_RATE = 0.12
WIN_RATE = 0.5


def write_campaign_history(as_of: dt.date, seed: int = 42) -> dict[str, int]:
    """Write the campaigns once (nothing when any campaign exists); answers what was written."""
    if Campaign.objects.exists():
        return {"campaigns": 0, "deals": 0}
    owner = User.objects.filter(role=Role.MARKETING, is_active=True).order_by("pk").first()
    picks = {s.play: s for s in reversed(suggestions(per_play=1))}
    written = {"campaigns": 0, "deals": 0}
    rng = random.Random(seed)
    penetrate = picks.get("penetrate")
    if penetrate is not None and penetrate.product_id is not None:
        product = Product.objects.get(pk=penetrate.product_id)
        c = services.create_campaign(
            owner,
            {
                "name": f"{product.name} for Penetrate accounts",
                "play": "penetrate",
                "product_ids": [product.pk],
                "families": [],
                "start_date": as_of - dt.timedelta(days=150),
                "end_date": as_of - dt.timedelta(days=60),
                "owner": owner,
                "budget": Decimal("25000.00"),
                "message_brief": f"Customers like you get more from {product.name}: "
                "case studies, an ROI calculator and a 30-minute review with their rep.",
                "control_share": Decimal("0.2"),
                "seed": 13,
                "influence_days": 45,
            },
        )
        c = services.launch(c, owner, on=c.start_date)
        _date_history(c, c.start_date - dt.timedelta(days=10))
        written["campaigns"] += 1
        written["deals"] = _deals_that_followed(c, product, as_of, rng)
        written["deals"] += _deals_before(c, product, rng)
        influence.recompute(c)
    expand = picks.get("expand")
    if expand is not None and expand.product_id is not None:
        c = services.create_campaign(
            owner,
            {
                "name": f"{expand.item_name} for new buying centers",
                "play": "expand", "product_ids": [expand.product_id], "families": [],
                "start_date": as_of - dt.timedelta(days=20),
                "end_date": as_of + dt.timedelta(days=70), "owner": owner,
                "budget": Decimal("18000.00"), "control_share": Decimal("0.1"), "seed": 5,
                "message_brief": "Introduce the product to the divisions that do not buy yet.",
            },
        )  # fmt: skip
        c = services.launch(c, owner, on=c.start_date)
        _date_history(c, c.start_date - dt.timedelta(days=7))
        influence.recompute(c)
        written["campaigns"] += 1
        written["plan_actions"] = _link_a_plan_action(c, as_of)
    nurture = picks.get("nurture")
    if nurture is not None:
        draft = services.create_campaign(
            owner,
            {
                "name": "Best-practice webinars for loyal customers", "play": "nurture",
                "product_ids": [nurture.product_id] if nurture.product_id else [],
                "families": [] if nurture.product_id else [nurture.item],
                "start_date": as_of + dt.timedelta(days=14),
                "end_date": as_of + dt.timedelta(days=120), "owner": owner,
                "message_brief": "Content and best practice for satisfaction and promoter scores.",
            },
        )  # fmt: skip
        _date_history(draft, as_of - dt.timedelta(days=3))
        written["campaigns"] += 1
    return written


def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _date_history(c: Campaign, created: dt.date) -> None:
    """The history on the campaign's own calendar: created on ``created``, launched on its
    launch day (the demo writes them all at once, today)."""
    CampaignChange.objects.filter(campaign=c, action=ChangeAction.CREATED).update(
        changed_at=_noon(created)
    )
    if c.launch_date is not None:
        CampaignChange.objects.filter(campaign=c, action=ChangeAction.LAUNCHED).update(
            changed_at=_noon(c.launch_date)
        )


def _link_a_plan_action(c: Campaign, as_of: dt.date) -> int:
    """An action of the first active plan of a targeted account rides on the campaign (saved
    by the plan's owner, as the plan page would)."""
    from accountplan.plans.models import AccountPlan, PlanStatus
    from accountplan.plans.services import save_section, section_of

    targets = CampaignMember.objects.filter(campaign=c, group=MemberGroup.TARGET)
    plan = (
        AccountPlan.objects.filter(
            account_id__in=targets.values("account_id"), status=PlanStatus.ACTIVE,
            owner__isnull=False,
        )
        .select_related("owner")
        .order_by("pk")
        .first()
    )  # fmt: skip
    if plan is None or plan.owner is None:
        return 0
    section = section_of(plan, "actions")
    data = dict(section.data or {})
    data["actions"] = [
        *data.get("actions", []),
        {
            "title": f"Bring the buying center's leads to “{c.name}”",
            "owner_id": plan.owner_id, "status": "in_progress", "campaign_id": c.pk,
            "due_date": (as_of + dt.timedelta(days=21)).isoformat(),
        },
    ]  # fmt: skip
    save_section(plan, "actions", data, section.version, plan.owner,
                 summary="Linked an action to a campaign")  # fmt: skip
    return 1


def _deals_before(c: Campaign, product: Product, rng: random.Random) -> int:
    """Deals in the product at the frozen accounts in the period of the reached window's length
    just before the launch (opened and closed before it), at ``PREVIOUS_RATE``: the figures the
    results compare the campaign's window with."""
    assert c.launch_date is not None
    length = (c.end_date - c.launch_date).days + 1
    members = list(
        CampaignMember.objects.filter(campaign=c).order_by("account_id")
        .values_list("account_id", flat=True)
    )  # fmt: skip
    opening = set(rng.sample(members, round(len(members) * PREVIOUS_RATE)))
    rows = []
    for n, account_id in enumerate(members):
        if account_id not in opening:
            continue
        created = c.launch_date - dt.timedelta(days=rng.randint(30, length))
        won = rng.random() < WIN_RATE
        closed = min(created + dt.timedelta(days=rng.randint(10, 25)),
                     c.launch_date - dt.timedelta(days=1))  # fmt: skip
        rows.append(
            Opportunity(
                external_id=f"DEMO-CMP-PRE-{c.pk:02d}-{n:05d}",
                account_id=account_id,
                product=product,
                name=f"{product.name} (before the campaign)",
                type=OpportunityType.UPSELL,
                stage="Closed Won" if won else "Closed Lost",
                status=OpportunityStatus.WON if won else OpportunityStatus.LOST,
                amount=Decimal(rng.randrange(8, 60) * 500),
                created_date=created,
                close_date=closed,
            )
        )
    Opportunity.objects.bulk_create(rows)
    return len(rows)


def _deals_that_followed(c: Campaign, product: Product, as_of: dt.date, rng: random.Random) -> int:
    """Deals in the campaign's product at its frozen accounts after the launch: targets open more
    often than the control group, so the results page has a lift to show."""
    assert c.launch_date is not None
    span = (c.end_date + dt.timedelta(days=c.influence_days) - c.launch_date).days
    span = min(span, (as_of - c.launch_date).days)
    rows = []
    members = list(
        CampaignMember.objects.filter(campaign=c)
        .order_by("account_id")
        .values_list("account_id", "group")
    )
    # Exactly the group's rate of its accounts open a deal (drawn with the seed), so the lift
    # shows whichever accounts the control group holds out (a coin per account could give a
    # small control group more deals than the targets).
    # The book's own deals in the product in the same window count too, and which accounts the
    # control group holds out depends on their ids: the counts drawn make the targets open more
    # per account than the control group whatever those deals are (fewer control openers first,
    # then more target openers), so the demo's lift is never an accident of the ids.
    window_end = c.end_date + dt.timedelta(days=c.influence_days)
    ids_of = {g: [a for a, gg in members if gg == g] for g in OPEN_RATE}
    already = dict.fromkeys(OPEN_RATE, 0)
    for group, ids in ids_of.items():
        already[group] = Opportunity.objects.filter(
            account_id__in=ids, product=product,
            created_date__gte=c.launch_date, created_date__lte=window_end,
        ).count()  # fmt: skip
    target, control = MemberGroup.TARGET, MemberGroup.CONTROL
    n_t, n_c = len(ids_of[target]), len(ids_of[control])
    k = {g: round(len(ids) * OPEN_RATE[g]) for g, ids in ids_of.items()}

    def ahead() -> bool:
        return (
            not n_c or (k[target] + already[target]) * n_c > (k[control] + already[control]) * n_t
        )

    while not ahead() and k[control] > 0:
        k[control] -= 1
    while not ahead() and k[target] < n_t:
        k[target] += 1
    opening: set[int] = set()
    for group, ids in ids_of.items():
        opening.update(rng.sample(ids, k[group]))
    for n, (account_id, _group) in enumerate(members):
        if account_id not in opening:
            continue
        created = c.launch_date + dt.timedelta(days=rng.randint(5, max(span - 20, 6)))
        won = rng.random() < WIN_RATE
        closed = min(created + dt.timedelta(days=rng.randint(10, 40)), as_of)
        amount = Decimal(rng.randrange(8, 60) * 500)
        rows.append(
            Opportunity(
                external_id=f"DEMO-CMP-OPP-{c.pk:02d}-{n:05d}",
                account_id=account_id,
                product=product,
                name=f"{product.name} (campaign)",
                type=OpportunityType.UPSELL,
                stage="Closed Won" if won else "Proposal",
                status=OpportunityStatus.WON if won else OpportunityStatus.OPEN,
                amount=amount,
                created_date=created,
                close_date=closed if won else as_of + dt.timedelta(days=30),
            )
        )
    Opportunity.objects.bulk_create(rows, batch_size=500)
    return len(rows)

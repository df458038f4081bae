"""Credit per opportunity across the campaigns that touched it, in Salesforce's CampaignInfluence
shape (CampaignId, OpportunityId, ContactId, Influence %, RevenueShare, model).

A campaign touches an opportunity when the opportunity's account is one of its targeted members
(not held out), the opportunity is in its target products and was created in its influenced
window (launch → end + N days). Models:

- first touch: 100 % to the touching campaign launched first (ties: the lower id);
- last touch: 100 % to the one launched last before the opportunity was created;
- even: 100 % / n to each of the n touching campaigns.

RevenueShare = amount × influence / 100, to the cent. Only the opportunities a campaign touches are
read (never the book), and their rows are rewritten for every campaign touching them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from accountplan.book.models import OpportunityContactRole
from accountplan.campaigns.models import (
    Campaign,
    CampaignInfluence,
    CampaignMember,
    CampaignStatus,
    CreditModel,
    MemberGroup,
)
from accountplan.campaigns.results import product_ids, target_deals

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
#: The export's columns: Salesforce's CampaignInfluence fields, then readable ones.
HEADER = [
    "CampaignId", "OpportunityId", "ContactId", "Influence", "RevenueShare", "ModelId",
    "Campaign", "Opportunity", "Account",
]  # fmt: skip


def _touches(campaign: Campaign, created: dt.date | None) -> bool:
    if created is None or campaign.launch_date is None:
        return False
    end = campaign.end_date + dt.timedelta(days=campaign.influence_days)
    return campaign.launch_date <= created <= end


def shares(touching: list[Campaign]) -> dict[str, dict[int, Decimal]]:
    """model → campaign id → influence % for one opportunity's touching campaigns."""
    if not touching:
        return {}
    ordered = sorted(touching, key=lambda c: (c.launch_date or dt.date.min, c.pk))
    n = len(ordered)
    even = (HUNDRED / n).quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)
    return {
        CreditModel.FIRST_TOUCH: {ordered[0].pk: HUNDRED},
        CreditModel.LAST_TOUCH: {ordered[-1].pk: HUNDRED},
        CreditModel.EVEN: {c.pk: even for c in ordered},
    }


def recompute(campaign: Campaign) -> int:
    """Rewrite the credit of every opportunity ``campaign`` touches; returns the rows written."""
    if not campaign.is_launched:
        return 0
    end = campaign.end_date + dt.timedelta(days=campaign.influence_days)
    deals = list(
        target_deals(campaign, MemberGroup.TARGET)
        .filter(created_date__gte=campaign.launch_date, created_date__lte=end)
        .order_by("pk")
        .values_list("pk", "account_id", "amount", "created_date")
    )
    deals += list(
        target_deals(campaign, MemberGroup.TARGET, late=True)
        .filter(created_date__gte=campaign.launch_date, created_date__lte=end)
        .order_by("pk")
        .values_list("pk", "account_id", "amount", "created_date")
    )
    if not deals:
        CampaignInfluence.objects.filter(campaign=campaign).delete()
        return 0
    accounts = {a for _, a, _, _ in deals}
    memberships: dict[int, list[int]] = {}
    for account_id, campaign_id in CampaignMember.objects.filter(
        account_id__in=accounts,
        group=MemberGroup.TARGET,
        campaign__status=CampaignStatus.LAUNCHED,
    ).values_list("account_id", "campaign_id"):
        memberships.setdefault(account_id, []).append(campaign_id)
    campaigns = {
        c.pk: c
        for c in Campaign.objects.filter(pk__in={i for ids in memberships.values() for i in ids})
    }
    products = {pk: set(product_ids(c).values_list("pk", flat=True)) for pk, c in campaigns.items()}
    deal_products = _deal_products([d[0] for d in deals])
    contacts = _contacts([d[0] for d in deals])
    rows = []
    for opp, account, amount, created in deals:
        touching = [
            campaigns[c]
            for c in memberships.get(account, [])
            if _touches(campaigns[c], created) and products[c] & deal_products.get(opp, set())
        ]
        for model, split in shares(touching).items():
            for campaign_id, influence in split.items():
                share = (Decimal(amount or 0) * influence / HUNDRED).quantize(CENT)
                rows.append(
                    CampaignInfluence(
                        campaign_id=campaign_id,
                        opportunity_id=opp,
                        contact_id=contacts.get(opp),
                        model=model,
                        influence=influence,
                        revenue_share=share,
                    )
                )
    with transaction.atomic():
        CampaignInfluence.objects.filter(opportunity_id__in=[d[0] for d in deals]).delete()
        CampaignInfluence.objects.filter(campaign=campaign).delete()
        CampaignInfluence.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _deal_products(ids: list[int]) -> dict[int, set[int]]:
    from accountplan.book.models import Opportunity, OpportunityLineItem

    out: dict[int, set[int]] = {}
    for pk, product in Opportunity.objects.filter(pk__in=ids, product__isnull=False).values_list(
        "pk", "product_id"
    ):
        out.setdefault(pk, set()).add(product)
    for pk, product in OpportunityLineItem.objects.filter(opportunity_id__in=ids).values_list(
        "opportunity_id", "product_id"
    ):
        out.setdefault(pk, set()).add(product)
    return out


def _contacts(ids: list[int]) -> dict[int, int]:
    """opportunity → its primary contact role's contact (else the first role's)."""
    out: dict[int, int] = {}
    for opp, contact in (
        OpportunityContactRole.objects.filter(opportunity_id__in=ids)
        .order_by("opportunity_id", "-is_primary", "pk")
        .values_list("opportunity_id", "contact_id")
    ):
        out.setdefault(opp, contact)
    return out


def _percent(value: Decimal) -> Decimal:
    """100, 50, 33.3333: whole percents without decimals (``normalize()`` wrote 100 as "1E+2"
    in the CSV)."""
    return value.quantize(Decimal(1)) if value == value.to_integral() else value


def influence_rows(qs: QuerySet[CampaignInfluence]) -> Iterator[list[Any]]:
    """HEADER's rows: external ids where the CRM gave them, else our ids."""
    for r in qs.select_related("campaign", "opportunity", "opportunity__account", "contact"):
        yield [
            r.campaign_id,
            r.opportunity.external_id or r.opportunity_id,
            (r.contact.external_id or r.contact_id) if r.contact else "",
            # 100, 50, 33.3333 (normalize() wrote 100 as "1E+2" in the CSV).
            r.influence.quantize(Decimal(1))
            if r.influence == r.influence.to_integral()
            else r.influence,
            r.revenue_share,
            r.model,
            r.campaign.name,
            str(r.opportunity),
            r.opportunity.account.name,
        ]


def credited(campaign: Campaign, model: str, user: Any = None) -> dict[str, Any]:
    """The campaign's credited opportunities, pipeline and won revenue under ``model``, over the
    deals of the accounts ``user`` may see (all of them for the whole book)."""
    from django.db.models import Count, Q, Sum

    from accountplan.campaigns.results import visible_accounts

    rows = CampaignInfluence.objects.filter(campaign=campaign, model=model)
    visible = visible_accounts(user)
    if visible is not None:
        rows = rows.filter(opportunity__account_id__in=visible)
    agg = rows.aggregate(
        opportunities=Count("pk"),
        influence=Sum("influence"),
        pipeline=Sum("revenue_share"),
        revenue=Sum("revenue_share", filter=Q(opportunity__status="won")),
    )
    return {
        "model": model,
        "opportunities": agg["opportunities"] or 0,
        "credited_deals": (Decimal(str(agg["influence"] or 0)) / HUNDRED).quantize(CENT),
        "pipeline": Decimal(str(agg["pipeline"] or 0)).quantize(CENT),
        "revenue": Decimal(str(agg["revenue"] or 0)).quantize(CENT),
    }

"""The campaign's list for marketing tools: one row per contact with a buying role at each
targeted account (late joins included, the control group never), numbers rounded for people.

Members are read in chunks, so a list of 100k accounts never sits in memory at once; contacts
are scoped to what the caller may see. Text goes through ``core.spreadsheet_safe`` when written.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from accountplan.book.models import Account
from accountplan.campaigns.models import Campaign, CampaignMember, MemberGroup
from accountplan.portfolio.campaign_list import buying_people, money, one_decimal

if TYPE_CHECKING:
    from accountplan.core.models import User

CHUNK = 2000
HEADER = [
    "contact_name", "contact_title", "contact_email", "buying_role", "account_id", "account_name",
    "quadrant", "tier", "potential_score", "whitespace_in_products", "products", "campaign",
    "late_join",
]  # fmt: skip


def members(user: User, campaign: Campaign) -> Any:
    """The campaign's frozen members ``user`` may see (both groups), with their account."""
    visible = Account.objects.for_user(user).values("pk")
    return CampaignMember.objects.filter(campaign=campaign, account_id__in=visible)


def product_names(campaign: Campaign) -> str:
    """The target products and families, as one cell."""
    names = list(campaign.products.order_by("name").values_list("name", flat=True))
    return "; ".join([*names, *(f"{f} (family)" for f in campaign.families or [])])


def contact_rows(user: User, campaign: Campaign) -> Iterator[list[Any]]:
    """HEADER's rows, by white space then account."""
    products = product_names(campaign)
    qs = (
        members(user, campaign)
        .filter(group=MemberGroup.TARGET)
        .order_by("-whitespace", "account_id")
        .values_list(
            "account_id", "account__external_id", "account__name", "quadrant", "tier",
            "potential_score", "whitespace", "late_join",
        )
    )  # fmt: skip
    last: tuple[Any, int] | None = None
    while True:
        chunk = list(
            qs.filter(whitespace__lte=last[0]).exclude(whitespace=last[0], account_id__lte=last[1])
            if last
            else qs
        )[:CHUNK]
        if not chunk:
            return
        people = buying_people(user, [row[0] for row in chunk])
        for pk, ext, name, quadrant, tier, score, ws, late in chunk:
            for p in people.get(pk, []):
                yield [
                    p.name, p.title, p.email, p.roles, ext or pk, name, quadrant, tier,
                    one_decimal(score), money(ws), products, campaign.name, "yes" if late else "no",
                ]  # fmt: skip
        last = (chunk[-1][6], chunk[-1][0])
        if len(chunk) < CHUNK:
            return


def file_name(campaign: Campaign, kind: str = "contacts") -> str:
    """``campaign-12-contacts``."""
    return f"campaign-{campaign.pk}-{kind}"

"""Writes of campaigns: create a draft, launch it (freeze its list), record late joins.

Launching copies the eligible accounts into ``CampaignMember`` with one ``INSERT … SELECT`` (the
database's bulk path): the book never passes through Python, and the copy is what later pages and
results read, so a rescore never rewrites it. The control group is a seeded hash of the account id
(the same seed and share always hold out the same accounts), recorded on each member row.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Mod
from django.utils import timezone

from accountplan.book.models import Product
from accountplan.campaigns import history
from accountplan.campaigns.models import (
    Campaign,
    CampaignMember,
    CampaignPlay,
    CampaignStatus,
    ChangeAction,
    MemberGroup,
)
from accountplan.campaigns.targeting import Criteria, eligible, snapshot_for_targets, target_items
from accountplan.core.errors import Conflict, DomainError, Forbidden, NotFound
from accountplan.core.models import Role
from accountplan.portfolio.models import AccountScore

if TYPE_CHECKING:
    from accountplan.core.models import User

#: The control group's hash: ((id × A + seed × B) mod M)² mod M, below share × M is held out.
HASH_A = 2654435761
HASH_B = 40503
HASH_M = 1000003
CAMPAIGN_ROLES = frozenset({Role.ADMIN, Role.MANAGER, Role.MARKETING})


def may_create(user: User) -> bool:
    """Marketing, managers and admins run campaigns."""
    return user.is_authenticated and (user.is_superuser or user.role in CAMPAIGN_ROLES)


def may_change(user: User, campaign: Campaign) -> bool:
    """Marketing changes its own campaigns; managers and admins every one."""
    if not may_create(user):
        return False
    return user.is_superuser or user.role != Role.MARKETING or campaign.owner_id == user.pk


def _check(user: User | None, campaign: Campaign | None = None) -> None:
    if user is None:
        return
    allowed = may_create(user) if campaign is None else may_change(user, campaign)
    if not allowed:
        raise Forbidden("Only marketing (its own campaigns), managers and admins run campaigns.")


def validate(data: dict[str, Any]) -> None:
    """Refuse a campaign that cannot be measured: dates out of order, no target, bad shares."""
    if data["play"] not in CampaignPlay.values:
        raise DomainError(f"Unknown play {data['play']!r}: use expand, penetrate or nurture.")
    if data["end_date"] < data["start_date"]:
        raise DomainError("The end date comes before the start date.")
    if not data.get("product_ids") and not data.get("families"):
        raise DomainError("Choose at least one target product or product family.")
    share = Decimal(str(data.get("control_share") or 0))
    if not Decimal(0) <= share <= Decimal("0.5"):
        raise DomainError("The control share runs from 0 to 0.5.")
    if Decimal(str(data.get("budget") or 0)) < 0:
        raise DomainError("The budget cannot be negative.")


FIELDS = (
    "name", "play", "families", "start_date", "end_date", "budget", "message_brief", "territory",
    "industry", "tier", "min_whitespace", "propensity", "control_share", "seed", "influence_days",
)  # fmt: skip
#: What a launched campaign may still change: its frozen list, windows and control group stay.
LAUNCHED_EDITABLE = frozenset({"name", "owner", "budget", "message_brief"})
FROZEN_REASON = (
    "A launched campaign's list, dates and control group are frozen: they are what its results "
    "are measured against."
)


def _check_owner(owner: User | None) -> None:
    if owner is not None and not (owner.is_active and may_create(owner)):
        raise DomainError(f"{owner} cannot own a campaign: choose someone in marketing, a "
                          "manager or an admin.")  # fmt: skip


def _products(ids: list[int] | None) -> list[Product]:
    products = list(Product.objects.filter(pk__in=ids or []))
    if len(products) != len(set(ids or [])):
        raise DomainError("Unknown target product.")
    return products


def create_campaign(user: User | None, data: dict[str, Any]) -> Campaign:
    """A draft campaign from ``data`` (FIELDS, ``product_ids`` and ``owner``)."""
    _check(user)
    validate(data)
    products = _products(data.get("product_ids"))
    _check_owner(data.get("owner"))
    with transaction.atomic():
        campaign = Campaign(**{k: data[k] for k in FIELDS if k in data})
        campaign.owner = data.get("owner") or user
        campaign.full_clean(exclude=["products"])
        campaign.save()
        campaign.products.set(products)
        history.record(campaign, user, ChangeAction.CREATED)
    return campaign


def update_campaign(campaign: Campaign, user: User | None, changes: dict[str, Any]) -> Campaign:
    """Change a campaign's fields (``changes``: any of FIELDS, ``product_ids``, ``owner``; the
    ones left out stay). A draft changes everything; a launched campaign only its name, owner,
    budget and brief. The owner (marketing), managers and admins edit. Records the history."""
    with transaction.atomic():
        locked = _lock(campaign)
        _check(user, locked)  # as the campaign is now (its owner may have changed)
        before = history.values(locked)
        current: dict[str, Any] = {k: getattr(locked, k) for k in FIELDS}
        current["product_ids"] = sorted(locked.products.values_list("pk", flat=True))
        current["owner"] = locked.owner
        data = current | {k: v for k, v in changes.items() if k in current}
        if locked.is_launched:
            moved = [
                history.LABELS.get("products" if k == "product_ids" else k, k)
                for k in sorted(set(data) - LAUNCHED_EDITABLE)
                if _differs(k, data[k], current[k])
            ]
            if moved:
                raise Conflict(f"{FROZEN_REASON} Only the name, owner, budget and brief can "
                               f"change (asked: {', '.join(moved)}).")  # fmt: skip
        validate(data)
        if data["owner"] is None:
            raise DomainError("A campaign needs an owner.")
        if data["owner"] != current["owner"]:  # a kept owner stays even if their role changed
            _check_owner(data["owner"])
        products = _products(data["product_ids"])
        for k in FIELDS:
            setattr(locked, k, data[k])
        locked.owner = data["owner"]
        locked.full_clean(exclude=["products"])
        locked.save()
        locked.products.set(products)
        found = history.diff(before, history.values(locked))
        if found:
            history.record(locked, user, ChangeAction.EDITED, found)
    return Campaign.objects.select_related("owner").get(pk=locked.pk)  # as stored (decimals)


def _lock(campaign: Campaign) -> Campaign:
    """The campaign's row, locked for the change (404 when someone deleted it meanwhile). No
    join: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join (the owner)."""
    found = Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    if found is None:
        raise NotFound("No such campaign.")
    return found


def _differs(key: str, new: Any, old: Any) -> bool:
    if key == "product_ids":
        return sorted(set(new or [])) != sorted(set(old or []))
    if key == "families":
        return sorted(new or []) != sorted(old or [])
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return (None if new is None else Decimal(str(new))) != old
    return bool(new != old)


def delete_campaign(campaign: Campaign, user: User | None) -> None:
    """Delete a draft (its owner, managers, admins). A launched campaign is refused: its frozen
    list and the credit it earned are the record of what was sent and what it measured, and plan
    actions and accounts point at it. The deletion is recorded in the history (by name)."""
    with transaction.atomic():
        locked = _lock(campaign)
        _check(user, locked)
        if locked.is_launched:
            raise Conflict(
                "A launched campaign cannot be deleted: its frozen list, results and credit are "
                "the record of what marketing sent and what it measured."
            )
        shown = history.values(locked)
        kept = ("play", "products", "families", "start_date", "end_date", "owner", "budget")
        history.record(locked, user, ChangeAction.DELETED, [
            {"field": history.LABELS[k], "old": shown[k], "new": "—"} for k in kept
        ])  # fmt: skip
        locked.delete()


def _mixed(campaign: Campaign) -> Any:
    """The account's seeded hash in [0, M): ((id × A + seed × B) mod M)² mod M."""
    first = Mod(F("account_id") * HASH_A + campaign.seed * HASH_B, HASH_M)
    return Mod(first * first, HASH_M, output_field=IntegerField())


def _insert_members(
    campaign: Campaign, qs: QuerySet[AccountScore], day: dt.date, late: bool
) -> int:
    """Copy ``qs`` (annotated with target_ws) into the campaign's members: INSERT … SELECT."""
    # An integer hash is below share × M exactly when it is below the ceiling (half-even rounding
    # held out one hash value fewer than the documented rule when share × M ends below .5).
    cut = int((campaign.control_share * HASH_M).to_integral_value(rounding=ROUND_CEILING))
    group: Any = Value(MemberGroup.TARGET)
    if not late and cut > 0:
        qs = qs.alias(mixed=_mixed(campaign))
        group = Case(
            When(mixed__lt=cut, then=Value(MemberGroup.CONTROL)),
            default=Value(MemberGroup.TARGET),
        )
    cols = {
        "m_campaign": Value(campaign.pk),
        "m_account": F("account_id"),
        "m_group": group,
        "m_late": Value(late),
        "m_joined": Value(day),
        "m_quadrant": F("play"),
        "m_tier": F("tier"),
        "m_score": F("potential_score"),
        "m_revenue": F("current_revenue"),
        "m_ws": F("target_ws"),
    }
    select = qs.order_by().annotate(**cols).values_list(*cols)
    sql, params = select.query.sql_with_params()
    q = connection.ops.quote_name
    target = ", ".join(
        q(c) for c in (
            "campaign_id", "account_id", "group", "late_join", "joined_on", "quadrant", "tier",
            "potential_score", "current_revenue", "whitespace",
        )
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {q(CampaignMember._meta.db_table)} ({target}) {sql}", params)
        return int(cursor.rowcount)


def _recount(campaign: Campaign) -> None:
    from django.db.models import Count, Q, Sum

    agg = campaign.members.aggregate(
        target=Count("pk", filter=Q(group=MemberGroup.TARGET, late_join=False)),
        control=Count("pk", filter=Q(group=MemberGroup.CONTROL)),
        late=Count("pk", filter=Q(late_join=True)),
        ws=Sum("whitespace", filter=Q(group=MemberGroup.TARGET, late_join=False)),
    )
    campaign.target_count = agg["target"]
    campaign.control_count = agg["control"]
    campaign.late_count = agg["late"]
    campaign.target_whitespace = Decimal(str(agg["ws"] or 0)).quantize(Decimal("0.01"))


def launch(campaign: Campaign, user: User | None, on: dt.date | None = None) -> Campaign:
    """Freeze the campaign's list now: every eligible account of the current snapshot with its
    quadrant, tier, score, revenue and white space in the target products; the seeded control
    share held out. Irreversible: a launched campaign refuses a second launch."""
    _check(user, campaign)
    day = on or timezone.localdate()
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.is_launched:
            raise Conflict("This campaign is already launched: its list is frozen.")
        snapshot = snapshot_for_targets()
        if snapshot is None:
            raise DomainError("No scores yet: run accountplan analyze before launching.")
        criteria = Criteria.of(locked)
        items = target_items(snapshot, criteria)
        if not items:
            raise DomainError("None of the target products is in the current snapshot.")
        _insert_members(locked, eligible(None, snapshot, criteria, items), day, late=False)
        locked.status = CampaignStatus.LAUNCHED
        locked.launched_at = timezone.now()
        locked.launch_date = day
        locked.launched_by = user
        locked.snapshot = snapshot
        locked.snapshot_as_of = snapshot.as_of
        _recount(locked)
        locked.save()
        history.record(locked, user, ChangeAction.LAUNCHED, [
            {"field": "Frozen list", "old": "—",
             "new": f"{locked.target_count:,} targeted, {locked.control_count:,} held out"},
        ])  # fmt: skip
    return locked


def add_late_joins(campaign: Campaign, user: User | None, on: dt.date | None = None) -> int:
    """Accounts that match the campaign in the current snapshot but were not frozen in at launch
    (new accounts, or accounts that moved into the quadrant): recorded as late joins, targeted,
    never in the control group. The launch members stay as frozen."""
    _check(user, campaign)
    if not campaign.is_launched:
        raise DomainError("Launch the campaign first: a draft has no frozen list to join.")
    snapshot = snapshot_for_targets()
    if snapshot is None:
        return 0
    criteria = Criteria.of(campaign)
    items = target_items(snapshot, criteria)
    qs = eligible(None, snapshot, criteria, items).exclude(
        account_id__in=CampaignMember.objects.filter(campaign=campaign).values("account_id")
    )
    with transaction.atomic():
        n = _insert_members(campaign, qs, on or timezone.localdate(), late=True)
        _recount(campaign)
        campaign.save(update_fields=["target_count", "control_count", "late_count",
                                     "target_whitespace"])  # fmt: skip
    return n

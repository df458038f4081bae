"""Reads of the follow-up, for the home page, the pages, the API and the CLI (all scoped)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import (
    Case,
    DateField,
    DateTimeField,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.urls import reverse

from accountplan.book.models import Account, Contact
from accountplan.core import fmt
from accountplan.followup.models import LastReview, LostDealPlan, MicroPlanStatus
from accountplan.plans.models import AccountPlan, PlanStatus
from accountplan.plans.querysets import can_edit_account_plans
from accountplan.portfolio.models import AccountScore, Snapshot

if TYPE_CHECKING:
    from accountplan.core.models import User

#: Days between reviews by tier (PRODUCT.md: tier 1 a full plan with joint sessions twice a year
#: and a review each quarter; tier 2 a quarterly scorecard; tier 3 scaled coverage).
REVIEW_DAYS = {1: 91, 2: 91, 3: 182}
#: Days between reviews of an account without a tier (no finished snapshot yet).
UNTIERED_DAYS = 182
#: A review due within this many days is listed as upcoming.
UPCOMING_DAYS = 14
#: A competitor contract ending within this many days fires the micro-plan.
CONTRACT_END_DAYS = 60


def review_days(tier: int | None) -> int:
    """The review cadence in days for ``tier`` (settings.FOLLOWUP_REVIEW_DAYS overrides)."""
    table = {**REVIEW_DAYS, **getattr(settings, "FOLLOWUP_REVIEW_DAYS", {})}
    return int(table.get(tier, UNTIERED_DAYS)) if tier else UNTIERED_DAYS


@dataclass
class DueRow:
    """One thing due on the home page: its account, plan, owner, date, link and why."""

    account: Account
    plan: AccountPlan | None
    owner: Any
    due: dt.date
    link: str
    overdue: bool
    reasons: list[str] = field(default_factory=list)
    item: Any = None


def _cadences() -> tuple[list[int], dict[int, int]]:
    """The tiers with a cadence of their own, and each one's days."""
    table = {**REVIEW_DAYS, **getattr(settings, "FOLLOWUP_REVIEW_DAYS", {})}
    tiered = [t for t in table if t]
    return tiered, {t: review_days(t) for t in tiered}


def _bound(day: dt.date, as_time: bool) -> Case:
    """The latest start whose next review falls on or before ``day``: ``day`` less the cadence
    of the plan's tier. ``as_time``: the first instant (UTC) after that start day, to compare a
    plan's creation time with it (the start of a plan never reviewed is its creation day)."""
    tiered, days = _cadences()

    def value(cadence: int) -> Value:
        start = day - dt.timedelta(days=cadence)
        if as_time:
            instant = dt.datetime.combine(start + dt.timedelta(days=1), dt.time(), dt.UTC)
            return Value(instant, output_field=DateTimeField())
        return Value(start, output_field=DateField())

    return Case(
        *[When(_tier=t, then=value(days[t])) for t in tiered],
        default=value(UNTIERED_DAYS),
    )


def _due_by(day: dt.date) -> Q:
    """Plans (annotated) whose next review falls on or before ``day``."""
    return Q(last_review__isnull=False, last_review__lte=_bound(day, False)) | Q(
        last_review__isnull=True, created_at__lt=_bound(day, True)
    )


def _candidates(after: dt.date, until: dt.date) -> Q | None:
    """Active plans that may come up for review in (``after``, ``until``]: last reviewed, or
    created and never reviewed, one cadence before that window (for any cadence), as a filter
    of plans; None when two index range reads find none. The exact test (``_due_by``) then
    runs on these plans only."""
    _, days = _cadences()
    reviewed, created = Q(pk__in=[]), Q(pk__in=[])
    for cadence in {*days.values(), UNTIERED_DAYS}:
        lo, hi = after - dt.timedelta(days=cadence), until - dt.timedelta(days=cadence)
        reviewed |= Q(reviewed_on__gt=lo, reviewed_on__lte=hi)
        created |= Q(created_at__gte=_day_start(lo + dt.timedelta(days=1))) & Q(
            created_at__lt=_day_start(hi + dt.timedelta(days=1))
        )
    active = PlanStatus.ACTIVE
    by_review = LastReview.objects.filter(reviewed, plan__status=active).values_list("plan_id")
    by_start = AccountPlan.objects.filter(created, status=active).values_list("pk")
    if not by_review.exists() and not by_start.exists():
        return None
    # one subquery of plan ids, read first: an OR of it with the ranges made SQLite test the
    # window's conditions on every active plan (17 ms a statement at 15,000 plans)
    return Q(pk__in=by_review.union(by_start))


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def _due_plans(
    user: User, today: dt.date, horizon: int, after: dt.date | None
) -> QuerySet[Any] | None:
    """The active plans the user may see whose next review (last review, or the plan's start,
    plus the tier's cadence) falls on or before ``today + horizon`` (and after ``after``, when
    given), annotated with ``_tier`` and ``last_review``; None when none can be. The window is
    applied in the database (the tier joined from the current snapshot, the last review a
    join of ``LastReview``)."""
    candidates: Q | None = None
    if after is not None:
        candidates = _candidates(after, today + dt.timedelta(days=horizon))
        if candidates is None:  # two index ranges said no plan can be due: nothing to compile
            return None
    plans = annotated(AccountPlan.objects.for_user(user).filter(status=PlanStatus.ACTIVE))
    plans = plans.filter(_due_by(today + dt.timedelta(days=horizon)))
    if after is not None and candidates is not None:
        plans = plans.filter(candidates).exclude(_due_by(after))
    return plans


def annotated(plans: QuerySet[Any]) -> QuerySet[Any]:
    """``plans`` with ``_tier`` (the account's tier in the current snapshot) and
    ``last_review`` (the plan's last review day), what ``_due_row`` reads."""
    snap = Snapshot.objects.current()
    if snap is not None:
        plans = plans.annotate(
            score=FilteredRelation(
                "account__portfolio_scores", condition=Q(account__portfolio_scores__snapshot=snap)
            ),
            _tier=F("score__tier"),
        )
    else:
        plans = plans.annotate(_tier=Value(None, IntegerField()))
    return plans.annotate(last_review=F("last_review_row__reviewed_on"))


def next_review_on(last_review: dt.date | None, created: dt.datetime, tier: int | None) -> dt.date:
    """A plan's next review day: its last review, else its creation day (UTC), plus the
    cadence of its account's tier."""
    start = last_review or created.astimezone(dt.UTC).date()
    return start + dt.timedelta(days=review_days(tier))


def _due_row(p: AccountPlan, today: dt.date) -> DueRow:
    tier_of = p._tier  # type: ignore[attr-defined]
    last_review = p.last_review  # type: ignore[attr-defined]
    due = next_review_on(last_review, p.created_at, tier_of)
    reason = "Never reviewed" if last_review is None else f"Last review {last_review}"
    return DueRow(
        account=p.account,
        plan=p,
        owner=p.owner or p.account.owner,
        due=due,
        link=reverse("followup:plan_reviews", args=[p.pk]),
        overdue=due < today,
        reasons=[reason, f"Tier {tier_of}" if tier_of else "No tier yet"],
    )


def _order(row: DueRow) -> tuple[dt.date, str, int]:
    return row.due, row.account.name, row.plan.pk if row.plan else 0


def reviews_due(
    user: User, today: dt.date, horizon: int = UPCOMING_DAYS, after: dt.date | None = None
) -> list[DueRow]:
    """Active plans the user may see whose next review falls on or before ``today + horizon``
    (and after ``after``, when given), every one, overdue first (``_due_plans``)."""
    plans = _due_plans(user, today, horizon, after)
    if plans is None:
        return []
    return sorted(
        (_due_row(p, today) for p in plans.select_related("account", "owner")), key=_order
    )


def first_reviews_due(
    user: User, today: dt.date, horizon: int, after: dt.date | None, limit: int
) -> tuple[list[DueRow], int]:
    """The first ``limit`` rows of ``reviews_due`` and how many there are, without building
    them all (a 45-day window of a book with quarterly reviews holds a good part of its plans):
    the due plans are read as five values each, ordered here, and only the first ``limit`` read
    whole. With the stored days fresh (``review_due.py``), an index range of them instead."""
    from accountplan.followup import review_due

    if review_due.fresh():
        return _first_stored(user, today, horizon, after, limit)
    plans = _due_plans(user, today, horizon, after)
    if plans is None:
        return [], 0
    keys = sorted(
        (next_review_on(last, created, tier), name, pk)
        for pk, last, created, tier, name in plans.order_by().values_list(
            "pk", "last_review", "created_at", "_tier", "account__name"
        )
    )
    first = [pk for _, _, pk in keys[:limit]]
    whole = plans.filter(pk__in=first).select_related("account", "owner")
    return sorted((_due_row(p, today) for p in whole), key=_order), len(keys)


def _first_stored(
    user: User, today: dt.date, horizon: int, after: dt.date | None, limit: int
) -> tuple[list[DueRow], int]:
    """``first_reviews_due`` from the stored next review days: a count and the first ``limit``
    of an index range, soonest first, then by account name."""
    window = Q(review_due__due_on__lte=today + dt.timedelta(days=horizon))
    if after is not None:
        window &= Q(review_due__due_on__gt=after)
    plans = AccountPlan.objects.for_user(user).filter(window, status=PlanStatus.ACTIVE)
    count = plans.count()
    if not count:
        return [], 0
    order = ("review_due__due_on", "account__name", "pk")
    first = list(plans.order_by(*order).values_list("pk", flat=True)[:limit])
    whole = annotated(AccountPlan.objects.filter(pk__in=first)).select_related("account", "owner")
    return sorted((_due_row(p, today) for p in whole), key=_order), count


def fired_conditions(
    today: dt.date,
    contract_end_days: int = CONTRACT_END_DAYS,
    *,
    on_date: bool = True,
    on_conditions: bool = True,
) -> Q:
    """Micro-plans whose date came (``on_date``) or one of whose conditions fired
    (``on_conditions``): a news signal, the competitor's contract ending within
    ``contract_end_days`` days, a newer contact, the account's growth turning positive."""
    q = Q(reengage_on__lte=today) if on_date else Q(pk__in=[])
    if not on_conditions:
        return q
    snap = Snapshot.objects.current()
    newer_contact = Exists(
        Contact.objects.filter(
            account_id=OuterRef("account_id"), pk__gt=OuterRef("last_contact_id")
        )
    )
    q |= (
        ~Q(news_signal="")
        | Q(competitor_contract_end__lte=today + dt.timedelta(days=contract_end_days))
        | Q(newer_contact)
    )
    if snap is not None:
        growing = Exists(
            AccountScore.objects.filter(
                snapshot=snap, account_id=OuterRef("account_id"), growth__gt=0
            )
        )
        q |= Q(growing) & (Q(account_growth__lte=0) | Q(account_growth__isnull=True))
    return q


def why(micro: LostDealPlan, today: dt.date) -> list[str]:
    """The reasons a listed micro-plan is due, in words."""
    out = []
    if micro.reengage_on <= today:
        out.append(f"Re-engagement date {fmt.date(micro.reengage_on)}")
    if micro.news_signal:
        out.append(f"News: {micro.news_signal[:80]}")
    end = micro.competitor_contract_end
    if end and end <= today + dt.timedelta(days=CONTRACT_END_DAYS):
        out.append(f"Competitor contract ends {end}")
    if getattr(micro, "new_contact", False):
        out.append("A new contact appeared (a possible decision maker)")
    if getattr(micro, "grows", False) and (micro.account_growth or 0) <= 0:
        out.append("The account's growth turned positive")
    return out or ["Condition fired"]


def micro_plans(user: User) -> Any:
    """The micro-plans the user may see, with their deal and account."""
    return LostDealPlan.objects.for_user(user).select_related(
        "account", "opportunity", "owner", "winback"
    )


def reengagements_due(user: User, today: dt.date) -> list[DueRow]:
    """Watching micro-plans the user may see whose date came or whose condition fired."""
    snap = Snapshot.objects.current()
    qs = (
        micro_plans(user)
        .filter(status=MicroPlanStatus.WATCHING)
        .filter(fired_conditions(today))
        .annotate(
            new_contact=Exists(
                Contact.objects.filter(
                    account_id=OuterRef("account_id"), pk__gt=OuterRef("last_contact_id")
                )
            )
        )
    )
    if snap is not None:
        qs = qs.annotate(
            grows=Exists(
                AccountScore.objects.filter(
                    snapshot=snap, account_id=OuterRef("account_id"), growth__gt=0
                )
            )
        )
    return [_micro_row(m, today, why(m, today)) for m in qs.order_by("reengage_on", "pk")]


def _micro_row(m: LostDealPlan, today: dt.date, reasons: list[str]) -> DueRow:
    """A micro-plan as a row of the home page: due on its re-engagement date."""
    return DueRow(
        account=m.account,
        plan=None,
        owner=m.owner,
        due=m.reengage_on,
        link=reverse("followup:micro_plan", args=[m.pk]),
        overdue=m.reengage_on < today,
        reasons=reasons,
        item=m,
    )


def may_act_on_account(user: User, account_id: int) -> bool:
    """Whether ``user`` may change follow-up rows of the account (as its plans)."""
    account = Account.objects.for_user(user).filter(pk=account_id).first()
    return account is not None and can_edit_account_plans(user, account)


#: How far ahead the home page's "coming up" lists reach.
LOOKAHEAD_DAYS = 45


def rule_settings(code: str) -> tuple[bool, dict[str, Any]]:
    """Whether the governance rule ``code`` is enabled, and its thresholds (admin, TOML)."""
    from accountplan.governance.settings_toml import effective

    return effective()[code]


def reviews_upcoming(
    user: User, today: dt.date, horizon: int = LOOKAHEAD_DAYS, limit: int = 20
) -> tuple[list[DueRow], int]:
    """The first ``limit`` reviews coming up within ``horizon`` days that are not findings yet
    (those due after the ``review.due`` rule's window, ``due_within_days``), and how many there
    are. With the rule switched off, every review due within ``horizon`` days, overdue ones
    too."""
    enabled, t = rule_settings("review.due")
    after = today + dt.timedelta(days=int(t["due_within_days"])) if enabled else None
    return first_reviews_due(user, today, horizon, after, limit)


def reengagements_upcoming(
    user: User, today: dt.date, horizon: int = LOOKAHEAD_DAYS
) -> list[DueRow]:
    """Watching micro-plans whose re-engagement date is within ``horizon`` days and that are not
    findings of the ``lostdeal.reengage`` rule (its date not come, no condition fired, as the
    rule's thresholds say). With the rule switched off, every one due within ``horizon`` days."""
    enabled, t = rule_settings("lostdeal.reengage")
    window = Q(status=MicroPlanStatus.WATCHING, reengage_on__lte=today + dt.timedelta(days=horizon))
    if enabled and t["on_date"]:  # a date come is a finding already: only dates ahead
        window &= Q(reengage_on__gt=today)
    if not LostDealPlan.objects.filter(window).exists():  # an index range, nobody's: nothing
        return []  # to scope, no conditions to compile and test
    qs = micro_plans(user).filter(window)
    if enabled:
        qs = qs.exclude(
            fired_conditions(
                today,
                int(t["contract_end_days"]),
                on_date=bool(t["on_date"]),
                on_conditions=bool(t["on_conditions"]),
            )
        )
    return [
        _micro_row(
            m,
            today,
            [f"Lost {fmt.date(m.lost_on)}"] + ([f"to {m.competitor}"] if m.competitor else []),
        )
        for m in qs.order_by("reengage_on", "pk")
    ]

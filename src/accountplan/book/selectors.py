"""Read helpers for the book's accounts list: every query starts from ``for_user`` and runs a
fixed number of times per page, whatever the number of rows (no N+1).

The account page's overview is read in ``overview_selectors``, the products list in
``product_selectors``; their entry points are re-exported here, as the views read them as
``selectors.X``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    F,
    Field,
    FilteredRelation,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accountplan.book.choices import OpportunityStatus
from accountplan.book.figures import MONEY_FIELD, ZERO, won_window
from accountplan.book.models import Account, Opportunity
from accountplan.book.overview_selectors import account_opportunities as account_opportunities
from accountplan.book.overview_selectors import account_overview as account_overview
from accountplan.book.product_selectors import product_families as product_families
from accountplan.book.product_selectors import products_with_figures as products_with_figures
from accountplan.portfolio.models import Play, Snapshot

if TYPE_CHECKING:
    from accountplan.core.models import User

#: Sort keys of the accounts list → the ``order_by`` fields they stand for.
ACCOUNT_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "industry": ("industry", "name"),
    "segment": ("segment", "name"),
    "territory": ("territory", "name"),
    "employees": ("employees", "name"),
    "revenue": ("annual_revenue", "name"),
    "owner": ("owner__last_name", "owner__first_name", "owner__username", "name"),
    "pipeline": ("open_pipeline", "name"),
    "won": ("won_12m", "name"),
    # From the current analytics snapshot (blank for accounts it does not score).
    "tier": ("pf_tier", "name"),
    "play": ("pf_play_rank", "name"),
    "score": ("pf_score", "name"),
    "whitespace": ("pf_whitespace", "name"),
    "sow": ("pf_sow", "name"),
    "growth": ("pf_growth", "name"),
    "clv": ("pf_clv", "name"),
}
#: Plays in the order the list sorts them (the grid's quadrants, best first).
PLAY_ORDER: tuple[str, ...] = (Play.EXPAND, Play.PENETRATE, Play.NURTURE, Play.MANAGE)
#: The ``play`` filter value of accounts without a play (unscored, or not in the snapshot).
UNSCORED = "none"


def order_fields(sorts: dict[str, tuple[str, ...]], sort: str) -> list[Any]:
    """``order_by`` expressions for a sort key such as ``-revenue``; blanks sort last."""
    descending = sort.startswith("-")
    fields = sorts[sort.lstrip("-")]
    first = F(fields[0]).desc(nulls_last=True) if descending else F(fields[0]).asc(nulls_last=True)
    # Ties break on the remaining fields in ascending order, then pk, so pages are stable.
    return [first, *fields[1:], "pk"]


# --- accounts list -------------------------------------------------------------------------------


def accounts_with_figures(user: User, as_of: dt.date | None = None) -> QuerySet[Account]:
    """Visible accounts with open pipeline and won-in-the-last-12-months, in one query.

    Each sum is a correlated subquery on the account's opportunities (index ``account,
    status``), so the database computes it for the rows of the page only, never by a GROUP BY
    over the whole book, and the two sums cannot multiply each other.
    """
    start, end = won_window(as_of)

    def total(**where: Any) -> Coalesce:
        summed = (
            Opportunity.objects.filter(account=OuterRef("pk"), **where)
            .order_by()
            .values("account")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return Coalesce(Subquery(summed, output_field=MONEY_FIELD), ZERO, output_field=MONEY_FIELD)

    return (
        Account.objects.for_user(user)
        .select_related("owner", "parent")
        .annotate(
            open_pipeline=total(status=OpportunityStatus.OPEN),
            won_12m=total(status=OpportunityStatus.WON, close_date__gt=start, close_date__lte=end),
        )
    )


def list_snapshot() -> Snapshot | None:
    """The snapshot whose scores the accounts list shows, in one query.

    The same choice as the account page's Portfolio card: the newest finished product-level
    snapshot, else the newest finished snapshot of any level; None before the first scoring run.
    """
    found: Snapshot | None = (
        Snapshot.objects.done()
        .annotate(
            is_product=Case(
                When(level="product", then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by("-is_product", "-finished_at", "-pk")
        .first()
    )
    return found


#: The ``pf_*`` annotations of :func:`with_scores` → their AccountScore field and type.
SCORE_COLUMNS: dict[str, tuple[str, type[Field[Any, Any]]]] = {
    "pf_tier": ("tier", IntegerField),
    "pf_play": ("play", CharField),
    "pf_score": ("potential_score", FloatField),
    "pf_whitespace": ("whitespace_value", FloatField),
    "pf_sow": ("share_of_wallet", FloatField),
    "pf_growth": ("growth", FloatField),
    "pf_clv": ("clv", FloatField),
    "pf_cts_flag": ("cost_to_serve_flag", BooleanField),
    "pf_cost_to_serve": ("cost_to_serve", FloatField),
    "pf_gross_margin": ("gross_margin", FloatField),
}


def with_scores(queryset: QuerySet[Account], snapshot: Snapshot | None) -> QuerySet[Account]:
    """Add the snapshot's tier, play, score, white space, share of wallet, growth, CLV and
    cost-to-serve flag to each account, in the same query (``pf_*`` annotations).

    A LEFT JOIN on the account's one score row of that snapshot (unique per snapshot and
    account), so the list's sums are not multiplied. Accounts the snapshot does not score, and
    every account when there is no snapshot, get blanks (None).
    """
    if snapshot is None:
        blanks = {
            name: Value(None, output_field=field()) for name, (_, field) in SCORE_COLUMNS.items()
        }
        return queryset.annotate(**blanks).alias(
            pf_play_rank=Value(None, output_field=IntegerField())
        )
    queryset = queryset.annotate(
        pf=FilteredRelation("portfolio_scores", condition=Q(portfolio_scores__snapshot=snapshot))
    ).annotate(**{name: F(f"pf__{source}") for name, (source, _) in SCORE_COLUMNS.items()})
    return queryset.alias(
        pf_play_rank=Case(
            *(When(pf_play=play, then=Value(i)) for i, play in enumerate(PLAY_ORDER, 1)),
            default=Value(None),
            output_field=IntegerField(),
        )
    )


def filter_accounts(
    queryset: QuerySet[Account],
    *,
    q: str = "",
    owner: int | None = None,
    segment: str = "",
    industry: str = "",
    territory: str = "",
    tier: int | None = None,
    play: str = "",
    cost_to_serve: str = "",
) -> QuerySet[Account]:
    """Narrow accounts by a search on name or external id and by exact filter values.

    ``tier``, ``play`` (``"none"``: no play) and ``cost_to_serve`` (``"flagged"`` or
    ``"ok"``) need the ``pf_*`` annotations of :func:`with_scores` (hence the ``Q`` objects).
    """
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(external_id__icontains=q))
    if owner is not None:
        queryset = queryset.filter(owner_id=owner)
    if segment:
        queryset = queryset.filter(segment=segment)
    if industry:
        queryset = queryset.filter(industry=industry)
    if territory:
        queryset = queryset.filter(territory=territory)
    if tier is not None:
        queryset = queryset.filter(Q(pf_tier=tier))
    if play == UNSCORED:
        queryset = queryset.filter(Q(pf_play="") | Q(pf_play__isnull=True))
    elif play:
        queryset = queryset.filter(Q(pf_play=play))
    if cost_to_serve == "flagged":
        queryset = queryset.filter(Q(pf_cts_flag=True))
    elif cost_to_serve == "ok":
        queryset = queryset.filter(Q(pf_cts_flag=False))
    return queryset


@dataclass(frozen=True)
class AccountFilterOptions:
    """The values the accounts list filters offer, taken from the user's visible book."""

    owners: list[tuple[int, str]]
    segments: list[str]
    industries: list[str]
    territories: list[str]


def account_filter_options(user: User, snapshot: Snapshot | None = None) -> AccountFilterOptions:
    """Distinct owners, segments, industries and territories present in the visible book.

    Each is a pass over the visible accounts' index (PostgreSQL has no skip scan), so with a
    finished ``snapshot`` they are kept per snapshot and viewer scope for a few minutes.
    """
    if snapshot is not None:
        from accountplan.portfolio.grid_data import SCOPED_SECONDS, cached, scope

        return cached(
            snapshot,
            f"filter-options:{scope(user)}",
            lambda: _filter_options(user),
            SCOPED_SECONDS,
        )
    return _filter_options(user)


def _filter_options(user: User) -> AccountFilterOptions:
    from accountplan.core.models import User as UserModel

    visible = Account.objects.for_user(user)

    def distinct(field_name: str) -> list[str]:
        return list(
            visible.exclude(**{field_name: ""})
            .order_by(field_name)
            .values_list(field_name, flat=True)
            .distinct()
        )

    # EXISTS: one probe of the (owner, name) index per user, not a pass over every account.
    owners = UserModel.objects.filter(Exists(visible.filter(owner=OuterRef("pk")))).order_by(
        "last_name", "first_name", "username"
    )
    return AccountFilterOptions(
        owners=[(o.pk, str(o)) for o in owners],
        segments=distinct("segment"),
        industries=distinct("industry"),
        territories=distinct("territory"),
    )

"""Next year's number (seed 000): for a period, per owner, per territory and for the whole book,
the target, the sum of the plans' goal builds, the run rate of accounts without a plan, the gap.

Run rate: an account without a (non-archived) plan for the period is expected to buy again what
it bought in the portfolio's scoring window — its ``current_revenue`` in the newest finished
snapshot (the last 12 months with the default window). Gap = target − goal builds − run rate: a
positive gap is what the plans still have to find.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Sum

from accountplan.book.models import Account
from accountplan.followup.models import Target
from accountplan.plans.models import AccountPlan, PlanSection, PlanStatus
from accountplan.plans.sections import SectionKey
from accountplan.portfolio.models import AccountScore, Snapshot

if TYPE_CHECKING:
    from accountplan.core.models import User

ZERO = Decimal(0)


def goal_build_total(goals: dict[str, Any]) -> Decimal:
    """The sum of a goals section's component amounts (blank counts 0)."""
    total = ZERO
    for c in goals.get("components", []) or []:
        raw = c.get("amount")
        if raw not in (None, ""):
            total += Decimal(str(raw))
    return total


@dataclass
class NumberRow:
    """One line of the number: an owner, a territory or the whole book."""

    kind: str
    key: str
    label: str
    target: Decimal | None = None
    goal_build: Decimal = ZERO
    run_rate: Decimal = ZERO
    plans: list[dict[str, Any]] = field(default_factory=list)

    @property
    def planned(self) -> Decimal:
        return self.goal_build + self.run_rate

    @property
    def gap(self) -> Decimal | None:
        return None if self.target is None else self.target - self.planned

    def as_dict(self) -> dict[str, Any]:
        def m(v: Decimal | None) -> str | None:
            return None if v is None else str(v.quantize(Decimal("0.01")))

        return {
            "kind": self.kind,
            "key": self.key,
            "label": self.label,
            "target": m(self.target),
            "goal_build": m(self.goal_build),
            "run_rate": m(self.run_rate),
            "gap": m(self.gap),
            "plans": len(self.plans),
        }


def _label(user: Any) -> str:
    if user is None:
        return "No owner"
    return user.get_full_name() or user.username


def the_number(user: User, period: str) -> list[NumberRow]:
    """The book's row first, then one per owner, then one per territory (scoped to ``user``)."""
    accounts = Account.objects.for_user(user)
    plans = list(
        AccountPlan.objects.for_user(user)
        .filter(period=period)
        .exclude(status=PlanStatus.ARCHIVED)
        .select_related("account", "account__owner")
    )
    goals = dict(
        PlanSection.objects.filter(plan__in=[p.pk for p in plans], key=SectionKey.GOALS)
        .values_list("plan_id", "data")
    )  # fmt: skip
    book = NumberRow("book", "", "Whole book")
    owners: dict[str, NumberRow] = {}
    territories: dict[str, NumberRow] = {}

    def rows_for(owner: Any, owner_id: Any, territory: str) -> list[NumberRow]:
        o = owners.setdefault(str(owner_id or ""), NumberRow("owner", str(owner_id or ""), ""))
        if owner is not None or not o.label:
            o.label = _label(owner)
        t = territories.setdefault(
            territory, NumberRow("territory", territory, territory or "No territory")
        )
        return [book, o, t]

    for p in plans:
        gb = goal_build_total(goals.get(p.pk) or {})
        item = {
            "plan_id": p.pk,
            "account": p.account.name,
            "account_id": p.account_id,
            "status": p.status,
            "goal_build": gb,
        }
        for row in rows_for(p.account.owner, p.account.owner_id, p.account.territory):
            row.goal_build += gb
            row.plans.append(item)
    snap = Snapshot.objects.current()
    if snap is not None:
        planned = [p.account_id for p in plans]
        unplanned = (
            AccountScore.objects.filter(snapshot=snap, account__in=accounts.values("pk"))
            .exclude(account_id__in=planned)
            .values("account__owner_id", "account__territory")
            .annotate(rate=Sum("current_revenue"))
        )
        users = {p.account.owner_id: p.account.owner for p in plans}
        from accountplan.core.models import User as UserModel

        missing = {r["account__owner_id"] for r in unplanned} - set(users)
        users.update({u.pk: u for u in UserModel.objects.filter(pk__in=missing)})
        for r in unplanned:
            owner_id = r["account__owner_id"]
            for row in rows_for(users.get(owner_id), owner_id, r["account__territory"]):
                row.run_rate += r["rate"] or ZERO
    _targets(period, book, owners, territories)
    by_owner = sorted(owners.values(), key=lambda r: r.label.lower())
    by_territory = sorted(territories.values(), key=lambda r: r.label.lower())
    return [book, *by_owner, *by_territory]


def _targets(
    period: str, book: NumberRow, owners: dict[str, NumberRow], territories: dict[str, NumberRow]
) -> None:
    for t in Target.objects.filter(period=period):
        if t.owner_id is None and not t.territory:
            book.target = t.amount
        elif t.owner_id is not None and str(t.owner_id) in owners:
            owners[str(t.owner_id)].target = t.amount
        elif t.owner_id is None and t.territory in territories:
            territories[t.territory].target = t.amount


def totals_by_kind(rows: list[NumberRow]) -> dict[str, Decimal]:
    """The goal builds summed per kind: every kind adds up to the book (a check)."""
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in rows:
        out[r.kind] += r.goal_build
    return dict(out)

"""What the rules read, selected in bulk and cached for one run.

Every property is one query (or one per distinct period) over the whole book; nothing here loops
over accounts with a query each. Rules ask only for what they need.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.urls import reverse

from accountplan.plans.models import AccountPlan, PlanSection, PlanStatus
from accountplan.portfolio.models import AccountScore, Snapshot

#: IN-lists are sent in chunks of this many ids (SQLite's variable limit, PostgreSQL's planner).
CHUNK = 5000


def chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    batch: list[int] = []
    for i in ids:
        batch.append(i)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass(frozen=True)
class PlanRow:
    pk: int
    account_id: int
    account_name: str
    period: str
    owner_id: int | None
    updated_at: dt.datetime


@dataclass(frozen=True)
class ScoreRow:
    tier: int | None
    play: str
    value: Decimal


def plan_url(plan_id: int, section: str | None = None) -> str:
    url = reverse("plans:detail", args=[plan_id])
    return f"{url}#sec-{section}" if section else url


def account_url(account_id: int) -> str:
    return reverse("book:account_detail", args=[account_id])


def contact_label(row: dict[str, Any]) -> str:
    name = f"{row.get('first_name') or ''} {row.get('last_name') or ''}".strip()
    return name or f"Contact {row.get('id')}"


class RuleContext:
    """The data of one run, as of ``today``."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        #: Seconds of work several rules share (label → seconds), reported apart by the engine.
        self.shared_seconds: dict[str, float] = {}

    @cached_property
    def snapshot(self) -> Snapshot | None:
        found: Snapshot | None = Snapshot.objects.current()
        return found

    @cached_property
    def active_plans(self) -> list[PlanRow]:
        """Every active plan (the plans that are worked on)."""
        rows = AccountPlan.objects.filter(status=PlanStatus.ACTIVE).values_list(
            "pk", "account_id", "account__name", "period", "owner_id", "updated_at"
        )
        return [PlanRow(*r) for r in rows.order_by("pk")]

    @cached_property
    def plan_by_id(self) -> dict[int, PlanRow]:
        return {p.pk: p for p in self.active_plans}

    def sections(self, key: str) -> dict[int, dict[str, Any]]:
        """``{plan id: data}`` of one section of every active plan (plans without it: absent)."""
        cache: dict[str, dict[int, dict[str, Any]]] = self.__dict__.setdefault("_sections", {})
        if key not in cache:
            rows = PlanSection.objects.filter(plan__status=PlanStatus.ACTIVE, key=key)
            cache[key] = {pid: data or {} for pid, data in rows.values_list("plan_id", "data")}
        return cache[key]

    def scores(self, account_ids: Iterable[int]) -> dict[int, ScoreRow]:
        """Tier, play and value of these accounts in the current snapshot (absent: unscored)."""
        out: dict[int, ScoreRow] = {}
        if self.snapshot is None:
            return out
        for batch in chunks(sorted(set(account_ids))):
            rows = AccountScore.objects.filter(
                snapshot=self.snapshot, account_id__in=batch
            ).values_list("account_id", "tier", "play", "value")
            for aid, tier, play, value in rows:
                out[aid] = ScoreRow(tier, play or "", value or Decimal(0))
        return out

    @cached_property
    def plan_scores(self) -> dict[int, ScoreRow]:
        """Scores of the accounts with an active plan."""
        return self.scores(p.account_id for p in self.active_plans)

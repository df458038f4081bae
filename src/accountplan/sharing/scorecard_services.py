"""The customer scorecard's reads and writes (the arithmetic is ``scorecard.py``'s).

The recipient defines the metrics and their weights and scores a quarter through their link;
each write is recorded in the plan's history as written by them (``customer.record_note``).
Scores keep the metric's name and weight as they were when given, so a later change of weights
never rewrites a past period's weighted score.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accountplan.book.models import Account
from accountplan.core.errors import DomainError
from accountplan.plans.models import AccountPlan
from accountplan.sharing import scorecard as sc
from accountplan.sharing.customer import record_note
from accountplan.sharing.models import ScorecardMetric, ScorecardRound, ScorecardScore, ShareLink


@dataclass(frozen=True)
class PeriodRow:
    """A scored period: its weighted score, change, and each metric's score."""

    period: str
    weighted: Decimal | None
    change: Decimal | None
    recipient: str
    scored_at: dt.datetime
    scores: tuple[ScorecardScore, ...]

    @property
    def scored(self) -> int:
        return sum(1 for s in self.scores if s.score is not None)

    @property
    def not_applicable(self) -> int:
        return sum(1 for s in self.scores if s.score is None)


def active_metrics(plan: AccountPlan) -> list[ScorecardMetric]:
    """The metrics the customer scores now, in their order."""
    return list(ScorecardMetric.objects.filter(plan=plan, retired_at__isnull=True))


def metric_rows(plan: AccountPlan) -> list[dict[str, Any]]:
    """The metrics form: the active metrics, then our suggestions not taken (no weight), then
    two blank rows for the customer's own."""
    mine = active_metrics(plan)
    taken = {m.name.lower() for m in mine}
    rows = [{"name": m.name, "weight": m.weight, "suggested": bool(m.suggested)} for m in mine]
    rows += [
        {"name": name, "weight": "", "suggested": True}
        for _, name in sc.SUGGESTED
        if name.lower() not in taken
    ]
    rows += [{"name": "", "weight": "", "suggested": False} for _ in range(2)]
    return rows


def set_metrics(link: ShareLink, rows: list[tuple[str, str]]) -> list[ScorecardMetric]:
    """The recipient's metrics and weights: names matched case-insensitively to the current
    ones (their weight updated), new ones added, dropped ones retired (their scores stay)."""
    clean = sc.clean_metrics(rows)
    suggested = {name.lower(): key for key, name in sc.SUGGESTED}
    plan = link.plan
    with transaction.atomic():
        AccountPlan.objects.select_for_update().filter(pk=plan.pk).first()
        existing = {m.name.lower(): m for m in ScorecardMetric.objects.filter(plan=plan)}
        now = timezone.now()
        kept: set[int] = set()
        for position, (name, weight) in enumerate(clean):
            metric = existing.get(name.lower())
            if metric is None:
                metric = ScorecardMetric(plan=plan, suggested=suggested.get(name.lower(), ""))
            metric.name, metric.weight, metric.position = name, weight, position
            metric.retired_at = None
            metric.save()
            kept.add(metric.pk)
        ScorecardMetric.objects.filter(plan=plan, retired_at__isnull=True).exclude(
            pk__in=kept
        ).update(retired_at=now)
        listed = ", ".join(f"{name} ({weight})" for name, weight in clean)
        record_note(link, "customer scorecard metrics", f"Set the scorecard's metrics: {listed}")
    return active_metrics(plan)


def score_period(
    link: ShareLink,
    period: str,
    scores: Mapping[int, tuple[str, str]],
    today: dt.date | None = None,
) -> PeriodRow:
    """The recipient scores a quarter: every active metric 1–5 or N/A, each with an optional
    comment. Scoring a quarter again replaces its scores."""
    period = sc.check_period(period, today or timezone.localdate())
    plan = link.plan
    with transaction.atomic():
        AccountPlan.objects.select_for_update().filter(pk=plan.pk).first()
        metrics = active_metrics(plan)
        if not metrics:
            raise DomainError("Define the metrics that matter to you first.")
        given = []
        for m in metrics:
            raw, comment = scores.get(m.pk, ("", ""))
            comment = (comment or "").strip().replace("\x00", "")
            if len(comment) > 2000:
                raise DomainError("Each comment is 2000 characters at most.")
            given.append((m, sc.parse_score(raw), comment))
        rnd, _ = ScorecardRound.objects.update_or_create(
            plan=plan,
            period=period,
            defaults={"link": link, "recipient": link.recipient[:300], "scored_at": timezone.now()},
        )
        ScorecardScore.objects.filter(round=rnd).delete()
        ScorecardScore.objects.bulk_create(
            ScorecardScore(
                round=rnd, metric=m, name=m.name, weight=m.weight, score=score, comment=comment
            )
            for m, score, comment in given
        )
        weighted = sc.weighted_score(sc.Scored(m.weight, score) for m, score, _ in given)
        na = sum(1 for _, score, _ in given if score is None)
        record_note(
            link,
            f"customer scorecard {period}",
            f"Scored {period}: weighted score {_fmt(weighted)} "
            f"({len(given) - na} metric{'s' if len(given) - na != 1 else ''} scored, {na} N/A)",
        )
    return history(plan, [period])[-1]


def _fmt(value: Decimal | None) -> str:
    return "unknown" if value is None else f"{value:.2f}"


def _rows(rounds: QuerySet[ScorecardRound]) -> list[PeriodRow]:
    found = list(rounds.prefetch_related("scores").order_by("period", "-scored_at"))
    latest: dict[str, ScorecardRound] = {}
    for r in found:
        latest.setdefault(r.period, r)  # an account scored twice in a quarter: the latest
    values = [
        (p, sc.weighted_score(sc.Scored(s.weight, s.score) for s in r.scores.all()))
        for p, r in latest.items()
    ]
    return [
        PeriodRow(
            period=pt.period,
            weighted=pt.weighted,
            change=pt.change,
            recipient=latest[pt.period].recipient,
            scored_at=latest[pt.period].scored_at,
            scores=tuple(latest[pt.period].scores.all()),
        )
        for pt in sc.trend(values)
    ]


def history(plan: AccountPlan, only: list[str] | None = None) -> list[PeriodRow]:
    """The plan's scored periods, oldest first, each with its change since the previous."""
    rows = _rows(ScorecardRound.objects.filter(plan=plan))
    return [r for r in rows if only is None or r.period in only]


def account_history(account: Account) -> list[PeriodRow]:
    """The account's scored periods across its plans (a period scored in two plans: the
    latest scoring)."""
    return _rows(ScorecardRound.objects.filter(plan__account=account))


def chart(rows: list[PeriodRow], width: int = 320, height: int = 120) -> dict[str, Any]:
    """The trend as SVG coordinates (scores 1–5 on the y axis), for the pages' small chart."""
    known = [r for r in rows if r.weighted is not None]
    if not known:
        return {"points": [], "width": width, "height": height}
    pad = 24
    step = (width - 2 * pad) / max(1, len(known) - 1)

    def y(value: Decimal) -> float:
        return round(height - pad - float(value - 1) / 4 * (height - 2 * pad), 1)

    points = [
        {
            "x": round(pad + i * step, 1),
            "y": y(r.weighted),
            "label": r.period,
            "value": f"{r.weighted:.2f}",
        }
        for i, r in enumerate(known)
        if r.weighted is not None
    ]
    return {
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "width": width,
        "height": height,
        "grid": [{"y": y(Decimal(v)), "label": v} for v in (1, 3, 5)],
    }

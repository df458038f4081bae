"""Tables of the follow-up pages: reviews over time, the win-back report, target saves."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from accountplan.book.choices import OpportunityStatus
from accountplan.core.errors import DomainError
from accountplan.core.models import User
from accountplan.followup.models import Review, Target
from accountplan.followup.snapshots import delta
from accountplan.plans.models import validate_period

#: The figures a review keeps, in the order of the comparison table.
FIGURES = [
    ("revenue", "Account revenue"),
    ("won", "Won in period"),
    ("pipeline", "Open pipeline"),
    ("goal_build", "Goal build"),
    ("progress_pct", "Goal build progress %"),
    ("completeness", "Completeness %"),
]


def review_rows(reviews: list[Review]) -> list[dict[str, Any]]:
    """Each review (newest first) with its figures and their change since the review before."""
    ordered = sorted(reviews, key=lambda r: (r.reviewed_on, r.pk))
    rows = []
    previous: dict[str, Any] | None = None
    for r in ordered:
        cells = []
        for key, label in FIGURES:
            value = r.figures.get(key)
            change = delta(value, previous.get(key)) if previous is not None else None
            cells.append({"key": key, "label": label, "value": value, "delta": change})
        rows.append({"review": r, "cells": cells})
        previous = r.figures
    rows.reverse()
    return rows


def winback_by(micro_plans: QuerySet[Any], field: str) -> list[dict[str, Any]]:
    """Per loss reason (or competitor): lost deals and amount, re-engaged, and their win-backs'
    open pipeline and won revenue."""
    rows = (
        micro_plans.values(field)
        .annotate(
            lost=Count("pk"),
            lost_amount=Sum("amount"),
            reengaged=Count("winback"),
            pipeline=Sum("winback__amount", filter=Q(winback__status=OpportunityStatus.OPEN)),
            won=Sum("winback__amount", filter=Q(winback__status=OpportunityStatus.WON)),
        )
        .order_by(field)
    )
    zero = Decimal(0)
    return [
        {
            "name": r[field] or "(not given)",
            "lost": r["lost"],
            "lost_amount": r["lost_amount"] or zero,
            "reengaged": r["reengaged"],
            "pipeline": r["pipeline"] or zero,
            "won": r["won"] or zero,
        }
        for r in rows
    ]


def save_target(data: Mapping[str, Any]) -> Target:
    """A target typed in the form: period, owner (username, optional), territory, amount."""
    period = str(data.get("period", "")).strip()
    try:
        validate_period(period)
    except Exception as exc:
        raise DomainError(f"Invalid period {period!r}.") from exc
    owner_name = str(data.get("owner", "")).strip()
    owner = None
    if owner_name:
        owner = User.objects.filter(username=owner_name).first()
        if owner is None:
            raise DomainError(f"No user {owner_name!r}.")
    try:
        amount = Decimal(str(data.get("amount", "")).replace(",", "").strip())
    except InvalidOperation as exc:
        raise DomainError("The amount must be a number.") from exc
    if not amount.is_finite() or amount < 0:
        raise DomainError("The amount must be zero or more.")
    target, _ = Target.objects.update_or_create(
        period=period,
        owner=owner,
        territory=str(data.get("territory", "")).strip(),
        defaults={"amount": amount},
    )
    return target

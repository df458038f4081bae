"""Keeping plans alive after they are written: reviews, lost-deal micro-plans, targets.

Money is Decimal everywhere; a review's figures are stored as decimal strings in JSON (exact).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from accountplan.book.models import Account, Opportunity
from accountplan.book.querysets import AccountScopedQuerySet
from accountplan.plans.models import AccountPlan, PlanRevision
from accountplan.plans.querysets import PlanScopedQuerySet


def _money(**kwargs: object) -> models.DecimalField:
    return models.DecimalField(max_digits=16, decimal_places=2, **kwargs)  # type: ignore[arg-type]


class Review(models.Model):
    """One review (audit) of a plan: who, when, what was discussed, the figures then, and the
    recalibrations decided (the plan revisions they produced)."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    findings = models.JSONField(default=list, blank=True, help_text="Findings discussed.")
    figures = models.JSONField(default=dict, blank=True, help_text="The plan's figures then.")
    recalibrations = models.TextField(blank=True, help_text="What was decided.")
    revisions = models.ManyToManyField(PlanRevision, blank=True, related_name="reviews")
    created_at = models.DateTimeField(default=timezone.now)

    objects = PlanScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        indexes = [
            models.Index(fields=["plan", "-reviewed_on"]),
            # reviews coming up: the plans last reviewed one cadence before the window
            models.Index(fields=["reviewed_on", "plan"], name="review_on_plan"),
        ]

    def __str__(self) -> str:
        return f"Review of {self.plan_id} on {self.reviewed_on}"


class LastReview(models.Model):
    """Each reviewed plan's latest review day, kept by the reviews' own saves and deletes
    (``followup/signals.py``): the reviews coming up join it instead of looking the latest
    review up once a plan and condition (six subqueries a row, 12 ms at 2,500 plans)."""

    plan = models.OneToOneField(
        AccountPlan, on_delete=models.CASCADE, primary_key=True, related_name="last_review_row"
    )
    reviewed_on = models.DateField()

    class Meta:
        # reviews coming up: the plans last reviewed one cadence before the window
        indexes = [models.Index(fields=["reviewed_on", "plan"], name="last_review_on_plan")]

    def __str__(self) -> str:
        return f"Plan {self.plan_id} last reviewed on {self.reviewed_on}"


class ReviewDue(models.Model):
    """Each active plan's next review day (its last review, else its creation day, plus its
    tier's cadence), kept by ``followup/review_due.py``: the home page's "reviews coming up"
    reads an index range of it instead of testing every candidate plan's tier."""

    plan = models.OneToOneField(
        AccountPlan, on_delete=models.CASCADE, primary_key=True, related_name="review_due"
    )
    due_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["due_on", "plan"], name="review_due_on_plan")]

    def __str__(self) -> str:
        return f"Plan {self.plan_id} review due {self.due_on}"


class ReviewDueState(models.Model):
    """What the whole ``ReviewDue`` table was last computed with: the snapshot whose tiers it
    used and the cadences. While either differs from today's, readers compute the days anew."""

    snapshot_id = models.IntegerField(null=True)
    cadences = models.CharField(max_length=200)
    refreshed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Review days of snapshot {self.snapshot_id} ({self.cadences})"


class MicroPlanStatus(models.TextChoices):
    WATCHING = "watching", "Watching"
    REENGAGED = "reengaged", "Re-engaged"
    DROPPED = "dropped", "Dropped"


class LostDealPlan(models.Model):
    """The micro-plan of a lost deal: what was lost and the account then, when to come back,
    the debrief, and the conditions that bring the date forward."""

    opportunity = models.OneToOneField(
        Opportunity, on_delete=models.CASCADE, related_name="micro_plan"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="lost_deal_plans")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lost_on = models.DateField()
    amount = _money(null=True, blank=True)
    product = models.CharField(max_length=255, blank=True)
    competitor = models.CharField(max_length=255, blank=True)
    reason = models.CharField(max_length=255, blank=True)
    account_revenue = _money(null=True, blank=True)
    account_growth = models.FloatField(null=True, blank=True)
    whitespace_value = _money(null=True, blank=True)
    play = models.CharField(max_length=10, blank=True)
    tier = models.PositiveSmallIntegerField(null=True, blank=True)
    snapshot_id_then = models.PositiveIntegerField(null=True, blank=True)
    last_contact_id = models.PositiveBigIntegerField(
        default=0, help_text="The account's newest contact id at the loss (a newer one fires)."
    )
    reengage_on = models.DateField(db_index=True)
    debrief = models.TextField(blank=True)
    debrief_done = models.BooleanField(default=False)
    news_signal = models.TextField(blank=True, help_text="A news signal noted by hand; fires.")
    competitor_contract_end = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=MicroPlanStatus.choices, default=MicroPlanStatus.WATCHING
    )
    winback = models.OneToOneField(
        Opportunity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["reengage_on", "pk"]
        indexes = [models.Index(fields=["status", "reengage_on"])]

    def __str__(self) -> str:
        return f"Micro-plan of {self.opportunity_id}"


class Target(models.Model):
    """A sales target for a period: of one owner, of one territory, or (neither) the whole book."""

    period = models.CharField(max_length=20)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    territory = models.CharField(max_length=120, blank=True)
    amount = _money()

    class Meta:
        ordering = ["period", "territory"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "owner", "territory"], name="followup_target_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.owner_id or ''} {self.territory}: {self.amount}"

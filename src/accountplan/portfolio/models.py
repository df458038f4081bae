"""Stored analytics: snapshots of a scoring run, per-account and per-cell scores, the scorecard.

Pages and the API read the newest finished snapshot instead of recomputing on every request.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accountplan.book.querysets import AccountScopedQuerySet
from accountplan.portfolio.querysets import SnapshotQuerySet


class Level(models.TextChoices):
    """What a cell crosses an account with."""

    PRODUCT = "product", "Product"
    FAMILY = "family", "Product family"


class SnapshotStatus(models.TextChoices):
    """Where a scoring run stands."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Play(models.TextChoices):
    """The four quadrants of the prioritization grid."""

    EXPAND = "Expand", "Expand"
    PENETRATE = "Penetrate", "Penetrate"
    NURTURE = "Nurture", "Nurture"
    MANAGE = "Manage", "Manage"


class CellState(models.TextChoices):
    """How much of a cell's potential an account already buys."""

    NONE = "none", "None"
    PARTIAL = "partial", "Partial"
    FULL = "full", "Full"


class Snapshot(models.Model):
    """One scoring run of the whole book: its settings, status, counts and who asked for it."""

    as_of = models.DateField(null=True, blank=True, help_text="Blank: today when it runs.")
    window_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Blank means 'all': no window."
    )
    level = models.CharField(max_length=8, choices=Level.choices, default=Level.PRODUCT)
    config = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=8, choices=SnapshotStatus.choices, default=SnapshotStatus.QUEUED, db_index=True
    )
    error = models.TextField(blank=True)
    trigger = models.CharField(max_length=32, blank=True, help_text="import, cli, web, demo...")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    account_count = models.PositiveIntegerField(default=0)
    cell_count = models.PositiveIntegerField(default=0)
    revenue_rows = models.PositiveIntegerField(default=0)
    skipped_won_deals = models.PositiveIntegerField(
        default=0, help_text="Won deals with no product and no line items: not counted as revenue."
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["level", "window_months", "status", "-finished_at"])]

    def __str__(self) -> str:
        window = "all" if self.window_months is None else f"{self.window_months} months"
        return f"Snapshot {self.pk} ({self.level}, {window}, as of {self.as_of}): {self.status}"


class AccountScore(models.Model):
    """One account's figures, score, play and tier in a snapshot."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="accounts")
    account = models.ForeignKey(
        "book.Account", on_delete=models.CASCADE, related_name="portfolio_scores"
    )
    current_revenue = models.FloatField(default=0)
    previous_revenue = models.FloatField(null=True, blank=True)
    growth = models.FloatField(null=True, blank=True)
    whitespace_value = models.FloatField(default=0)
    wallet = models.FloatField(default=0)
    share_of_wallet = models.FloatField(null=True, blank=True)
    share_of_wallet_gap = models.FloatField(null=True, blank=True)
    icp_fit = models.FloatField(null=True, blank=True)
    satisfaction = models.FloatField(null=True, blank=True)
    potential_score = models.FloatField(null=True, blank=True)
    missing_attributes = models.CharField(max_length=255, blank=True)
    scored = models.BooleanField(default=False)
    high_revenue = models.BooleanField(default=False)
    high_potential = models.BooleanField(null=True, blank=True)
    play = models.CharField(max_length=10, choices=Play.choices, blank=True)
    value = models.FloatField(default=0)
    value_percentile = models.FloatField(null=True, blank=True)
    tier = models.PositiveSmallIntegerField(null=True, blank=True)
    cost_to_serve = models.FloatField(null=True, blank=True)
    gross_margin = models.FloatField(null=True, blank=True)
    cost_to_serve_flag = models.BooleanField(default=False)
    cadence = models.CharField(max_length=120, blank=True)
    clv = models.FloatField(null=True, blank=True)
    score_parts = models.JSONField(default=list, blank=True)
    next_best = models.JSONField(default=list, blank=True)
    explanation = models.TextField(blank=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["snapshot", "account__name"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "account"], name="account_score_unique")
        ]
        indexes = [
            models.Index(fields=["snapshot", "play"]),
            models.Index(fields=["snapshot", "tier"]),
            models.Index(fields=["snapshot", "-whitespace_value"]),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} in snapshot {self.snapshot_id}"


class CellScore(models.Model):
    """A cell (account × product or family) of a snapshot: revenue, potential, state, propensity."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="cells")
    account = models.ForeignKey(
        "book.Account", on_delete=models.CASCADE, related_name="portfolio_cells"
    )
    item = models.CharField(max_length=255)
    item_name = models.CharField(max_length=255)
    family = models.CharField(max_length=120, blank=True)
    product = models.ForeignKey(
        "book.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    current_revenue = models.FloatField(default=0)
    previous_revenue = models.FloatField(null=True, blank=True)
    size = models.FloatField(null=True, blank=True)
    potential = models.FloatField(null=True, blank=True)
    potential_source = models.CharField(max_length=16)
    peer_count = models.PositiveIntegerField(default=0)
    peer_median_rate = models.FloatField(null=True, blank=True)
    peer_segment = models.CharField(max_length=120, blank=True)
    peers = models.JSONField(default=list, blank=True)
    explanation = models.TextField(blank=True)
    state = models.CharField(max_length=8, choices=CellState.choices)
    whitespace_value = models.FloatField(null=True, blank=True)
    propensity = models.FloatField(null=True, blank=True)
    expected_value = models.FloatField(null=True, blank=True)
    lookalikes = models.JSONField(default=list, blank=True)
    open_opportunities = models.PositiveIntegerField(default=0)
    open_amount = models.FloatField(default=0)
    recent_lost = models.PositiveIntegerField(default=0)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["snapshot", "account_id", "item"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "account", "item"], name="cell_unique")
        ]
        indexes = [
            models.Index(fields=["snapshot", "state"]),
            models.Index(fields=["snapshot", "item"]),
            models.Index(fields=["snapshot", "family"]),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} × {self.item} in snapshot {self.snapshot_id}"


def _weight(default: float, label: str) -> models.FloatField:
    return models.FloatField(default=default, validators=[MinValueValidator(0)], help_text=label)


class Scorecard(models.Model):
    """The scorecard's weights, ideal customer profile and thresholds (one row, named "default")."""

    name = models.CharField(max_length=60, unique=True, default="default")
    weight_whitespace_value = _weight(30, "White-space value weight")
    weight_icp_fit = _weight(20, "Ideal-customer-profile fit weight")
    weight_growth = _weight(20, "Growth weight")
    weight_satisfaction = _weight(15, "Satisfaction weight")
    weight_share_of_wallet_gap = _weight(15, "Share-of-wallet gap weight")
    icp_industries = models.JSONField(default=list, blank=True)
    icp_min_employees = models.PositiveIntegerField(null=True, blank=True)
    icp_max_employees = models.PositiveIntegerField(null=True, blank=True)
    icp_regions = models.JSONField(default=list, blank=True)
    tier1_min_percentile = models.FloatField(
        default=90, validators=[MinValueValidator(80), MaxValueValidator(90)]
    )
    full_share = models.FloatField(
        default=0.8, validators=[MinValueValidator(0.01), MaxValueValidator(1)]
    )
    min_peers = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "scorecard"

    def __str__(self) -> str:
        return f"Scorecard {self.name}"

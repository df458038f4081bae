"""Stored analytics: snapshots of a scoring run, per-account and per-cell scores, the scorecard.

Pages and the API read the newest finished snapshot instead of recomputing on every request.
"""

from __future__ import annotations

from typing import Any

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


class PeerField(models.TextChoices):
    """Which account field groups peers when potential compares an account with its peers."""

    INDUSTRY = "industry", "Industry"
    SEGMENT = "segment", "Segment"
    TERRITORY = "territory", "Territory"
    COUNTRY = "country", "Country"
    NONE = "none", "None (every buyer is a peer)"


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
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Refreshed at every step of a run; a running snapshot silent too long is stale.",
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    account_count = models.PositiveIntegerField(default=0)
    cell_count = models.PositiveIntegerField(default=0)
    revenue_rows = models.PositiveIntegerField(default=0)
    skipped_won_deals = models.PositiveIntegerField(
        default=0, help_text="Won deals with no product and no line items: not counted as revenue."
    )
    warnings = models.JSONField(default=list, blank=True, help_text="What the run noticed.")
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

    @property
    def cache_key(self) -> str | None:
        """A key for what pages derive from this snapshot (a done snapshot never changes), or
        None while it is not done. It names the run's finish and counts besides its id, so a
        database rebuilt with the same ids never serves another run's figures."""
        if self.status != SnapshotStatus.DONE or self.finished_at is None:
            return None
        stamp = self.finished_at.isoformat()
        return f"snapshot:{self.pk}:{stamp}:{self.account_count}:{self.cell_count}"


def _money(**kwargs: Any) -> models.DecimalField:
    """Money as stored in a snapshot: exact to the cent (figures are computed exactly and
    rounded half-even to the cent once, when stored)."""
    return models.DecimalField(max_digits=20, decimal_places=2, **kwargs)


def cascade_by_snapshot(collector: Any, field: Any, sub_objs: Any, using: str) -> None:
    """``on_delete`` of a snapshot row's account: delete its rows in every snapshot through the
    unique ``(snapshot, account, …)`` index.

    The rows carry no index on ``account`` alone (one more index on 1M score rows and 10M+ cell
    rows made every rescore write slower, to serve only an account's deletion). A plain CASCADE
    would then scan the whole table per batch of deleted accounts; asking for the few snapshot
    ids as well lets both databases probe the unique index instead.
    """
    snapshots = list(Snapshot.objects.using(using).values_list("pk", flat=True))
    collector.fast_deletes.append(sub_objs.filter(snapshot__in=snapshots))


# The collector must not evaluate ``sub_objs`` to see whether any exist: that is the scan.
cascade_by_snapshot.lazy_sub_objs = True  # type: ignore[attr-defined]


#: The scorecard attributes whose percentile an AccountScore keeps (one column each).
SCORE_ATTRIBUTES = ("whitespace_value", "icp_fit", "growth", "satisfaction", "share_of_wallet_gap")


class AccountScore(models.Model):
    """One account's figures, score, play and tier in a snapshot, plus what its cells are derived
    from (its peer group and size) and its look-alikes (for propensity on read)."""

    # Rows written in bulk from ids the same run just read: no database-level foreign key
    # (checking one per row at commit took 4 of the 10 s of storing 100k accounts on
    # PostgreSQL); ``cascade_by_snapshot`` deletes them with their account. The unique
    # constraint below leads with the snapshot, so neither the snapshot nor the account needs
    # an index of its own.
    snapshot = models.ForeignKey(
        Snapshot,
        on_delete=models.CASCADE,
        related_name="accounts",
        db_constraint=False,
        db_index=False,
    )
    account = models.ForeignKey(
        "book.Account",
        on_delete=cascade_by_snapshot,
        related_name="portfolio_scores",
        db_constraint=False,
        db_index=False,
    )
    peer_key = models.CharField(max_length=255, blank=True, help_text="Its peer group's value.")
    size = _money(null=True, blank=True)
    current_revenue = _money(default=0)
    previous_revenue = _money(null=True, blank=True)
    growth = models.FloatField(null=True, blank=True)
    whitespace_value = _money(default=0)
    wallet = _money(default=0)
    share_of_wallet = models.FloatField(null=True, blank=True)
    share_of_wallet_gap = models.FloatField(null=True, blank=True)
    icp_fit = models.FloatField(null=True, blank=True)
    satisfaction = models.FloatField(null=True, blank=True)
    potential_score = models.FloatField(null=True, blank=True)
    missing_attributes = models.CharField(max_length=255, blank=True)
    scored = models.BooleanField(default=False)
    pct_whitespace_value = models.FloatField(null=True, blank=True)
    pct_icp_fit = models.FloatField(null=True, blank=True)
    pct_growth = models.FloatField(null=True, blank=True)
    pct_satisfaction = models.FloatField(null=True, blank=True)
    pct_share_of_wallet_gap = models.FloatField(null=True, blank=True)
    high_revenue = models.BooleanField(default=False)
    high_potential = models.BooleanField(null=True, blank=True)
    play = models.CharField(max_length=10, choices=Play.choices, blank=True)
    value = _money(default=0)
    value_percentile = models.FloatField(null=True, blank=True)
    tier = models.PositiveSmallIntegerField(null=True, blank=True)
    cost_to_serve = _money(null=True, blank=True)
    gross_margin = _money(null=True, blank=True)
    cost_to_serve_flag = models.BooleanField(default=False)
    cadence = models.CharField(max_length=120, blank=True)
    clv = _money(null=True, blank=True)
    next_best = models.JSONField(default=list, blank=True, help_text="Items, best first.")
    lookalikes = models.JSONField(
        default=list, blank=True, help_text="[[account id, similarity], …], most similar first."
    )

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

    @property
    def score_parts(self) -> list[dict[str, Any]]:
        """The scorecard's attributes for this account: value, percentile, weight, used."""
        from accountplan.portfolio.scorecard import LABELS

        weights = (self.snapshot.config or {}).get("weights", {})
        icp = bool((self.snapshot.config or {}).get("icp"))
        parts = []
        for key in SCORE_ATTRIBUTES:
            if key == "icp_fit" and not icp:
                continue
            value = getattr(self, key)
            weight = float(weights.get(key, 0))
            parts.append(
                {
                    "attribute": key,
                    "label": LABELS.get(key, key),
                    "value": None if value is None else float(value),
                    "percentile": getattr(self, f"pct_{key}"),
                    "weight": weight,
                    "used": value is not None and weight > 0,
                }
            )
        return parts


class CellScore(models.Model):
    """A stored cell of a snapshot: one with revenue in either window, an open or recently lost
    deal, or an imported potential. Every other cell is derived on read (``portfolio.cells``)."""

    # Rows written in bulk from ids the same run just read: no database-level foreign key
    # (checking one per row at commit took 4 of the 10 s of storing 100k accounts on
    # PostgreSQL); ``cascade_by_snapshot`` deletes them with their account. The unique
    # constraint below leads with the snapshot, so neither the snapshot nor the account needs
    # an index of its own.
    snapshot = models.ForeignKey(
        Snapshot,
        on_delete=models.CASCADE,
        related_name="cells",
        db_constraint=False,
        db_index=False,
    )
    account = models.ForeignKey(
        "book.Account",
        on_delete=cascade_by_snapshot,
        related_name="portfolio_cells",
        db_constraint=False,
        db_index=False,
    )
    item = models.CharField(max_length=255)
    current_revenue = _money(default=0)
    previous_revenue = _money(null=True, blank=True)
    override = _money(null=True, blank=True, help_text="An imported potential.")
    potential = _money(null=True, blank=True, help_text="Rounded to the cent, for sorting.")
    state = models.CharField(max_length=8, choices=CellState.choices)
    whitespace_value = _money(null=True, blank=True)
    open_opportunities = models.PositiveIntegerField(default=0)
    open_amount = _money(default=0)
    recent_lost = models.PositiveIntegerField(default=0)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["snapshot", "account_id", "item"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "account", "item"], name="cell_unique")
        ]

    def __str__(self) -> str:
        return f"{self.account_id} × {self.item} in snapshot {self.snapshot_id}"


class PeerRate(models.Model):
    """The potential's rate of one (peer group, item) in a snapshot: the median revenue per unit
    of size of its peers, how many there are and the first names. P = rate × size."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="rates")
    peer_key = models.CharField(max_length=255, blank=True, help_text="Blank: no peer group.")
    item = models.CharField(max_length=255)
    peer_count = models.PositiveIntegerField(default=0)
    segment_count = models.PositiveIntegerField(default=0)
    rate = models.CharField(
        max_length=48, blank=True, help_text="Exact decimal text (10 places); blank = unknown."
    )
    peer_segment = models.CharField(max_length=255, blank=True)
    peers = models.JSONField(default=list, blank=True)
    peer_text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "peer_key", "item"], name="peer_rate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.peer_key or '(no group)'} × {self.item}: {self.rate or 'unknown'}"


class SnapshotItem(models.Model):
    """A column of the white space map in a snapshot: a product (or family) and who buys it."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="items")
    item = models.CharField(max_length=255)
    item_name = models.CharField(max_length=255)
    family = models.CharField(max_length=120, blank=True)
    product = models.ForeignKey(
        "book.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owners = models.PositiveIntegerField(default=0, help_text="Accounts with R > 0.")
    base_rate = models.FloatField(default=0, help_text="Share of all accounts that own it.")

    class Meta:
        ordering = ["snapshot", "family", "item_name", "item"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "item"], name="snapshot_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item_name} in snapshot {self.snapshot_id}"

    @property
    def name(self) -> str:
        """The column's label."""
        return self.item_name


def _weight(default: float, label: str) -> models.FloatField:
    return models.FloatField(
        label, default=default, validators=[MinValueValidator(0)], help_text=label
    )


class Scorecard(models.Model):
    """The scorecard's weights, ideal customer profile and thresholds (one row, named "default")."""

    name = models.CharField(max_length=60, unique=True, default="default")
    weight_whitespace_value = _weight(30, "White-space value weight")
    weight_icp_fit = _weight(20, "Ideal-customer-profile fit weight")
    weight_growth = _weight(20, "Growth weight")
    weight_satisfaction = _weight(15, "Satisfaction weight")
    weight_share_of_wallet_gap = _weight(15, "Share-of-wallet gap weight")
    icp_industries = models.JSONField(default=list, blank=True)
    icp_min_employees = models.PositiveIntegerField("Minimum employees", null=True, blank=True)
    icp_max_employees = models.PositiveIntegerField("Maximum employees", null=True, blank=True)
    icp_regions = models.JSONField(default=list, blank=True)
    tier1_min_percentile = models.FloatField(
        "Tier 1 from percentile",
        default=90,
        validators=[MinValueValidator(80), MaxValueValidator(90)],
    )
    full_share = models.FloatField(
        default=0.8, validators=[MinValueValidator(0.01), MaxValueValidator(1)]
    )
    min_peers = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    peer_field = models.CharField(
        "Peer group",
        max_length=10,
        choices=PeerField.choices,
        default=PeerField.INDUSTRY,
        help_text="Potential compares an account with the buyers sharing this field's value.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "scorecard"

    def __str__(self) -> str:
        return f"Scorecard {self.name}"

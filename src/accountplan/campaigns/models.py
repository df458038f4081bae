"""Campaigns: a play aimed at products, its frozen target list and the credit it earned.

A campaign is a draft until it is launched; launching freezes its members (``CampaignMember``)
with their quadrant, tier, score and white space at that moment. Credit per opportunity is stored
in the shape of Salesforce's CampaignInfluence (``CampaignInfluence``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class CampaignPlay(models.TextChoices):
    """The three quadrants of the grid that get a campaign (seed 000); Manage gets none."""

    EXPAND = "expand", "Expand"
    PENETRATE = "penetrate", "Penetrate"
    NURTURE = "nurture", "Nurture"

    @property
    def quadrant(self) -> str:
        """The grid's play name (``AccountScore.play``) of this campaign play."""
        return str(self.label)


class CampaignStatus(models.TextChoices):
    """Draft (editable, previewed) or launched (membership frozen)."""

    DRAFT = "draft", "Draft"
    LAUNCHED = "launched", "Launched"


class MemberGroup(models.TextChoices):
    """A frozen member is targeted or held out as control."""

    TARGET = "target", "Target"
    CONTROL = "control", "Control (held out)"


class CreditModel(models.TextChoices):
    """How an opportunity's credit is split across the campaigns that touched it."""

    FIRST_TOUCH = "first_touch", "First touch"
    LAST_TOUCH = "last_touch", "Last touch"
    EVEN = "even", "Even split"


def _money(**kwargs: object) -> models.DecimalField:
    return models.DecimalField(max_digits=20, decimal_places=2, **kwargs)  # type: ignore[arg-type]


class Campaign(models.Model):
    """A marketing campaign for one quadrant of the grid, aimed at products or families."""

    name = models.CharField(max_length=200)
    play = models.CharField(max_length=10, choices=CampaignPlay.choices)
    products = models.ManyToManyField("book.Product", blank=True, related_name="campaigns")
    families = models.JSONField(default=list, blank=True, help_text="Product families aimed at.")
    start_date = models.DateField()
    end_date = models.DateField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="campaigns",
    )  # fmt: skip
    budget = _money(default=Decimal(0))
    message_brief = models.TextField(blank=True)
    # Target filters (besides the quadrant).
    territory = models.CharField(max_length=120, blank=True)
    industry = models.CharField(max_length=120, blank=True)
    tier = models.PositiveSmallIntegerField(null=True, blank=True)
    min_whitespace = _money(
        null=True, blank=True, help_text="Only accounts with at least this white space in the "
        "target products."
    )  # fmt: skip
    propensity = models.BooleanField(
        default=False,
        help_text="Only accounts whose next best products (propensity × white space) include a "
        "target product.",
    )
    control_share = models.DecimalField(
        max_digits=4, decimal_places=3, default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal("0.5"))],
        help_text="Share of the eligible accounts held out at launch (0 to 0.5).",
    )  # fmt: skip
    seed = models.PositiveIntegerField(default=1, help_text="Seed of the control group's draw.")
    influence_days = models.PositiveSmallIntegerField(
        default=90, help_text="The influenced window runs to the end date plus these days."
    )
    status = models.CharField(
        max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT, db_index=True
    )
    launched_at = models.DateTimeField(null=True, blank=True)
    launch_date = models.DateField(
        null=True, blank=True, help_text="The day the list was frozen: the windows start here."
    )
    launched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    snapshot = models.ForeignKey(
        "portfolio.Snapshot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The scoring run the list was frozen from.",
    )  # fmt: skip
    snapshot_as_of = models.DateField(null=True, blank=True)
    target_count = models.PositiveIntegerField(default=0)
    control_count = models.PositiveIntegerField(default=0)
    late_count = models.PositiveIntegerField(default=0)
    target_whitespace = _money(default=Decimal(0))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_launched(self) -> bool:
        """Whether the membership is frozen."""
        return self.status == CampaignStatus.LAUNCHED

    @property
    def quadrant(self) -> str:
        """The grid's play this campaign draws from (Expand, Penetrate, Nurture)."""
        return CampaignPlay(self.play).quadrant


class CampaignMember(models.Model):
    """An account frozen into a campaign at launch (or a late join), as it stood then."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="members")
    account = models.ForeignKey("book.Account", on_delete=models.CASCADE, related_name="+")
    group = models.CharField(max_length=8, choices=MemberGroup.choices, default=MemberGroup.TARGET)
    late_join = models.BooleanField(default=False)
    joined_on = models.DateField()
    quadrant = models.CharField(max_length=10, blank=True)
    tier = models.PositiveSmallIntegerField(null=True, blank=True)
    potential_score = models.FloatField(null=True, blank=True)
    current_revenue = _money(default=Decimal(0))
    whitespace = _money(default=Decimal(0), help_text="White space in the target products.")

    class Meta:
        ordering = ["campaign", "-whitespace", "account_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "account"], name="campaign_member_unique")
        ]
        indexes = [
            models.Index(fields=["account", "campaign"]),
            models.Index(fields=["campaign", "group"]),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} in {self.campaign_id} ({self.group})"


class CampaignInfluence(models.Model):
    """Credit of one campaign on one opportunity, the shape of Salesforce's CampaignInfluence:
    CampaignId, OpportunityId, ContactId, Influence (%), RevenueShare, and the model."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="influences")
    opportunity = models.ForeignKey(
        "book.Opportunity", on_delete=models.CASCADE, related_name="campaign_influences"
    )
    contact = models.ForeignKey(
        "book.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    model = models.CharField(max_length=12, choices=CreditModel.choices)
    influence = models.DecimalField(
        max_digits=7, decimal_places=4, help_text="Percent of the opportunity credited."
    )
    revenue_share = _money(help_text="The opportunity's amount × influence.")

    class Meta:
        ordering = ["campaign", "opportunity"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "opportunity", "campaign"], name="campaign_influence_unique"
            )
        ]
        indexes = [models.Index(fields=["campaign", "model"])]

    def __str__(self) -> str:
        return f"{self.campaign_id} → {self.opportunity_id}: {self.influence}% ({self.model})"


class ChangeAction(models.TextChoices):
    """What happened to a campaign in one ``CampaignChange``."""

    CREATED = "created", "Created"
    EDITED = "edited", "Edited"
    LAUNCHED = "launched", "Launched"
    DELETED = "deleted", "Deleted"


class CampaignChange(models.Model):
    """One change of a campaign: who, when, and each field's value before and after (as the page
    shows it). A deleted draft's history stays, with its name, and no campaign."""

    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    campaign_name = models.CharField(max_length=200)
    action = models.CharField(max_length=8, choices=ChangeAction.choices)
    changes = models.JSONField(
        default=list, blank=True, help_text="[{field, old, new}]: labels and values as shown."
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["campaign", "-changed_at"])]

    def __str__(self) -> str:
        return f"{self.campaign_name}: {self.action}"

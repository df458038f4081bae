"""The fit scorecard's settings, the answers given about each opportunity, and their history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known yet"


class FitSettings(models.Model):
    """The configured fit scorecard (one row, "default"), in the layout of ``fit.settings``."""

    name = models.CharField(max_length=40, unique=True, default="default")
    layout = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "fit scorecard settings"
        verbose_name_plural = "fit scorecard settings"

    def __str__(self) -> str:
        return self.name


class FitAnswer(models.Model):
    """The current answer to one fit question about one opportunity, with its evidence."""

    opportunity = models.ForeignKey(
        "book.Opportunity", on_delete=models.CASCADE, related_name="fit_answers"
    )
    key = models.CharField(max_length=48)
    value = models.CharField(max_length=8, choices=Answer.choices, default=Answer.UNKNOWN)
    evidence = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "key"], name="fit_answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id} {self.key}={self.value}"


class FitAnswerChange(models.Model):
    """One change of an answer: before, after, who and when, and the score it led to."""

    opportunity = models.ForeignKey(
        "book.Opportunity", on_delete=models.CASCADE, related_name="fit_changes"
    )
    key = models.CharField(max_length=48)
    old_value = models.CharField(max_length=8, blank=True)
    new_value = models.CharField(max_length=8)
    evidence = models.CharField(max_length=500, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score_after = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    band_after = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["opportunity", "-changed_at"])]

    def __str__(self) -> str:
        return f"{self.opportunity_id} {self.key}: {self.old_value} → {self.new_value}"

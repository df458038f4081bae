"""Findings written by the rules, their snoozes, the rules' thresholds and the runs.

A finding is identified by (rule, account, plan, subject): the rules run again and again, and an
open finding that is found again keeps its ``opened_at`` (the "since" date); one that is not found
again is closed (``closed_at``). A snooze hides an open finding from the home page until a date;
every snooze is kept in ``FindingSnooze``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from accountplan.book.querysets import AccountScopedQuerySet


class Severity(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"


#: How much a severity weighs in the home page's ranking (× the account's value).
SEVERITY_WEIGHT = {Severity.RED: 3, Severity.AMBER: 1}


class FindingQuerySet(AccountScopedQuerySet):
    def open(self) -> FindingQuerySet:
        return self.filter(closed_at__isnull=True)

    def awake(self, today: object = None) -> FindingQuerySet:
        """Open and not snoozed as of ``today``."""
        day = today or timezone.localdate()
        return self.open().filter(
            models.Q(snoozed_until__isnull=True) | models.Q(snoozed_until__lt=day)
        )


class Finding(models.Model):
    """What a rule found about an account (and maybe one of its plans), with its evidence."""

    rule = models.CharField(max_length=64, db_index=True)
    rule_version = models.PositiveSmallIntegerField(default=1)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    account = models.ForeignKey("book.Account", on_delete=models.CASCADE, related_name="findings")
    plan = models.ForeignKey(
        "plans.AccountPlan",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="findings",
    )
    subject = models.CharField(
        max_length=120, blank=True, help_text="What within the plan (a contact id…), or blank."
    )
    summary = models.CharField(max_length=500)
    evidence = models.JSONField(
        default=list, blank=True, help_text="[{label, date?, url?}, …]: the rows behind it."
    )
    fix_url = models.CharField(max_length=300, help_text="Where it is fixed.")
    rank = models.DecimalField(
        max_digits=22, decimal_places=2, default=0, help_text="Severity weight × account value."
    )
    opened_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    snoozed_until = models.DateField(null=True, blank=True)
    snooze_reason = models.CharField(max_length=300, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["-rank", "-pk"]
        indexes = [
            models.Index(
                fields=["-rank"],
                condition=models.Q(closed_at__isnull=True),
                name="finding_open_rank",
            ),
            # counts by kind over the open findings read this index alone, and one kind's
            # findings come in rank order from it (SQLite and PostgreSQL)
            models.Index(
                fields=["rule", "-rank", "snoozed_until"],
                condition=models.Q(closed_at__isnull=True),
                name="finding_open_rule",
            ),
            models.Index(fields=["account", "closed_at"]),
            models.Index(fields=["plan", "closed_at"]),
            # the open findings snoozed until a day: the few the tally's counts leave out
            models.Index(
                fields=["snoozed_until", "rule"],
                condition=models.Q(closed_at__isnull=True, snoozed_until__isnull=False),
                name="finding_open_snoozed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.summary}"

    @property
    def key(self) -> tuple[str, int, int | None, str]:
        return (self.rule, self.account_id, self.plan_id, self.subject)


class FindingTally(models.Model):
    """How many open findings each rule has, kept by the database itself: triggers on the
    findings table add and take away as rows are inserted, closed, reopened or deleted
    (migration 0003), whoever writes them (the rules run, the fit form, a cascade from a
    deleted account). The home page of someone who sees the whole book reads its counts by
    kind here instead of counting every open finding (238,703 on the 100k bench book: 26 ms a
    page on SQLite); tests/governance/test_tally.py recounts them after every kind of write.
    A ``TRUNCATE`` fires no row trigger: whoever truncates the findings truncates this too."""

    rule = models.CharField(max_length=64, primary_key=True)
    open_count = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.rule}: {self.open_count}"


class FindingSnooze(models.Model):
    """One snooze of a finding: who, why, until when (the history of snoozes)."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="snoozes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300)
    until = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.finding_id} snoozed until {self.until}"


class RuleSetting(models.Model):
    """An admin's thresholds for one rule (they beat the TOML file and the defaults)."""

    code = models.CharField(max_length=64, unique=True)
    enabled = models.BooleanField(default=True)
    thresholds = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class RuleRun(models.Model):
    """One run of the rules: when, why, what it opened and closed, how long it took."""

    trigger = models.CharField(max_length=32, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    opened = models.PositiveIntegerField(default=0)
    kept = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    timings = models.JSONField(default=dict, blank=True, help_text="Seconds per rule.")
    errors = models.JSONField(default=dict, blank=True, help_text="Rule code → error.")

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Rule run {self.pk} ({self.trigger})"


class PlanHealth(models.Model):
    """A plan's health as of the last rules run (for the plans list's filters and sorting)."""

    plan = models.OneToOneField(
        "plans.AccountPlan", on_delete=models.CASCADE, related_name="health", primary_key=True
    )
    score = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=8)
    days_since_change = models.PositiveIntegerField()
    open_findings = models.PositiveIntegerField(default=0)
    parts = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["band", "score"])]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.score}"

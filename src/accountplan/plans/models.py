"""Account plans: one per account and period, made of versioned sections with a full history.

A section's ``data`` is validated by its Pydantic schema (``plans.sections``) in the services;
``version`` counts saves so that two people editing the same section cannot overwrite each other
(``services.save_section`` refuses a save whose base version is not the current one). Every save,
and every plan-level change, writes a ``PlanRevision`` holding the full data after the change.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from accountplan.book.choices import TeamFunction
from accountplan.book.models import Account
from accountplan.plans.querysets import AccountPlanQuerySet, PlanScopedQuerySet
from accountplan.plans.section_choices import REVISION_KEYS, SectionKey

#: A period names the plan's span: "FY2027", "2027", "2027-H1", "Q3 2027"…
PERIOD_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,19}$")
PERIOD_HELP = (
    "A short name for the plan's span, e.g. FY2027, 2027-H1 or Q3 2027 (letters, digits, "
    "space, . _ / -; at most 20 characters)."
)


def validate_period(value: str) -> None:
    """A period is 1–20 characters of letters, digits, space and ``._/-``, starting with one."""
    if not PERIOD_RE.match(value or ""):
        raise ValidationError(f"Invalid period {value!r}. {PERIOD_HELP}")


class PlanStatus(models.TextChoices):
    """A plan's life: drafted, then active for its period, then archived."""

    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"


class AccountPlan(models.Model):
    """The account plan of one account for one period (e.g. FY2027)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="plans")
    period = models.CharField(max_length=20, validators=[validate_period], help_text=PERIOD_HELP)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_plans",
    )
    status = models.CharField(max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    cloned_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="clones"
    )
    extra_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="PlanMember",
        blank=True,
        related_name="member_of_plans",
        help_text="Plan-specific members besides the account team.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = AccountPlanQuerySet.as_manager()

    class Meta:
        ordering = ["account__name", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["account", "period"], name="plan_unique_period")
        ]
        indexes = [
            models.Index(fields=["status", "period"]),
            # plans never reviewed come up for review by their creation day (followup)
            models.Index(fields=["status", "created_at"], name="plan_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.account.name} — {self.period}"


class PlanMember(models.Model):
    """A user on this plan's team (besides the account team), in one function."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_memberships"
    )
    function = models.CharField(
        max_length=24, choices=TeamFunction.choices, default=TeamFunction.SALES
    )

    objects = PlanScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "user", "function"], name="plan_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_function_display()}) on {self.plan}"


class PlanSection(models.Model):
    """One section of a plan: its current data and version (created lazily, empty, at version 1)."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=32, choices=SectionKey.choices)
    data = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(default=timezone.now)
    #: The share of the section's checks its data passes, in ``completeness.FILL_UNITS``; set
    #: from ``data`` on every save, so the plans lists sort and filter on completeness in SQL.
    fill = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = PlanScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "key"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="plan_section_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.plan} / {self.get_key_display()} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, with ``fill`` derived from the data being saved."""
        from accountplan.plans.completeness import fill_units

        self.fill = fill_units(self.key, self.data)
        fields = kwargs.get("update_fields")
        if fields is not None and "data" in fields and "fill" not in fields:
            kwargs["update_fields"] = [*fields, "fill"]
        super().save(*args, **kwargs)


class PlanRevision(models.Model):
    """One recorded change: the full data of a section (or the plan's fields) after it."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="revisions")
    key = models.CharField(max_length=32, choices=REVISION_KEYS)
    version = models.PositiveIntegerField()
    data = models.JSONField(default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    summary = models.CharField(max_length=500, blank=True)
    restored_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="restorations"
    )

    objects = PlanScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "key", "version"], name="plan_revision_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} / {self.key} v{self.version}"


class PlanAction(models.Model):
    """One action of a plan's action section, kept beside the section's JSON so the home page,
    the digest and the rules can find the overdue and upcoming ones through an index instead of
    reading every plan's actions (``plans/action_index.py`` rewrites a section's rows whenever
    the section is saved). Derived: the section's data is the truth."""

    section = models.ForeignKey(PlanSection, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="+")
    item_id = models.CharField(max_length=64)
    title = models.TextField()
    owner_id = models.IntegerField(null=True)
    due_date = models.DateField(null=True)
    status = models.CharField(max_length=20, blank=True)
    done = models.BooleanField(default=False)
    #: The plan's status is active (kept by ``action_index``: on the section's save and the
    #: plan's), so the home page counts the open actions of active plans in the index alone.
    plan_active = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # done and plan_active again as columns: SQLite checks a bound parameter against
            # the row's value, and here finds it in the index (a count reads no table row)
            models.Index(
                fields=["due_date", "plan", "done", "plan_active"],
                condition=models.Q(done=False, due_date__isnull=False, plan_active=True),
                name="plan_action_active_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.due_date})"

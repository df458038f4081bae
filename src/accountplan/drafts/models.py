"""Stored drafts: what was proposed for a plan, from which facts, and whether it was accepted.

A draft is stored when a person asks for one (the page, the API); nothing is written to the plan
until they accept entries of it (``services.accept_draft``). The stored JSON holds the draft
(with the model pass's metadata in ``rewrite`` when a model rewrote it) and the facts it cites,
so its evidence can be shown later exactly as it was.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from accountplan.book.querysets import AccountScopedQuerySet


class Draft(models.Model):
    """A draft of some or all sections of one account's plan for one period."""

    account = models.ForeignKey("book.Account", on_delete=models.CASCADE, related_name="drafts")
    plan = models.ForeignKey(
        "plans.AccountPlan", null=True, blank=True, on_delete=models.CASCADE, related_name="drafts"
    )
    period = models.CharField(max_length=20)
    sections = models.JSONField(default=list, blank=True, help_text="The section keys drafted.")
    draft = models.JSONField(default=dict, help_text="The PlanDraft as JSON (types.draft_to_json).")
    facts = models.JSONField(
        default=dict, help_text="The FactSet it cites (types.factset_to_json)."
    )
    base_versions = models.JSONField(
        default=dict, blank=True, help_text="Section key → the version the draft was shown beside."
    )
    badge = models.CharField(max_length=200, default="from data")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_entries = models.JSONField(
        default=list, blank=True, help_text="The entry references accepted (section.index)."
    )

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self) -> str:
        return f"Draft {self.pk} of {self.account_id} {self.period}"

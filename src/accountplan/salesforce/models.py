"""What the Salesforce round trip remembers about our plans (issue 16).

Salesforce's account-plan objects have no external-id field, so the round trip keys on the
Salesforce Ids of the records (18 characters, case-safe), stored here beside our plans rather than
on them: ``PlanLink`` for a plan, ``ItemLink`` for the objective, measure and opportunity links made
from a goal-build component. Each link also keeps

- ``key``: the value of the key column (``Accountplan_Key__c`` by default) the record carries, so
  a file read back before Salesforce gave the records Ids still finds them;
- ``verbatim``: Salesforce's own text of a field whose reading into our plan is lossy (a free-form
  plan name, a field we do not map), with what we would have written for it, so a plan imported
  then exported gives the same files while nobody changes it here;
- on ``PlanLink``, each section as the last import read it from Salesforce (``imported``: the
  base of the three-way merge that tells a local edit from a change in Salesforce) and the
  conflicts left for people to settle.
"""

from __future__ import annotations

from django.db import models

from accountplan.plans.models import AccountPlan


class PlanLink(models.Model):
    """The Salesforce AccountPlan record of one of our plans."""

    plan = models.OneToOneField(
        AccountPlan, on_delete=models.CASCADE, related_name="salesforce_link"
    )
    sf_id = models.CharField(max_length=18, unique=True, null=True, blank=True)
    key = models.CharField(max_length=120, blank=True)
    verbatim = models.JSONField(default=dict, blank=True)
    imported = models.JSONField(default=dict, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    conflicts = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = "Salesforce plan link"

    def __str__(self) -> str:
        return f"{self.plan} ↔ {self.sf_id or 'no Salesforce Id yet'}"


class ItemKind(models.TextChoices):
    """Which Salesforce object a goal-build component became."""

    OBJECTIVE = "objective", "Objective"
    MEASURE = "measure", "Measure"
    RELATION = "relation", "Measure–opportunity link"


class ItemLink(models.Model):
    """The Salesforce record of a component's objective, measure or opportunity link.

    ``local_key`` is the component's id (objective, measure) or ``<component id>:<deal id>``
    (opportunity link).
    """

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="salesforce_items")
    kind = models.CharField(max_length=12, choices=ItemKind.choices)
    local_key = models.CharField(max_length=140)
    sf_id = models.CharField(max_length=18, unique=True, null=True, blank=True)
    key = models.CharField(max_length=120, blank=True)
    verbatim = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "Salesforce item link"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind", "local_key"], name="salesforce_item_unique_local"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.local_key} ↔ {self.sf_id or '—'}"

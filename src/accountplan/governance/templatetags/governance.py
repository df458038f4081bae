"""Plan health on the plan page, the plans list and the account page."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django import template
from django.utils import timezone

from accountplan.governance.health import plan_health
from accountplan.governance.models import Finding

register = template.Library()


@register.inclusion_tag("governance/health_card.html")
def plan_health_card(plan: Any, completeness: Any) -> dict[str, Any]:
    """The plan's health now: its completeness, days since its last change, its open findings."""
    today = timezone.localdate()
    findings = list(Finding.objects.open().filter(plan_id=plan.pk).order_by("-rank", "-pk"))
    count = Counter(f.severity for f in findings)
    days = max(0, (today - timezone.localtime(plan.updated_at).date()).days)
    health = plan_health(completeness.percent, days, count["red"], count["amber"])
    return {"health": health, "findings": findings, "plan": plan}


@register.inclusion_tag("governance/health_badge.html")
def health_badge(plan: Any) -> dict[str, Any]:
    """The stored health (as of the last rules run) as a badge with its parts in the title."""
    try:
        stored = plan.health
    except Exception:
        stored = None
    return {"h": stored}


@register.filter
def rule_label(code: str) -> str:
    """A rule's own label ("Low-fit deal"), or the code's words for a rule no longer registered."""
    from accountplan.core.templatetags.ui import label
    from accountplan.governance.rules.registry import get

    rule = get(code)
    return str(rule.label) if rule is not None else str(label(code))

"""Plan health on the plan page, the plans list and the account page."""

from __future__ import annotations

import html
from collections import Counter
from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from accountplan.core import fmt
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


def _h(value: Any) -> str:
    """``value`` as HTML text: Python's own escape (``& < > " '``, as Django's ``escape``
    does) without the lazy-string wrapper each ``format_html`` argument goes through (a page's
    25 findings escape ~700 values)."""
    return html.escape(str(value))


def _evidence_item(e: dict[str, Any]) -> str:
    label = _h(e.get("label") or "")
    text = f'<a href="{_h(e["url"])}">{label}</a>' if e.get("url") else label
    if e.get("date"):
        text += f' <time datetime="{_h(e["date"])}">{_h(fmt.date(e["date"]))}</time>'
    return f"<li>{text}</li>"


@register.simple_tag
def finding_item(f: Finding, can_snooze: bool, snooze: dict[str, Any] | None) -> SafeString:
    """One finding of the home page as its list item: badge, the link to its fix, kind and
    date, the evidence (collapsed) and, for who may, the snooze form (``snooze``: its parts
    built once a page, ``views._snooze_form``; ``hidden`` is already HTML). Built here rather
    than by an included template: a page lists 25, and the include cost 3.5 of the template's
    5.6 ms. Every value from the database goes through ``_h``
    (tests/governance/test_tally.py plants markup in each)."""
    evidence = f.evidence or []
    items = "".join(_evidence_item(e) for e in evidence if isinstance(e, dict))
    form = ""
    if can_snooze and snooze:
        form = (
            f'<form method="post" action="{_h(snooze["action_start"])}{f.pk}'
            f'{_h(snooze["action_end"])}" class="inline snooze">{snooze["hidden"]}\n'
            '        <label>Reason <input name="reason" required maxlength="300"></label>\n'
            '        <label>Until <input type="date" name="until" required '
            f'min="{_h(snooze["min"])}" value="{_h(snooze["value"])}"></label>\n'
            '        <button class="btn btn-sm" type="submit">Snooze</button></form>'
        )
    badge = "badge-bad" if f.severity == "red" else "badge-warn"
    return mark_safe(  # noqa: S308 (every value escaped by _h, or HTML built here)
        f'<li class="finding sev-{_h(f.severity)}" data-rule="{_h(f.rule)}" '
        f'data-finding="{f.pk}">\n'
        '      <div class="finding-main">\n'
        f'        <span class="badge {badge}">{_h(f.get_severity_display())}</span>\n'
        f'        <a class="fix" href="{_h(f.fix_url)}">{_h(f.summary)}</a>\n'
        f'        <span class="small muted">{_h(rule_label(f.rule))} · since '
        f"{_h(fmt.date(f.opened_at))}</span>\n"
        "      </div>\n"
        f"      <details><summary>Evidence ({len(evidence)})</summary>"
        f'<ul class="evidence">{items}</ul>\n'
        f"      {form}\n"
        "      </details>\n"
        "    </li>"
    )


@register.simple_tag
def action_items(actions: list[Any]) -> SafeString:
    """The home page's overdue or upcoming actions (``action_rows.ActionItem``) as list items:
    the action linked to its plan's action plan, its account, period and due date."""
    return mark_safe(  # noqa: S308 (every value escaped by _h)
        "".join(
            f'<li><a href="{_h(a.url)}">{_h(a.title)}</a> <span class="small">{_h(a.account)} '
            f'{_h(a.period)} · due <time datetime="{a.due.isoformat()}">{_h(fmt.date(a.due))}'
            "</time></span></li>"
            for a in actions
        )
    )

"""Plan health on the plan page, the plans list and the account page."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

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


@register.simple_tag
def finding_item(f: Finding, can_snooze: bool, snooze: dict[str, Any] | None) -> SafeString:
    """One finding of the home page as its list item: badge, the link to its fix, kind and
    date, the evidence (collapsed) and, for who may, the snooze form (``snooze``: its parts
    built once a page, ``views._snooze_form``). Built here rather than by an included template:
    a page lists 25, and the include cost 3.5 of the template's 5.6 ms. Every value is escaped
    by ``format_html``."""
    evidence = [e for e in (f.evidence or []) if isinstance(e, dict)]
    items = format_html_join(
        "",
        "<li>{}{}</li>",
        (
            (
                format_html('<a href="{}">{}</a>', e["url"], e.get("label") or "")
                if e.get("url")
                else (e.get("label") or ""),
                format_html(' <time datetime="{}">{}</time>', e["date"], fmt.date(e["date"]))
                if e.get("date")
                else "",
            )
            for e in evidence
        ),
    )
    form = ""
    if can_snooze and snooze:
        form = format_html(
            '<form method="post" action="{}{}{}" class="inline snooze">{}\n'
            '        <label>Reason <input name="reason" required maxlength="300"></label>\n'
            '        <label>Until <input type="date" name="until" required min="{}" value="{}">'
            "</label>\n"
            '        <button class="btn btn-sm" type="submit">Snooze</button></form>',
            snooze["action_start"],
            f.pk,
            snooze["action_end"],
            snooze["hidden"],
            snooze["min"],
            snooze["value"],
        )
    return format_html(
        '<li class="finding sev-{}" data-rule="{}" data-finding="{}">\n'
        '      <div class="finding-main">\n'
        '        <span class="badge {}">{}</span>\n'
        '        <a class="fix" href="{}">{}</a>\n'
        '        <span class="small muted">{} · since {}</span>\n'
        "      </div>\n"
        '      <details><summary>Evidence ({})</summary><ul class="evidence">{}</ul>\n'
        "      {}\n"
        "      </details>\n"
        "    </li>",
        f.severity,
        f.rule,
        f.pk,
        "badge-bad" if f.severity == "red" else "badge-warn",
        f.get_severity_display(),
        f.fix_url,
        f.summary,
        rule_label(f.rule),
        fmt.date(f.opened_at),
        len(f.evidence or []),
        items,
        form,
    )

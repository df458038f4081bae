"""The accounts list's rows, written in Python.

A page of 50 accounts through the template engine was 50 × (a loop body of 30 variables, two
includes and a dozen ``{% url %}``): half the page's time. These functions write the same cells
with ``format_html`` (every value escaped) and one URL pattern per page instead of a
``reverse()`` per link. The template keeps the table's head, counts and empty states.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from accountplan.core import fmt

DASH = fmt.DASH

#: status → the badge's class (book/partials/status_badge.html).
BADGES = {
    "customer": "badge badge-ok",
    "prospect": "badge badge-info",
    "former": "badge badge-warn",
}


def _account_url() -> str:
    """The account page's URL with ``0`` where the id goes (one ``reverse`` per page)."""
    return reverse("book:account_detail", args=[0])


def _link(pattern: str, pk: int) -> str:
    return pattern.replace("/0/", f"/{int(pk)}/", 1)


def status_badge(status: str, label: str) -> SafeString:
    """book/partials/status_badge.html."""
    return format_html('<span class="{}">{}</span>', BADGES.get(status, "badge"), label)


def score_cells(account: Any) -> SafeString:
    """The current snapshot's figures of one row (the ``pf_*`` annotations): tier and play,
    score, white space, share of wallet and growth, CLV."""

    def pf(name: str) -> Any:  # without a snapshot the page has no pf_* annotations
        return getattr(account, f"pf_{name}", None)

    tier, play = pf("tier"), pf("play")
    if tier:
        tier_html = format_html('<span class="tier t{0}" title="Tier {0}">T{0}</span>', tier)
    else:
        tier_html = mark_safe('<span class="muted">—</span>')
    if play:
        play_html = format_html('<span class="play-pill q-{}">{}</span>', play, play)
    elif tier:
        play_html = mark_safe('<span class="muted small">unscored</span>')
    else:
        play_html = mark_safe("")
    flag = ""
    if pf("cts_flag"):
        flag = format_html(
            '<span class="sub"><span class="cts-flag" data-testid="cts-flag" title="Cost to '
            'serve {} is above the gross margin {}"><span aria-hidden="true">⚑</span> cost '
            "&gt; margin</span></span>",
            fmt.money(pf("cost_to_serve")),
            fmt.money(pf("gross_margin")),
        )
    score = DASH if pf("score") is None else fmt.number(pf("score"), 1)
    growth = DASH if pf("growth") is None else fmt.signed_percent(pf("growth"))
    return format_html(
        '<td class="scores" data-testid="tier-play">{}{}{}</td>'
        '<td class="num" data-testid="score">{}</td>'
        '<td class="num" data-testid="whitespace" title="{}">{}</td>'
        '<td class="num" data-testid="sow">{}<span class="sub" title="Growth on the previous 12 '
        'months">{}</span></td><td class="num" data-testid="clv" title="{}">{}</td>',
        tier_html,
        play_html,
        flag,
        score,
        fmt.money(pf("whitespace")),
        fmt.money_short(pf("whitespace")),
        fmt.percent(pf("sow")),
        growth,
        fmt.money(pf("clv")),
        fmt.money_short(pf("clv")),
    )


def account_row(account: Any, url: str) -> SafeString:
    """One ``<tr>`` of the accounts list; ``url`` is ``_account_url()``."""
    if account.parent_id and account.parent is not None:
        sub = format_html(
            '<span class="sub">Parent: <a class="parent" href="{}">{}</a></span>',
            _link(url, account.parent_id),
            account.parent.name,
        )
    elif account.external_id:
        sub = format_html('<span class="sub">{}</span>', account.external_id)
    else:
        sub = mark_safe("")
    if getattr(account, "has_active_plan", False):
        sub = format_html('{}<span class="sub" data-testid="active-plan">Active plan</span>', sub)
    pipeline = getattr(account, "open_pipeline", None)
    won = getattr(account, "won_12m", None)
    employees = "— empl." if account.employees is None else f"{fmt.number(account.employees)} empl."
    return format_html(
        '<tr><td class="name"><a href="{}">{}</a>{}</td>'
        '<td class="wrap industry">{}<span class="sub">{}</span></td>'
        '<td class="wrap territory">{}<span class="sub">{}</span></td>'
        '<td class="num" title="Annual revenue {}">{}<span class="sub">{}</span></td>'
        '<td class="nowrap owner">{}<span class="sub" title="{}">{}</span></td>'
        '<td class="num" title="Open pipeline {} · won in the last 12 months {}">{}'
        '<span class="sub">won {}</span></td>{}</tr>',
        _link(url, account.pk),
        account.name,
        sub,
        account.industry or DASH,
        account.segment or DASH,
        account.territory or DASH,
        account.location or "Country unknown",
        fmt.money(account.annual_revenue),
        fmt.money_short(account.annual_revenue),
        employees,
        account.owner or DASH,
        account.get_status_display(),
        status_badge(account.status, fmt.label(account.status)),
        fmt.money(pipeline),
        fmt.money(won),
        fmt.money_short(pipeline),
        fmt.money_short(won),
        score_cells(account),
    )


def account_rows(accounts: list[Any]) -> SafeString:
    """The ``<tbody>`` rows of a page of the accounts list."""
    url = _account_url()
    return format_html_join("\n", "{}", ((account_row(a, url),) for a in accounts))

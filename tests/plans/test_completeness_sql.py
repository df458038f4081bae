"""The plans list sorts and filters on completeness in SQL, from each section's stored fill: the
percent it sums equals the plan page's (derived from the data) and docs/plans.md's rule,
recomputed here with fractions: the mean over the ten sections of the share of checks passed,
a stale section (not saved in 90 days) counting half, rounded half up."""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accountplan.core import fmt
from accountplan.plans import services
from accountplan.plans.completeness import CHECKS, FILL_UNITS, STALE_DAYS, _normal
from accountplan.plans.list_rows import with_completeness
from accountplan.plans.models import AccountPlan, PlanSection
from accountplan.plans.sections import SectionKey
from accountplan.plans.selectors import completeness_of
from tests.factories import AccountFactory
from tests.plans.conftest import Book

pytestmark = pytest.mark.django_db

#: What each plan holds: section → data (a share of its checks), and which sections are stale.
FILLS: list[tuple[dict[str, dict[str, Any]], set[str]]] = [
    ({}, set()),
    ({"company_overview": {"description": "Makes pumps."}}, set()),
    ({"company_overview": {"description": "Makes pumps.", "history": "Since 1950."}}, set()),
    ({"company_overview": {"description": "Makes pumps."}}, {"company_overview"}),
    (
        {
            "company_overview": {"description": "Makes pumps.", "mission": "Uptime."},
            "customer_goals": {"north_star_metric": "NPS", "biggest_challenge": "Cost"},
        },
        {"customer_goals"},
    ),
    (
        {
            "customer_goals": {
                "north_star_metric": "NPS",
                "biggest_challenge": "Cost",
                "success_measures": "Churn below 5",
            }
        },
        set(),
    ),
    ({"customer_goals": {"north_star_metric": "NPS"}}, {"customer_goals"}),
    (
        {
            "company_overview": {
                "description": "Makes pumps.",
                "history": "Since 1950.",
                "news": [{"title": "New plant"}],
            },
            "customer_goals": {
                "north_star_metric": "NPS",
                "priorities_12m": [{"text": "Uptime"}],
                "biggest_challenge": "Cost",
                "success_measures": "Churn below 5",
            },
            "profile_position": {
                "financial_health": {"rating": "strong"},
                "competitors": [{"name": "Rival"}],
                "swot": {
                    "strengths": ["a"],
                    "weaknesses": ["b"],
                    "opportunities": ["c"],
                    "threats": ["d"],
                },
            },
        },
        {"profile_position"},
    ),
]


def _documented(plan: AccountPlan, today: dt.date) -> int:
    """The rule, with exact fractions, from the stored data and dates."""
    total = Fraction(0)
    for row in PlanSection.objects.filter(plan=plan):
        normal = _normal(row.key, row.data)
        checks = CHECKS[row.key]
        passed = sum(1 for _, test in checks if test(normal))
        share = Fraction(passed, len(checks))
        if (today - row.updated_at.date()).days > STALE_DAYS:
            share /= 2
        total += share
    percent = 100 * total / len(SectionKey.values)
    return int(percent + Fraction(1, 2))  # half up


def _plans(book: Book) -> list[AccountPlan]:
    plans = []
    long_ago = timezone.now() - dt.timedelta(days=STALE_DAYS + 5)
    for i, (sections, stale) in enumerate(FILLS):
        account = AccountFactory.create(name=f"Fill {i:02d}", owner=book.bob)
        plan = services.create_plan(account, "FY2027", book.bob)
        for key, data in sections.items():
            services.save_section(plan, key, data, 1, book.bob)
        PlanSection.objects.filter(plan=plan, key__in=stale).update(updated_at=long_ago)
        plans.append(plan)
    return plans


def test_the_sql_percent_is_the_pages_and_the_documented_rule(book: Book) -> None:
    plans = _plans(book)
    today = dt.date.today()
    in_sql = dict(
        with_completeness(
            AccountPlan.objects.filter(pk__in=[p.pk for p in plans]), today
        ).values_list("pk", "completeness_pct")
    )
    on_page = completeness_of(plans, today)
    documented = {p.pk: _documented(p, today) for p in plans}
    assert in_sql == {pk: c.percent for pk, c in on_page.items()} == documented
    assert len(set(documented.values())) >= 5  # the cases differ
    assert min(documented.values()) == 0
    # a stale section halves its share: plan 3 is plan 1 gone stale
    assert documented[plans[3].pk] < documented[plans[1].pk]


def test_a_save_stores_the_fill_and_a_later_save_changes_it(book: Book) -> None:
    """Company overview has three checks: a description passes one, a history a second."""
    services.save_section(book.plan, "company_overview", {"description": "Pumps."}, 1, book.bob)
    row = PlanSection.objects.get(plan=book.plan, key="company_overview")
    assert row.fill == FILL_UNITS // 3
    services.save_section(
        book.plan, "company_overview", {"description": "Pumps.", "history": "Old."}, 2, book.bob
    )
    row.refresh_from_db()
    assert row.fill == 2 * FILL_UNITS // 3


def _listed(client: Client, query: str) -> list[str]:
    html = client.get(f"/plans/?{query}").content.decode()
    return re.findall(r'<td class="name"><a href="/plans/\d+/">([^<]+)</a>', html)


def test_the_list_sorts_and_filters_on_the_percent(book: Book) -> None:
    plans = _plans(book)
    today = dt.date.today()
    done = completeness_of(plans, today)
    percent = {p.account.name: done[p.pk].percent for p in plans}
    percent["Acme Corp"] = completeness_of([book.plan], today)[book.plan.pk].percent
    client = Client()
    client.force_login(book.alice)
    ascending = _listed(client, "sort=completeness")
    assert ascending == sorted(percent, key=lambda name: (percent[name], name))
    descending = _listed(client, "sort=-completeness")
    assert [percent[n] for n in descending] == sorted(percent.values(), reverse=True)
    for cut in (25, 50, 75, 100):  # the filter's choices
        below = _listed(client, f"below={cut}")
        assert set(below) == {n for n, v in percent.items() if v < cut}, cut
    assert 0 < len(_listed(client, "below=25")) < len(percent)


def test_the_api_and_the_cli_sort_and_filter_on_the_same_percent(book: Book) -> None:
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    plans = _plans(book)
    done = completeness_of([*plans, book.plan], dt.date.today())
    client = Client()
    client.force_login(book.alice)
    body = client.get("/api/plans?sort=-completeness&limit=100").json()
    got = [(i["id"], i["completeness"]) for i in body["items"]]
    assert [pct for _, pct in got] == sorted((c.percent for c in done.values()), reverse=True)
    assert all(pct == done[pk].percent for pk, pct in got)
    below = client.get("/api/plans?below=25&sort=completeness").json()
    assert below["count"] == sum(1 for c in done.values() if c.percent < 25) > 0
    assert [i["completeness"] for i in below["items"]] == sorted(
        c.percent for c in done.values() if c.percent < 25
    )
    refused = client.get("/api/plans?below=0")
    assert refused.status_code == 422
    out = io.StringIO()
    call_command("plan", "list", "--below", "25", "--sort", "completeness", stdout=out)
    text = out.getvalue()
    assert fmt.count(below["count"], "plan") in text
    with pytest.raises(CommandError, match="not a whole percent from 1 to 100"):
        call_command("plan", "list", "--below", "0", stdout=io.StringIO())

"""Crawl every page and export of the demo book as a manager and read them as a person would:
no field code, Python repr, unformatted float or ISO date may show in the visible text.

The demo book (scale 0.1, its tier-1 plans with their history) is written once for the module.
Pages are read through Django's test client and an HTML-to-text pass (scripts, styles, templates
and ``hidden`` elements left out): every word is rendered on the server (the browser only draws
the charts), so this reads the same text as Chromium's inner_text, faster and without timing.
SVG tooltips (<title>) count: a user reads them on hover. Set VISIBLE_TEXT_DUMP=folder to keep
each page's text for reading.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

from accountplan.campaigns.demo import write_campaign_history
from accountplan.core.models import Role
from accountplan.demo.plans import write_demo_plans
from accountplan.demo.services import load_demo_book, wipe_book
from accountplan.plans import sections as s
from accountplan.plans.models import AccountPlan, PlanRevision
from accountplan.plans.section_specs import SPECS, L
from accountplan.portfolio.models import Snapshot
from accountplan.portfolio.services import ensure_snapshot
from tests.factories import UserFactory
from tests.web.visible_text import html_text, leaks, pdf_text, pptx_text, xlsx_text

AS_OF = dt.date(2026, 6, 30)
pytestmark = pytest.mark.django_db


def _choices(cls: type[models.TextChoices]) -> Iterator[type[models.TextChoices]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _choices(sub)


def _field_names() -> Iterator[str]:
    for specs in SPECS.values():
        for spec in specs:
            yield from spec.name.split(".")
            if isinstance(spec, L):
                yield from (f.name for f in spec.fields)


#: Stored choice codes and section field names glued into one word ("notstarted",
#: "companyoverview", "currentrevenue").
CODES = frozenset(
    code.replace("_", "").lower()
    for code in (
        *(str(v) for cls in _choices(models.TextChoices) for v in cls.values),
        *_field_names(),
    )
    if "_" in code
)


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[list[AccountPlan]]:
    with django_db_blocker.unblock():
        load_demo_book(7, AS_OF, scale=0.1)
        snapshot = ensure_snapshot(AS_OF, fresh=True)
        assert snapshot is not None
        assert write_demo_plans(snapshot) >= 1
        assert write_campaign_history(AS_OF)["campaigns"] >= 1
        plans = list(AccountPlan.objects.select_related("account").order_by("pk"))
        yield plans
        from accountplan.campaigns.models import Campaign, CampaignChange
        from accountplan.portfolio.models import Scorecard

        Campaign.objects.all().delete()  # not the book's: wipe_book leaves them
        CampaignChange.objects.all().delete()
        PlanRevision.objects.all().delete()
        AccountPlan.objects.all().delete()
        Snapshot.objects.all().delete()
        Scorecard.objects.all().delete()  # get_or_create'd by the analysis: later tests race it
        wipe_book()


@pytest.fixture
def client(demo: list[AccountPlan]) -> Client:
    client = Client()
    client.force_login(UserFactory(username="crawler", role=Role.MANAGER))
    return client


def _dump(url: str, text: str) -> None:
    """With VISIBLE_TEXT_DUMP=folder, keep each page's visible text there (to read it)."""
    folder = os.environ.get("VISIBLE_TEXT_DUMP")
    if folder:
        name = url.strip("/").replace("/", "_").replace("?", "_") or "home"
        (Path(folder) / f"{name}.txt").write_text(f"{url}\n\n{text}")


def _page_urls(plans: list[AccountPlan]) -> list[str]:
    from accountplan.book.models import Account

    urls = [
        reverse("book:account_list"),
        reverse("book:product_list"),
        reverse("portfolio:whitespace"),
        reverse("portfolio:grid"),
        reverse("portfolio:scorecard"),
        reverse("ingest:import_list"),
        reverse("ingest:import_new"),
        reverse("plans:list"),
        reverse("salesforce:import"),
        reverse("home"),
        reverse("followup:winback"),
        reverse("followup:number") + "?period=FY2027",
        reverse("campaigns:list"),
        reverse("campaigns:new"),
        reverse("fit:settings"),
        reverse("drafting:model"),
    ]
    from accountplan.campaigns.models import Campaign

    for campaign in Campaign.objects.order_by("pk"):
        urls.append(reverse("campaigns:detail", args=[campaign.pk]))
        urls.append(reverse("campaigns:edit", args=[campaign.pk]))
        urls.append(reverse("campaigns:delete", args=[campaign.pk]))  # launched: says why not
        if not campaign.is_launched:
            urls.append(reverse("campaigns:launch", args=[campaign.pk]))
    from accountplan.fit.models import FitAnswer

    scored = FitAnswer.objects.order_by("opportunity_id").values_list("opportunity_id", flat=True)
    urls += [reverse("fit:opportunity", args=[pk]) for pk in sorted(set(scored))[:4]]
    from accountplan.followup.models import LostDealPlan
    from accountplan.followup.services import create_micro_plans
    from accountplan.portfolio import selectors

    create_micro_plans()  # the lost deals' micro-plans, as an import makes them
    urls += [
        reverse("followup:micro_plan", args=[pk])
        for pk in LostDealPlan.objects.order_by("pk").values_list("pk", flat=True)[:3]
    ]

    snapshot = selectors.current_snapshot(None)
    assert snapshot is not None
    for column in selectors.columns(snapshot)[:6]:  # white space hover texts
        urls.append(
            reverse("portfolio:whitespace_cell")
            + f"?account={plans[0].account_id}&item={column.item}"
        )
    others = Account.objects.exclude(pk__in=[p.account_id for p in plans]).order_by("pk")[:2]
    urls += [reverse("book:account_detail", args=[a.pk]) for a in others]
    from accountplan.sharing.demo import share_demo_plan

    shared_path = share_demo_plan(f"FY{AS_OF.year}", AS_OF)
    assert shared_path is not None
    urls.append(shared_path)  # the customer's page, with its expectations and scorecard
    from accountplan.sharing.models import ShareLink

    shared_plan = ShareLink.objects.order_by("-pk").values_list("plan_id", flat=True)[0]
    urls += [
        reverse("sharing:plan", args=[plans[0].pk]),
        reverse("sharing:preview", args=[plans[0].pk]),
        reverse("sharing:expectations", args=[shared_plan]),  # a reviewed session
        reverse("sharing:scorecard", args=[shared_plan]),  # two scored quarters
        reverse("sharing:expectations", args=[plans[0].pk]),  # none yet (if not shared)
        reverse("sharing:scorecard", args=[plans[0].pk]),
    ]
    for plan in plans:
        urls.append(reverse("book:account_detail", args=[plan.account_id]))
        urls.append(reverse("plans:detail", args=[plan.pk]))
        urls.append(reverse("plans:history", args=[plan.pk]))
        urls.append(reverse("followup:plan_reviews", args=[plan.pk]))
        urls += [
            reverse("plans:section", args=[plan.pk, key]) + "?edit=1" for key in s.SectionKey.values
        ]
        revisions = list(PlanRevision.objects.filter(plan=plan).order_by("pk"))
        urls += [reverse("plans:revision", args=[plan.pk, r.pk]) for r in revisions]
        by_key = itertools.groupby(sorted(revisions, key=lambda r: r.key), key=lambda r: r.key)
        for _, group in by_key:
            versions = list(group)
            if len(versions) > 1:
                urls.append(
                    reverse("plans:compare", args=[plan.pk])
                    + f"?a={versions[0].pk}&b={versions[-1].pk}"
                )
    return urls


def test_no_page_shows_a_code_a_repr_or_a_raw_number(
    client: Client, demo: list[AccountPlan]
) -> None:
    problems: list[str] = []
    urls = _page_urls(demo)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        text = html_text(response.content.decode())
        _dump(url, text)
        problems += [f"{url}: {leak}" for leak in leaks(text, CODES)]
    assert len(urls) >= 60
    assert not problems, "\n".join(problems)


def test_no_draft_panel_shows_a_code_a_repr_or_a_raw_number(
    client: Client, demo: list[AccountPlan]
) -> None:
    """The drafts' panels (issue 15): each section's and the whole plan's, with the evidence
    every sentence shows on hover; then the home page's next-best actions drawn from them."""
    problems: list[str] = []
    for plan in demo:
        for section in ["plan", *s.SectionKey.values]:
            url = reverse("drafts:draft", args=[plan.pk])
            response = client.post(url, {"section": section})
            assert response.status_code == 200, (url, section)
            text = html_text(response.content.decode())
            _dump(f"{url}{section}", text)
            assert "Hover or focus a sentence to see its evidence" in text
            problems += [f"{url} {section}: {leak}" for leak in leaks(text, CODES)]
    home = client.get(reverse("home"))
    text = html_text(home.content.decode())
    assert "Next best actions" in text and "(from: " in text  # suggestions with evidence
    problems += [f"home: {leak}" for leak in leaks(text, CODES)]
    assert not problems, "\n".join(problems)


EXPORTS = {"md": bytes.decode, "pdf": pdf_text, "pptx": pptx_text, "xlsx": xlsx_text}


def test_no_export_shows_a_code_a_repr_or_a_raw_number(
    client: Client, demo: list[AccountPlan]
) -> None:
    problems: list[str] = []
    for plan, (fmt, read) in itertools.product(demo, EXPORTS.items()):
        url = reverse("plans:export", args=[plan.pk, fmt])
        response = client.get(url)
        assert response.status_code == 200, url
        text = read(response.content)
        _dump(url, text)
        assert plan.account.name in text
        problems += [f"{url}: {leak}" for leak in leaks(text, CODES)]
    assert not problems, "\n".join(problems)


def test_compare_mistakes_are_explained_in_the_history_page(
    client: Client, demo: list[AccountPlan]
) -> None:
    plan = demo[0]
    url = reverse("plans:compare", args=[plan.pk])
    goals = PlanRevision.objects.filter(plan=plan, key=s.SectionKey.GOALS).first()
    needs = PlanRevision.objects.filter(plan=plan, key=s.SectionKey.NEEDS).first()
    assert goals is not None and needs is not None
    cases = {
        "": "Tick two versions to compare",
        f"?a={goals.pk}": "Tick two versions to compare",
        f"?a={goals.pk}&b={needs.pk}": "two different sections (Goals and strategy and Needs",
        f"?a={goals.pk}&b={goals.pk}": "the same version twice",
    }
    for query, message in cases.items():
        response = client.get(url + query)
        text = html_text(response.content.decode())
        assert response.status_code == 400, query
        assert message in text, (query, text[:500])
        assert "History" in text and "Compare selected" in text  # the page, not a bare error
        assert not leaks(text, CODES), leaks(text, CODES)


def test_scorecard_mistakes_name_the_settings_as_the_page_does(
    client: Client, demo: list[AccountPlan]
) -> None:
    from accountplan.portfolio.scorecard import ATTRIBUTE_KEYS

    post = {f"weight_{k}": "0" for k in ATTRIBUTE_KEYS}
    post |= {
        "icp_min_employees": "5000",
        "icp_max_employees": "100",
        "tier1_min_percentile": "90",
        "full_share": "0.8",
        "min_peers": "5",
        "peer_field": "industry",
    }
    response = client.post(reverse("portfolio:scorecard"), post)
    text = html_text(response.content.decode())
    assert response.status_code == 400
    assert "Minimum employees (5,000) must not exceed maximum employees (100)." in text
    assert "At least one weight must be above 0" in text
    assert not leaks(text, CODES), leaks(text, CODES)

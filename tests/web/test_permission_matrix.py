"""The permission matrix (issue 14 point 14 and the standing attack suite): every page of the URL
conf and every operation of the API × every role, each with the answer its rule expects.

The rule, the same in pages, API and exports: a viewer changes nothing anywhere; marketing reads
the whole book and writes the plans of accounts whose team it is on; an account executive writes
the plans of accounts they own or are on the team of (and sees only those accounts: others are
404); a manager writes every plan; an admin everything (book edits: imports, scorecard, rescore,
are managers' and admins'). Signing in is needed for everything but the login page and the API's
schema; anonymous pages redirect to the login, anonymous API calls answer 401.

``PAGES`` (tests/web/permission_table.py) maps every URL name to its rule and ``OPERATIONS``
every API operation (``METHOD /path``); the URL conf and the OpenAPI schema are walked, and a
view or operation without an entry fails the test. Writes use harmless data on the test book,
each call rolled back, so every role meets the same state.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accountplan.book import models as m
from accountplan.book.choices import TeamFunction
from accountplan.core.models import ApiToken, Role, User
from accountplan.core.tokens import create_token
from accountplan.drafts.services import create_draft
from accountplan.ingest.models import ImportRun, SavedMapping
from accountplan.plans.models import PlanRevision
from accountplan.plans.services import create_plan, save_section
from accountplan.portfolio import selectors
from tests.factories import ContactFactory, TeamMemberFactory, UserFactory
from tests.portfolio_web.conftest import build_scored
from tests.web.permission_table import (
    FORBIDDEN,
    HIDDEN,
    LOGIN,
    OK,
    OPERATIONS,
    PAGES,
    ROLES,
    STAFF,
    UNAUTHORIZED,
    Call,
    Url,
    World,
    admin_site,
)

pytestmark = pytest.mark.django_db


def _url_names() -> set[str]:
    """Every named URL of the URL conf outside the admin site and the API's operations."""
    names: set[str] = set()

    def walk(resolver: URLResolver, namespace: str) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p, ns)
            elif isinstance(p, URLPattern) and p.name:
                if getattr(p.callback, "__module__", "") == "ninja.operation":
                    continue  # an API operation: checked through the schema
                names.add(f"{namespace}{p.name}")

    walk(get_resolver(), "")
    return names


def _admin_paths(w: World) -> list[str]:
    """Every model page of the admin site (list, add, change, history, delete), on a real row."""
    from django.contrib import admin

    paths = ["/admin/"]
    for model in admin.site._registry:
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        paths += [base, f"{base}add/"]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            paths += [f"{base}{first.pk}/{page}/" for page in ("change", "history", "delete")]
    return paths


@pytest.fixture
def world(db: None, settings: Any) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    owner = UserFactory.create(username="owner")
    manager = UserFactory.create(username="manager", role=Role.MANAGER)
    scored = build_scored(manager, owner)
    account = scored.ae_accounts[0]
    users = {
        "admin": User.objects.create_superuser("admin", "admin@example.com", "x", role=Role.ADMIN),
        "manager": manager,
        "ae_team": UserFactory.create(username="ae_team"),
        "ae_off": UserFactory.create(username="ae_off"),
        "mkt_team": UserFactory.create(username="mkt_team", role=Role.MARKETING),
        "mkt_off": UserFactory.create(username="mkt_off", role=Role.MARKETING),
        "viewer": UserFactory.create(username="viewer", role=Role.VIEWER),
    }
    for role in ("ae_team", "mkt_team", "viewer"):
        TeamMemberFactory.create(account=account, user=users[role], function=TeamFunction.SALES)
    m.BuyingCenter.objects.create(account=account, name="IT")
    ContactFactory.create(account=account)
    m.Activity.objects.create(account=account, subject="Call", date="2024-05-01")
    plan = create_plan(account, "FY2027", owner)
    save_section(plan, "customer_goals", {"north_star_metric": "NRR"}, 1, owner)
    save_section(plan, "customer_goals", {"north_star_metric": "ARR"}, 2, owner)
    run = ImportRun.objects.create(
        user=manager, entity="accounts", mapping_name="generic", rejects_csv="name,reason\nx,y\n"
    )
    revisions = PlanRevision.objects.filter(plan=plan, key="customer_goals").order_by("version")
    mapping = SavedMapping.objects.create(name="m1", toml="[accounts]\n", created_by=manager)
    micro_plan, finding = _follow_up_rows(account, plan, scored)
    return World(
        users=users,
        account=account,
        opportunity=account.opportunities.first() or _opportunity(account, scored),
        product=scored.products[0],
        plan=plan,
        revision=revisions.first(),  # type: ignore[arg-type]
        run=run,
        mapping=mapping,
        snapshot_id=scored.snapshot.pk,
        latest=revisions.last(),  # type: ignore[arg-type]
        item=selectors.columns(scored.snapshot)[0].item,
        micro_plan=micro_plan,
        finding=finding,
        campaigns=_campaigns(users["mkt_team"], scored),
        draft=create_draft(plan, None, ["company_overview"], owner),
    )


def _campaigns(marketer: User, scored: Any) -> dict[str, Any]:
    """A launched campaign and a draft, both the team marketer's (issue 13)."""
    import datetime as dt

    from accountplan.campaigns import services as campaigns

    data = {
        "name": "Matrix", "play": "penetrate", "product_ids": [scored.products[1].pk],
        "families": [], "start_date": dt.date(2024, 7, 1), "end_date": dt.date(2024, 9, 30),
    }  # fmt: skip
    launched = campaigns.launch(campaigns.create_campaign(marketer, data), marketer)
    draft = campaigns.create_campaign(marketer, {**data, "name": "Matrix draft"})
    return {"launched": launched, "draft": draft}


def _follow_up_rows(account: m.Account, plan: Any, scored: Any) -> tuple[Any, Any]:
    """A lost deal's micro-plan and an open finding, both on the team's account."""
    import datetime as dt

    from accountplan.followup.models import LostDealPlan
    from accountplan.followup.services import create_micro_plans
    from accountplan.governance.models import Finding
    from tests.factories import OpportunityFactory

    today = dt.date.today()
    OpportunityFactory.create(
        account=account, product=scored.products[0], status="lost", close_date=today
    )
    create_micro_plans(today)
    finding = Finding.objects.create(
        rule="stale_plan",
        severity="amber",
        account=account,
        plan=plan,
        subject=f"plan:{plan.pk}",
        summary="The plan has not changed in 120 days",
        evidence={},
        fix_url=f"/plans/{plan.pk}/",
        rank=1,
    )
    return LostDealPlan.objects.get(account=account), finding


def _opportunity(account: m.Account, scored: Any) -> m.Opportunity:
    from tests.factories import OpportunityFactory

    return OpportunityFactory.create(account=account, product=scored.products[0])


def _fixed(path: str) -> Url:
    return lambda w, u: path


def _classify(response: Any, api: bool) -> str:
    status = response.status_code
    if status >= 500:
        return f"5xx ({status})"
    if status in (301, 302, 303) and "login" in response.get("Location", ""):
        return LOGIN
    if status == 401:
        return UNAUTHORIZED
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return HIDDEN
    if status == 400:
        return "400"
    return OK if status < 400 or status in (409, 422) else str(status)


def _clients(w: World) -> dict[str, tuple[Client, Client]]:
    """Per role: a signed-in page client and a bearer-token API client."""
    out: dict[str, tuple[Client, Client]] = {"anonymous": (Client(), Client())}
    for role, user in w.users.items():
        page = Client()
        page.force_login(user)
        api = Client(headers={"Authorization": f"Bearer {create_token(user, 'matrix').raw}"})
        out[role] = (page, api)
    return out


def _ask(client: Client, call: Call, w: World, user: User | None, api: bool) -> Any:
    """One call, rolled back afterwards so every role meets the same book."""
    with transaction.atomic():
        url = call.url(w, user)
        body = {
            k: (str(w.account.pk) if v == "{account}" else v) for k, v in (call.body or {}).items()
        }
        if api and "account_id" in body:
            body["account_id"] = w.account.pk
        if call.method == "get":
            response = client.get(url)
        elif api:
            response = getattr(client, call.method)(
                url, json.dumps(body), content_type="application/json"
            )
        else:
            response = getattr(client, call.method)(url, body, HTTP_HX_REQUEST="true")
        transaction.set_rollback(True)
    return response


def test_every_view_and_operation_answers_every_role_by_its_rule(world: World, attack_figures):
    from accountplan.config.urls import api as ninja_api

    started = time.monotonic()
    names = _url_names()
    admin_names = {n for n in names if n.startswith("admin:")}
    missing_pages = sorted(names - admin_names - set(PAGES))
    operations = {
        f"{method.upper()} {path}"
        for path, ops in ninja_api.get_openapi_schema()["paths"].items()
        for method in ops
    }
    missing_ops = sorted(operations - set(OPERATIONS))
    assert not missing_pages, f"pages without a rule in PAGES: {missing_pages}"
    assert not missing_ops, f"API operations without a rule in OPERATIONS: {missing_ops}"
    assert not set(PAGES) - names, "PAGES names a view that no longer exists"
    assert not set(OPERATIONS) - operations, "OPERATIONS names an operation that no longer exists"

    clients = _clients(world)
    wrong: list[str] = []
    cells = 0
    for role in ROLES:
        page_client, api_client = clients[role]
        user = world.users.get(role)
        checks: list[tuple[str, Call, bool]] = [
            (name, call, False) for name, calls in PAGES.items() for call in calls
        ]
        checks += [(op, call, True) for op, call in OPERATIONS.items()]
        for name, call, api in checks:
            expected = call.rule(role, api)
            got = _classify(_ask(api_client if api else page_client, call, world, user, api), api)
            cells += 1
            if name == "logout" and user is not None:
                page_client.force_login(user)
            if expected == OK and got == "400" and call.method != "get":
                got = OK  # past the permission check, the harmless data was refused
            if got != expected:
                wrong.append(
                    f"{role:9} {call.method.upper():6} {name}: expected {expected}, got {got}"
                )
        for path in _admin_paths(world):
            cells += 1
            got = _classify(
                _ask(page_client, Call(admin_site, _fixed(path)), world, user, False),
                False,
            )
            expected = admin_site(role, False)
            if (expected == STAFF and (got.startswith("5xx") or got == LOGIN)) or (
                expected != STAFF and got != expected
            ):
                wrong.append(f"{role:9} GET    {path}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)
    assert ApiToken.objects.exists()
    pages = sum(len(c) for c in PAGES.values())
    attack_figures(
        f"permission matrix: {len(PAGES)} views ({pages} page calls) + {len(_admin_paths(world))} "
        f"admin pages, {len(OPERATIONS)} API operations, {len(ROLES)} roles, {cells} cells, "
        f"0 wrong, {time.monotonic() - started:.0f} s"
    )

"""The permission matrix's table (tests/web/test_permission_matrix.py): the roles, the rules,
and the rule of every page (by URL name) and API operation (``METHOD /path``).

A new view or operation needs an entry here, or the matrix test fails. See that test's docstring
for the rule itself and docs/security.md for the roles table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from accountplan.book import models as m
from accountplan.core.models import User
from accountplan.core.tokens import create_token
from accountplan.ingest.models import ImportRun, SavedMapping
from accountplan.plans.models import AccountPlan, PlanRevision

ROLES = ("admin", "manager", "ae_team", "ae_off", "mkt_team", "mkt_off", "viewer", "anonymous")

# Answer classes.
OK = "allowed"  # 2xx, 3xx other than to the login; for writes also 400/409/422 (refused data)
FORBIDDEN = "forbidden"  # 403
HIDDEN = "404-hidden"  # 404
LOGIN = "login"  # 302 to the login page
UNAUTHORIZED = "401"
STAFF = "staff"  # the admin site, for its user: whatever the model admin allows, never a 5xx

Rule = Callable[[str, bool], str]


def _signed_in(role: str, api: bool) -> str | None:
    return (UNAUTHORIZED if api else LOGIN) if role == "anonymous" else None


def public(role: str, api: bool) -> str:
    return OK


def read_any(role: str, api: bool) -> str:
    """Every signed-in user (a list is scoped to what they see, never refused)."""
    return _signed_in(role, api) or OK


def read_account(role: str, api: bool) -> str:
    """Something of the team's account: an AE off the team does not see it."""
    return _signed_in(role, api) or (HIDDEN if role == "ae_off" else OK)


def write_plan(role: str, api: bool) -> str:
    """A write to the team account's plan: its team (not as Viewer), managers, admins."""
    if role in ("admin", "manager", "ae_team", "mkt_team"):
        return OK
    return _signed_in(role, api) or (HIDDEN if role == "ae_off" else FORBIDDEN)


def create_plan_rule(role: str, api: bool) -> str:
    """Starting a plan of the team account: as a write; the page's form does not offer an
    account the AE does not see (400), the API answers 404."""
    expected = write_plan(role, api)
    return "400" if expected == HIDDEN and not api else expected


def book_edit(role: str, api: bool) -> str:
    """Imports, the scorecard's settings, rescoring: managers and admins."""
    if role in ("admin", "manager"):
        return OK
    return _signed_in(role, api) or FORBIDDEN


def own(role: str, api: bool) -> str:
    """A user's own API tokens: every signed-in user (their credentials, not book data)."""
    return _signed_in(role, api) or OK


def session_only(role: str, api: bool) -> str:
    """Minting a token: a signed-in session only; a bearer token cannot mint more (401)."""
    return UNAUTHORIZED


def logout(role: str, api: bool) -> str:
    """Signing out: everyone ends on the login page."""
    return LOGIN


def nothing_here(role: str, api: bool) -> str:
    """django-ninja's root URL: it only anchors the API's URLs, and answers 404 to everyone."""
    return HIDDEN


def snooze_rule(role: str, api: bool) -> str:
    """Snoozing a finding one sees: anyone but a Viewer (it is the reader's attention, not the
    plan's data); an AE off the team does not see it."""
    if role == "viewer":
        return FORBIDDEN
    return _signed_in(role, api) or (HIDDEN if role == "ae_off" else OK)


def campaign_create(role: str, api: bool) -> str:
    """Starting a campaign: marketing, managers and admins."""
    if role in ("admin", "manager", "mkt_team", "mkt_off"):
        return OK
    return _signed_in(role, api) or FORBIDDEN


def campaign_owner(role: str, api: bool) -> str:
    """Launching or changing a campaign: its owner (mkt_team here), managers and admins."""
    if role in ("admin", "manager", "mkt_team"):
        return OK
    return _signed_in(role, api) or FORBIDDEN


def _launched(w: World) -> int:
    return int(w.campaigns["launched"].pk)


def _draft(w: World) -> int:
    return int(w.campaigns["draft"].pk)


def by_token(role: str, api: bool) -> str:
    """The customer's pages (sharing): the token in the URL is the credential, whoever asks
    (signed in or not) gets the same answer; a wrong token is a plain 404 (tests/sharing)."""
    return OK


def open_expectations(role: str, api: bool) -> str:
    """Opening a joint expectation session early: the plan's owner, managers and admins; the
    rest of the team may edit the plan but gets 403 (sharing/expectations.py ``may_open``)."""
    if role in ("admin", "manager"):
        return OK
    answer = write_plan(role, api)
    return FORBIDDEN if answer == OK else answer


def admin_site(role: str, api: bool) -> str:
    return STAFF if role == "admin" else LOGIN


@dataclass
class World:
    users: dict[str, User]
    account: m.Account
    opportunity: m.Opportunity
    product: m.Product
    plan: AccountPlan
    revision: PlanRevision
    run: ImportRun
    mapping: SavedMapping
    snapshot_id: int
    latest: PlanRevision
    item: str
    micro_plan: Any  # followup.LostDealPlan of a lost deal of the team's account
    finding: Any  # governance.Finding on the team's account and plan
    campaigns: dict[str, Any] = field(default_factory=dict)  # "launched", "draft" (mkt_team's)
    draft: Any = None  # drafts.Draft of the team account's plan (its company overview)


Url = Callable[[World, User | None], str]


@dataclass(frozen=True)
class Call:
    rule: Rule
    url: Url
    method: str = "get"
    body: dict[str, Any] | None = None


def _p(w: World) -> int:
    return w.plan.pk


def _throwaway_token(w: World, user: User | None) -> str:
    if user is None:
        return "/api/tokens/1"
    return f"/api/tokens/{create_token(user, 'throwaway').token.pk}"


def _share_link(w: World, user: User | None = None) -> str:
    """A working share link of the team's plan, with a shared action on the customer's side
    (``mx1``) published; made inside the call's transaction, so rolled back with it."""
    from accountplan.plans.services import save_section, section_of
    from accountplan.sharing import links, services

    owner = w.plan.owner
    assert owner is not None
    contact = w.account.contacts.first()
    assert contact is not None
    section = section_of(w.plan, "actions")
    save_section(w.plan, "actions", {"actions": [{"id": "mx1", "title": "Matrix"}]},
                 section.version, owner)  # fmt: skip
    services.set_visibility(
        w.plan, owner, sections={"actions"}, items={"actions.actions": {"mx1"}},
        customer_owners={"mx1": contact.pk},
    )  # fmt: skip
    services.publish(w.plan, owner)
    return links.create_link(w.plan, owner, email="matrix@example.com").raw


def _share_link_id(w: World) -> int:
    from accountplan.sharing import links

    assert w.plan.owner is not None
    return links.create_link(w.plan, w.plan.owner, email="matrix@example.com").link.pk


#: Every page, by URL name: (method, url, body) under its rule. A name with two methods (a form
#: read with GET and saved with POST) is checked both ways.
PAGES: dict[str, list[Call]] = {
    "home": [Call(read_any, lambda w, u: "/")],
    "governance:snooze": [
        Call(
            snooze_rule,
            lambda w, u: f"/findings/{w.finding.pk}/snooze/",
            "post",
            {"until": "2099-01-01", "reason": "matrix"},
        )
    ],
    "followup:plan_reviews": [
        Call(read_account, lambda w, u: f"/plans/{_p(w)}/reviews/"),
        Call(
            write_plan,
            lambda w, u: f"/plans/{_p(w)}/reviews/",
            "post",
            {"reviewed_on": "2026-12-01", "findings": "matrix"},
        ),
    ],
    "followup:micro_plan": [
        Call(read_account, lambda w, u: f"/lost-deals/{w.micro_plan.pk}/"),
        Call(
            write_plan,
            lambda w, u: f"/lost-deals/{w.micro_plan.pk}/",
            "post",
            {"reengage_on": "2027-06-30"},
        ),
        # Close (stop watching): the same endpoint, its own write.
        Call(
            write_plan,
            lambda w, u: f"/lost-deals/{w.micro_plan.pk}/",
            "post",
            {"action": "drop"},
        ),
    ],
    "followup:reengage": [
        Call(write_plan, lambda w, u: f"/lost-deals/{w.micro_plan.pk}/re-engage/", "post", {})
    ],
    "followup:winback": [Call(read_any, lambda w, u: "/win-back/")],
    "fit:opportunity": [
        Call(read_account, lambda w, u: f"/opportunities/{w.opportunity.pk}/fit/"),
        Call(
            write_plan,
            lambda w, u: f"/opportunities/{w.opportunity.pk}/fit/",
            "post",
            {"a_meaningful_spend": "yes", "e_meaningful_spend": "matrix"},
        ),
    ],
    "fit:settings": [
        Call(read_any, lambda w, u: "/fit/settings/"),
        Call(book_edit, lambda w, u: "/fit/settings/", "post", {"w_block_pressure": "20"}),
    ],
    "drafting:model": [Call(book_edit, lambda w, u: "/settings/drafting-model/")],
    "drafting:model_test": [
        Call(book_edit, lambda w, u: "/settings/drafting-model/test/", "post", {})
    ],
    "fit:settings_toml": [Call(read_any, lambda w, u: "/fit/settings/fit-scorecard.toml")],
    "followup:number": [Call(read_any, lambda w, u: "/number/")],
    "campaigns:list": [Call(read_any, lambda w, u: "/campaigns/")],
    "campaigns:new": [
        Call(campaign_create, lambda w, u: "/campaigns/new/"),
        Call(campaign_create, lambda w, u: "/campaigns/new/", "post", {"action": "preview"}),
    ],
    "campaigns:detail": [Call(read_any, lambda w, u: f"/campaigns/{_launched(w)}/")],
    "campaigns:launch": [
        Call(campaign_owner, lambda w, u: f"/campaigns/{_draft(w)}/launch/"),
        Call(campaign_owner, lambda w, u: f"/campaigns/{_draft(w)}/launch/", "post", {}),
    ],
    "campaigns:edit": [
        Call(campaign_owner, lambda w, u: f"/campaigns/{_draft(w)}/edit/"),
        Call(campaign_owner, lambda w, u: f"/campaigns/{_launched(w)}/edit/"),
        Call(
            campaign_owner,
            lambda w, u: f"/campaigns/{_draft(w)}/edit/",
            "post",
            {"action": "save", "name": "Matrix edit"},
        ),
    ],
    "campaigns:delete": [
        Call(campaign_owner, lambda w, u: f"/campaigns/{_draft(w)}/delete/"),
        Call(campaign_owner, lambda w, u: f"/campaigns/{_draft(w)}/delete/", "post", {}),
        Call(campaign_owner, lambda w, u: f"/campaigns/{_launched(w)}/delete/", "post", {}),
    ],
    "campaigns:late_joins": [
        Call(campaign_owner, lambda w, u: f"/campaigns/{_launched(w)}/late-joins/", "post", {})
    ],
    "campaigns:recompute": [
        Call(campaign_owner, lambda w, u: f"/campaigns/{_launched(w)}/recompute/", "post", {})
    ],
    "campaigns:export": [
        Call(read_any, lambda w, u: f"/campaigns/{_launched(w)}/contacts.csv"),
        Call(read_any, lambda w, u: f"/campaigns/{_launched(w)}/contacts.xlsx"),
    ],
    "campaigns:influence": [
        Call(read_any, lambda w, u: f"/campaigns/{_launched(w)}/influence.csv")
    ],
    "login": [Call(public, lambda w, u: "/login/")],
    "logout": [Call(logout, lambda w, u: "/logout/", "post", {})],
    "book:account_list": [Call(read_any, lambda w, u: "/accounts/")],
    "book:account_detail": [Call(read_account, lambda w, u: f"/accounts/{w.account.pk}/")],
    "book:log_activity": [
        Call(
            write_plan,
            lambda w, u: f"/accounts/{w.account.pk}/activities/",
            "post",
            {"kind": "call", "subject": "matrix", "date": "2026-01-01"},
        )
    ],
    "book:account_choices": [Call(read_any, lambda w, u: "/accounts/choices/?q=Shop")],
    "book:search": [Call(read_any, lambda w, u: "/search/?q=Shop")],
    "book:search_suggest": [Call(read_any, lambda w, u: "/search/suggest/?q=Shop")],
    "book:product_list": [Call(read_any, lambda w, u: "/products/")],
    "book:product_detail": [Call(read_any, lambda w, u: f"/products/{w.product.pk}/")],
    "book:opportunity_detail": [
        Call(read_account, lambda w, u: f"/opportunities/{w.opportunity.pk}/")
    ],
    "portfolio:whitespace": [Call(read_any, lambda w, u: "/whitespace/")],
    "portfolio:whitespace_cell": [
        Call(read_account, lambda w, u: f"/whitespace/cell/?account={w.account.pk}&item={w.item}")
    ],
    "portfolio:whitespace_export": [Call(read_any, lambda w, u: "/whitespace/export.csv")],
    "portfolio:grid": [Call(read_any, lambda w, u: "/grid/")],
    "portfolio:grid_export": [Call(read_any, lambda w, u: "/grid/export.csv")],
    "portfolio:scorecard": [
        Call(read_any, lambda w, u: "/scorecard/"),
        Call(book_edit, lambda w, u: "/scorecard/", "post", {}),
    ],
    "portfolio:scorecard_toml": [Call(read_any, lambda w, u: "/scorecard/scorecard.toml")],
    "portfolio:rescore": [Call(book_edit, lambda w, u: "/rescore/", "post", {})],
    "ingest:import_list": [Call(read_any, lambda w, u: "/imports/")],
    "ingest:import_new": [Call(book_edit, lambda w, u: "/imports/new/")],
    "ingest:import_preview": [Call(book_edit, lambda w, u: f"/imports/{w.run.pk}/preview/")],
    "ingest:import_mapping": [
        Call(book_edit, lambda w, u: f"/imports/{w.run.pk}/mapping/", "post", {})
    ],
    "ingest:import_mapping_toml": [
        Call(book_edit, lambda w, u: f"/imports/{w.run.pk}/mapping.toml")
    ],
    "ingest:import_detail": [Call(book_edit, lambda w, u: f"/imports/{w.run.pk}/")],
    "ingest:import_rejects": [Call(book_edit, lambda w, u: f"/imports/{w.run.pk}/rejects.csv")],
    "ingest:import_report_json": [Call(book_edit, lambda w, u: f"/imports/{w.run.pk}/report.json")],
    "ingest:mapping_list": [Call(book_edit, lambda w, u: "/imports/mappings/")],
    "ingest:mapping_edit": [Call(book_edit, lambda w, u: f"/imports/mappings/{w.mapping.pk}/")],
    "ingest:mapping_delete": [
        Call(book_edit, lambda w, u: f"/imports/mappings/{w.mapping.pk}/delete/", "post", {})
    ],
    "ingest:mapping_toml": [
        Call(book_edit, lambda w, u: f"/imports/mappings/{w.mapping.pk}/mapping.toml")
    ],
    "plans:list": [Call(read_any, lambda w, u: "/plans/")],
    "plans:create": [
        Call(
            create_plan_rule,
            lambda w, u: "/plans/new/",
            "post",
            {"period": "FY2030", "account": "{account}"},
        )
    ],
    "plans:detail": [Call(read_account, lambda w, u: f"/plans/{_p(w)}/")],
    "plans:section": [
        Call(read_account, lambda w, u: f"/plans/{_p(w)}/sections/customer_goals/"),
        Call(
            write_plan,
            lambda w, u: f"/plans/{_p(w)}/sections/customer_goals/",
            "post",
            {"base_version": "2", "north_star_metric": "Matrix"},
        ),
    ],
    "plans:add_white_space": [
        Call(write_plan, lambda w, u: f"/plans/{_p(w)}/goals/white-space/", "post", {"cell": "x"})
    ],
    "plans:status": [
        Call(write_plan, lambda w, u: f"/plans/{_p(w)}/status/", "post", {"status": "archived"})
    ],
    "plans:clone": [
        Call(write_plan, lambda w, u: f"/plans/{_p(w)}/clone/", "post", {"period": "FY2031"})
    ],
    "plans:link_deal": [
        Call(
            write_plan,
            lambda w, u: f"/plans/{_p(w)}/deals/{w.opportunity.pk}/link/",
            "post",
            {"component": ""},
        )
    ],
    "plans:history": [Call(read_account, lambda w, u: f"/plans/{_p(w)}/history/")],
    "plans:compare": [
        Call(
            read_account,
            lambda w, u: f"/plans/{_p(w)}/history/compare/?a={w.revision.pk}&b={w.latest.pk}",
        )
    ],
    "plans:revision": [Call(read_account, lambda w, u: f"/plans/{_p(w)}/history/{w.revision.pk}/")],
    "plans:restore": [
        Call(
            write_plan, lambda w, u: f"/plans/{_p(w)}/history/{w.revision.pk}/restore/", "post", {}
        )
    ],
    "plans:export": [Call(read_account, lambda w, u: f"/plans/{_p(w)}/export/md/")],
    # Drafts (issue 15): drafting stores a draft, so it is a write, as accepting one is.
    "drafts:draft": [
        Call(write_plan, lambda w, u: f"/plans/{_p(w)}/draft/", "post", {"section": "needs"})
    ],
    "drafts:accept": [
        Call(
            write_plan,
            lambda w, u: f"/drafts/{w.draft.pk}/accept/",
            "post",
            {"scope": "company_overview", "all": "1"},
        )
    ],
    "salesforce:export": [Call(read_any, lambda w, u: "/plans/salesforce/export.zip")],
    "salesforce:import": [
        Call(book_edit, lambda w, u: "/plans/salesforce/import/"),
        Call(book_edit, lambda w, u: "/plans/salesforce/import/", "post", {}),
    ],
    "salesforce:dismiss": [
        Call(write_plan, lambda w, u: f"/plans/{_p(w)}/salesforce/conflicts/dismiss/", "post", {})
    ],
    "sharing:plan": [Call(read_account, lambda w, u: f"/plans/{_p(w)}/sharing/")],
    "sharing:preview": [Call(read_account, lambda w, u: f"/plans/{_p(w)}/sharing/preview/")],
    "sharing:visibility": [
        Call(write_plan, lambda w, u: f"/plans/{_p(w)}/sharing/visibility/", "post", {})
    ],
    "sharing:publish": [
        Call(write_plan, lambda w, u: f"/plans/{_p(w)}/sharing/publish/", "post", {})
    ],
    "sharing:link_create": [
        Call(
            write_plan,
            lambda w, u: f"/plans/{_p(w)}/sharing/links/",
            "post",
            {"email": "matrix@example.com"},
        )
    ],
    "sharing:link_revoke": [
        Call(
            write_plan,
            lambda w, u: f"/plans/{_p(w)}/sharing/links/{_share_link_id(w)}/revoke/",
            "post",
            {},
        )
    ],
    "sharing:answer": [
        Call(
            write_plan,
            lambda w, u: f"/plans/{_p(w)}/sharing/comments/",
            "post",
            {"section": "actions", "item": "mx1", "body": "matrix"},
        )
    ],
    "sharing:expectations": [
        Call(read_account, lambda w, u: f"/plans/{_p(w)}/sharing/expectations/")
    ],
    "sharing:expectations_ours": [
        Call(
            write_plan,
            lambda w, u: f"/plans/{_p(w)}/sharing/expectations/ours/",
            "post",
            {"expectation": ["matrix"]},
        )
    ],
    "sharing:expectations_open": [
        Call(open_expectations, lambda w, u: f"/plans/{_p(w)}/sharing/expectations/open/", "post")
    ],
    "sharing:expectations_start": [
        Call(write_plan, lambda w, u: f"/plans/{_p(w)}/sharing/expectations/start/", "post", {})
    ],
    "sharing:expectations_review": [
        Call(write_plan, lambda w, u: f"/plans/{_p(w)}/sharing/expectations/review/", "post", {})
    ],
    "sharing:scorecard": [Call(read_account, lambda w, u: f"/plans/{_p(w)}/sharing/scorecard/")],
    "sharing:scorecard_download": [
        Call(read_account, lambda w, u: f"/plans/{_p(w)}/sharing/scorecard.csv"),
    ],
    # The customer's pages: public by token (the token is the credential, no session).
    "sharing:customer_page": [Call(by_token, lambda w, u: f"/s/{_share_link(w)}/")],
    "sharing:customer_json": [Call(by_token, lambda w, u: f"/s/{_share_link(w)}/shared.json")],
    "sharing:customer_markdown": [Call(by_token, lambda w, u: f"/s/{_share_link(w)}/shared.md")],
    "sharing:customer_code": [
        Call(by_token, lambda w, u: f"/s/{_share_link(w)}/code/", "post", {"code": "1"})
    ],
    "sharing:customer_comment": [
        Call(
            by_token,
            lambda w, u: f"/s/{_share_link(w)}/comments/",
            "post",
            {"section": "actions", "item": "mx1", "body": "matrix"},
        )
    ],
    "sharing:customer_action": [
        Call(
            by_token,
            lambda w, u: f"/s/{_share_link(w)}/actions/mx1/",
            "post",
            {"status": "done", "due_date": "2027-01-31"},
        )
    ],
    "sharing:customer_expectations": [
        Call(
            by_token,
            lambda w, u: f"/s/{_share_link(w)}/expectations/",
            "post",
            {"expectation": ["matrix"]},
        )
    ],
    "sharing:customer_metrics": [
        Call(
            by_token,
            lambda w, u: f"/s/{_share_link(w)}/scorecard/metrics/",
            "post",
            {"name_0": "Speed", "weight_0": "1"},
        )
    ],
    "sharing:customer_scores": [
        Call(by_token, lambda w, u: f"/s/{_share_link(w)}/scorecard/scores/", "post", {})
    ],
    # The API's own pages (its operations are in OPERATIONS).
    "api:openapi-json": [Call(public, lambda w, u: "/api/openapi.json")],
    "api:openapi-view": [Call(public, lambda w, u: "/api/docs")],
    "api:api-root": [Call(nothing_here, lambda w, u: "/api/")],
}

#: Every API operation, as ``METHOD /path`` of the OpenAPI schema.
OPERATIONS: dict[str, Call] = {
    "GET /api/me": Call(read_any, lambda w, u: "/api/me"),
    "GET /api/findings": Call(read_any, lambda w, u: "/api/findings"),
    "POST /api/findings/{finding_id}/snooze": Call(
        snooze_rule,
        lambda w, u: f"/api/findings/{w.finding.pk}/snooze",
        "post",
        {"until": "2099-01-01", "reason": "matrix"},
    ),
    "GET /api/plans/{plan_id}/health": Call(
        read_account, lambda w, u: f"/api/plans/{_p(w)}/health"
    ),
    "GET /api/plans/{plan_id}/reviews": Call(
        read_account, lambda w, u: f"/api/plans/{_p(w)}/reviews"
    ),
    "POST /api/plans/{plan_id}/reviews": Call(
        write_plan,
        lambda w, u: f"/api/plans/{_p(w)}/reviews",
        "post",
        {"reviewed_on": "2026-12-01", "findings": ["matrix"]},
    ),
    "GET /api/lost-deals": Call(read_any, lambda w, u: "/api/lost-deals"),
    "GET /api/opportunities/{opportunity_id}/fit": Call(
        read_account, lambda w, u: f"/api/opportunities/{w.opportunity.pk}/fit"
    ),
    "PUT /api/opportunities/{opportunity_id}/fit/answers": Call(
        write_plan,
        lambda w, u: f"/api/opportunities/{w.opportunity.pk}/fit/answers",
        "put",
        {"answers": [{"key": "meaningful_spend", "value": "yes", "evidence": "matrix"}]},
    ),
    "GET /api/fit/settings": Call(read_any, lambda w, u: "/api/fit/settings"),
    "GET /api/drafting-model": Call(book_edit, lambda w, u: "/api/drafting-model"),
    "POST /api/drafting-model/test": Call(
        book_edit, lambda w, u: "/api/drafting-model/test", "post", {}
    ),
    "PUT /api/fit/settings": Call(book_edit, lambda w, u: "/api/fit/settings", "put", {}),
    "POST /api/lost-deals/{micro_plan_id}/re-engage": Call(
        write_plan, lambda w, u: f"/api/lost-deals/{w.micro_plan.pk}/re-engage", "post", {}
    ),
    "GET /api/number": Call(read_any, lambda w, u: "/api/number?period=FY2027"),
    "GET /api/campaigns": Call(read_any, lambda w, u: "/api/campaigns"),
    "POST /api/campaigns": Call(
        campaign_create,
        lambda w, u: "/api/campaigns",
        "post",
        {
            "name": "Matrix API",
            "play": "nurture",
            "families": ["Core"],
            "start_date": "2026-01-01",
            "end_date": "2026-03-31",
        },
    ),
    "GET /api/campaigns/suggestions": Call(read_any, lambda w, u: "/api/campaigns/suggestions"),
    "GET /api/campaigns/{campaign_id}": Call(
        read_any, lambda w, u: f"/api/campaigns/{_launched(w)}"
    ),
    "PATCH /api/campaigns/{campaign_id}": Call(
        campaign_owner, lambda w, u: f"/api/campaigns/{_draft(w)}", "patch", {"budget": "10"}
    ),
    "DELETE /api/campaigns/{campaign_id}": Call(
        campaign_owner, lambda w, u: f"/api/campaigns/{_draft(w)}", "delete"
    ),
    "GET /api/campaigns/{campaign_id}/history": Call(
        read_any, lambda w, u: f"/api/campaigns/{_launched(w)}/history"
    ),
    "GET /api/campaigns/{campaign_id}/preview": Call(
        read_any, lambda w, u: f"/api/campaigns/{_draft(w)}/preview"
    ),
    "POST /api/campaigns/{campaign_id}/launch": Call(
        campaign_owner, lambda w, u: f"/api/campaigns/{_draft(w)}/launch", "post", {}
    ),
    "GET /api/campaigns/{campaign_id}/results": Call(
        read_any, lambda w, u: f"/api/campaigns/{_launched(w)}/results"
    ),
    "GET /api/campaigns/{campaign_id}/export": Call(
        read_any, lambda w, u: f"/api/campaigns/{_launched(w)}/export?format=xlsx"
    ),
    "GET /api/campaigns/{campaign_id}/influence": Call(
        read_any, lambda w, u: f"/api/campaigns/{_launched(w)}/influence"
    ),
    "GET /api/users": Call(read_any, lambda w, u: "/api/users"),
    "GET /api/salesforce/export": Call(read_any, lambda w, u: "/api/salesforce/export"),
    "POST /api/salesforce/import": Call(
        book_edit, lambda w, u: "/api/salesforce/import", "post", {}
    ),
    "GET /api/tokens": Call(own, lambda w, u: "/api/tokens"),
    "POST /api/tokens": Call(session_only, lambda w, u: "/api/tokens", "post", {"name": "matrix"}),
    "DELETE /api/tokens/{token_id}": Call(own, _throwaway_token, "delete"),
    "GET /api/accounts": Call(read_any, lambda w, u: "/api/accounts"),
    "GET /api/accounts/{account_id}": Call(
        read_account, lambda w, u: f"/api/accounts/{w.account.pk}"
    ),
    "GET /api/buying-centers": Call(read_any, lambda w, u: "/api/buying-centers"),
    "GET /api/buying-centers/{center_id}": Call(
        read_account,
        lambda w, u: f"/api/buying-centers/{w.account.buying_centers.first().pk}",  # type: ignore[union-attr]
    ),
    "GET /api/products": Call(read_any, lambda w, u: "/api/products"),
    "GET /api/products/{product_id}": Call(read_any, lambda w, u: f"/api/products/{w.product.pk}"),
    "GET /api/opportunities": Call(read_any, lambda w, u: "/api/opportunities"),
    "GET /api/opportunities/{opportunity_id}": Call(
        read_account, lambda w, u: f"/api/opportunities/{w.opportunity.pk}"
    ),
    "GET /api/purchase-lines": Call(read_any, lambda w, u: "/api/purchase-lines"),
    "GET /api/purchase-lines/{line_id}": Call(
        read_account,
        lambda w, u: f"/api/purchase-lines/{w.account.purchase_lines.first().pk}",  # type: ignore[union-attr]
    ),
    "GET /api/contacts": Call(read_any, lambda w, u: "/api/contacts"),
    "GET /api/contacts/{contact_id}": Call(
        read_account,
        lambda w, u: f"/api/contacts/{w.account.contacts.first().pk}",  # type: ignore[union-attr]
    ),
    "GET /api/activities": Call(read_any, lambda w, u: "/api/activities"),
    "GET /api/activities/{activity_id}": Call(
        read_account,
        lambda w, u: f"/api/activities/{w.account.activities.first().pk}",  # type: ignore[union-attr]
    ),
    "GET /api/account-teams": Call(read_any, lambda w, u: "/api/account-teams"),
    "GET /api/search": Call(read_any, lambda w, u: "/api/search?q=Shop"),
    "GET /api/analytics/snapshot": Call(read_any, lambda w, u: "/api/analytics/snapshot"),
    "GET /api/analytics/snapshots/{snapshot_id}": Call(
        read_any, lambda w, u: f"/api/analytics/snapshots/{w.snapshot_id}"
    ),
    "GET /api/analytics/accounts": Call(read_any, lambda w, u: "/api/analytics/accounts"),
    "GET /api/analytics/accounts/{account_id}": Call(
        read_account, lambda w, u: f"/api/analytics/accounts/{w.account.pk}"
    ),
    "GET /api/analytics/cells": Call(read_any, lambda w, u: "/api/analytics/cells"),
    "GET /api/analytics/grid": Call(read_any, lambda w, u: "/api/analytics/grid"),
    "POST /api/analytics/rescore": Call(
        book_edit, lambda w, u: "/api/analytics/rescore", "post", {}
    ),
    "GET /api/analytics/scorecard": Call(read_any, lambda w, u: "/api/analytics/scorecard"),
    "PATCH /api/analytics/scorecard": Call(
        book_edit, lambda w, u: "/api/analytics/scorecard", "patch", {}
    ),
    "GET /api/analytics/campaign-list": Call(
        read_any, lambda w, u: "/api/analytics/campaign-list?format=csv"
    ),
    "GET /api/plans": Call(read_any, lambda w, u: "/api/plans"),
    "POST /api/plans": Call(
        create_plan_rule, lambda w, u: "/api/plans", "post", {"period": "FY2030", "account_id": 0}
    ),
    "GET /api/plans/{plan_id}": Call(read_account, lambda w, u: f"/api/plans/{_p(w)}"),
    "POST /api/drafts": Call(
        write_plan,
        lambda w, u: "/api/drafts",
        "post",
        {"account_id": 0, "period": "FY2027", "sections": ["goals"]},
    ),
    "GET /api/drafts/{draft_id}": Call(read_account, lambda w, u: f"/api/drafts/{w.draft.pk}"),
    "POST /api/drafts/{draft_id}/accept": Call(
        write_plan, lambda w, u: f"/api/drafts/{w.draft.pk}/accept", "post", {}
    ),
    "PATCH /api/plans/{plan_id}": Call(
        write_plan, lambda w, u: f"/api/plans/{_p(w)}", "patch", {"status": "archived"}
    ),
    "POST /api/plans/{plan_id}/clone": Call(
        write_plan, lambda w, u: f"/api/plans/{_p(w)}/clone", "post", {"period": "FY2031"}
    ),
    "GET /api/plans/{plan_id}/sections/{key}": Call(
        read_account, lambda w, u: f"/api/plans/{_p(w)}/sections/customer_goals"
    ),
    "PUT /api/plans/{plan_id}/sections/{key}": Call(
        write_plan,
        lambda w, u: f"/api/plans/{_p(w)}/sections/customer_goals",
        "put",
        {"base_version": 2, "data": {"north_star_metric": "Matrix"}},
    ),
    "GET /api/plans/{plan_id}/history": Call(
        read_account, lambda w, u: f"/api/plans/{_p(w)}/history"
    ),
    "GET /api/plans/{plan_id}/revisions/{revision_id}": Call(
        read_account, lambda w, u: f"/api/plans/{_p(w)}/revisions/{w.revision.pk}"
    ),
    "GET /api/plans/{plan_id}/compare": Call(
        read_account,
        lambda w, u: f"/api/plans/{_p(w)}/compare?from_revision={w.revision.pk}",
    ),
    "POST /api/plans/{plan_id}/revisions/{revision_id}/restore": Call(
        write_plan,
        lambda w, u: f"/api/plans/{_p(w)}/revisions/{w.revision.pk}/restore",
        "post",
        {},
    ),
    "GET /api/plans/{plan_id}/overview": Call(
        read_account, lambda w, u: f"/api/plans/{_p(w)}/overview"
    ),
    "GET /api/plans/{plan_id}/prospecting/plan": Call(
        read_account, lambda w, u: f"/api/plans/{_p(w)}/prospecting/plan"
    ),
    "GET /api/plans/{plan_id}/performance": Call(
        read_account, lambda w, u: f"/api/plans/{_p(w)}/performance"
    ),
    "PUT /api/plans/{plan_id}/deals/{opportunity_id}": Call(
        write_plan,
        lambda w, u: f"/api/plans/{_p(w)}/deals/{w.opportunity.pk}",
        "put",
        {"component_id": None},
    ),
    "GET /api/plans/{plan_id}/share-links": Call(
        read_account, lambda w, u: f"/api/plans/{_p(w)}/share-links"
    ),
    "POST /api/plans/{plan_id}/share-links": Call(
        write_plan,
        lambda w, u: f"/api/plans/{_p(w)}/share-links",
        "post",
        {"email": "matrix@example.com"},
    ),
    "POST /api/share-links/{link_id}/revoke": Call(
        write_plan, lambda w, u: f"/api/share-links/{_share_link_id(w)}/revoke", "post", {}
    ),
    "GET /api/plans/{plan_id}/expectations": Call(
        read_account, lambda w, u: f"/api/plans/{_p(w)}/expectations"
    ),
    "GET /api/plans/{plan_id}/scorecard": Call(
        read_account, lambda w, u: f"/api/plans/{_p(w)}/scorecard"
    ),
    "POST /api/plans/{plan_id}/share/publish": Call(
        write_plan, lambda w, u: f"/api/plans/{_p(w)}/share/publish", "post", {}
    ),
    "GET /api/plans/{plan_id}/export/{fmt}": Call(
        read_account, lambda w, u: f"/api/plans/{_p(w)}/export/md"
    ),
}

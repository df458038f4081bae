"""The campaign list over the API: the grid page's marketing download, as CSV or XLSX."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from accountplan.book.selectors import account_filter_options
from accountplan.core.api_auth import api_user
from accountplan.core.api_common import AUTH_ERRORS, ErrorOut
from accountplan.core.errors import DomainError, NotFound
from accountplan.portfolio import campaign_list, selectors
from accountplan.portfolio.downloads import FORMATS, table_response
from accountplan.portfolio.page_forms import GridFilterForm

router = Router(tags=["analytics"])


class BadChoice(DomainError):
    """A parameter outside its choices."""

    status = 400


@router.get(
    "/analytics/campaign-list",
    response={200: None, 400: ErrorOut, 404: ErrorOut, **AUTH_ERRORS},
    summary="Download a campaign list (the grid's accounts and their contacts)",
)
def campaign_list_download(
    request: HttpRequest,
    format: str = Query("csv", description="csv or xlsx"),
    contacts: str = Query(
        "primary",
        description="primary: one contact per account; buying: every contact with a buying "
        "role on one of the account's deals (one row each).",
    ),
    play: str = Query("", description="Expand, Penetrate, Nurture, Manage, none (unscored)."),
    territory: str = "",
    segment: str = "",
    industry: str = "",
    tier: int | None = None,
    owner: int | None = None,
    q: str = "",
    sort: str = "-whitespace",
) -> HttpResponse:
    """The accounts of the current snapshot the caller may see, filtered as on the grid page,
    with their play, campaign and next best products, rounded for people; the contact's name,
    title, email and buying roles in separate columns. Spreadsheet formulas are neutralised."""
    if format not in FORMATS:
        raise BadChoice(f"Unknown format {format!r}: use csv or xlsx.")
    if contacts not in campaign_list.CONTACT_MODES:
        raise BadChoice(f"Unknown contacts {contacts!r}: use primary or buying.")
    user = api_user(request)
    snapshot = selectors.current_snapshot("product") or selectors.current_snapshot()
    if snapshot is None:
        raise NotFound("No scores yet: run accountplan analyze or queue a rescore.")
    form = GridFilterForm(request.GET, account_filter_options(user, snapshot))
    form.parse()
    filters = form.filters()
    filters.play = ""
    scores = selectors.filter_scores(selectors.account_scores(user, snapshot), filters)
    ordered = selectors.order_scores(
        campaign_list.with_play(scores, form.values["play"]), form.values["sort"]
    )
    rows = campaign_list.campaign_rows(user, snapshot, ordered, contacts)
    name = campaign_list.list_name(form.values["play"], contacts, snapshot.as_of)
    return table_response(campaign_list.HEADER, rows, format, name)

"""Pages of the book of business: accounts list, account page, products list.

Views stay thin: forms parse the query string, ``selectors`` build the scoped queries. List pages
answer an htmx request with the results fragment only (the NetBox way), a plain GET with the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from accountplan.book import activity_log, detail_selectors, rows, search, selectors
from accountplan.book.forms import AccountFilterForm, ProductFilterForm
from accountplan.book.models import Account, Product
from accountplan.core.pagination import paginate
from accountplan.governance.filters import with_active_plan
from accountplan.portfolio.selectors import account_portfolio

if TYPE_CHECKING:
    from accountplan.core.models import User

OPPORTUNITY_PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    """The signed-in user (``login_required`` guarantees one)."""
    return request.user  # type: ignore[return-value]


def _wants_fragment(request: HttpRequest) -> bool:
    """An htmx swap gets the fragment; a history restore needs the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    """Visible accounts with search, filters, sort and pagination, and the current snapshot's
    tier, play, score, white space, share of wallet, growth, CLV and cost-to-serve flag."""
    user = _user(request)
    snapshot = selectors.list_snapshot()
    options = selectors.account_filter_options(user, snapshot)
    form = AccountFilterForm(request.GET, options, scored=snapshot is not None)
    values = form.parse()
    base = selectors.accounts_with_figures(user)
    book_filters = {k: values[k] for k in ("q", "owner", "segment", "industry", "territory")}
    accounts = selectors.filter_accounts(
        selectors.with_scores(base, snapshot),
        **book_filters,
        tier=values["tier"],
        play=values["play"],
        cost_to_serve=values["cts"],
    ).order_by(*selectors.order_fields(selectors.ACCOUNT_SORTS, values["sort"]))
    accounts = with_active_plan(accounts, values["planned"])  # governance: column and filter
    by_score = values["tier"] is not None or values["play"] or values["cts"] or values["planned"]
    # Without a score filter the total is the visible accounts' own count: no join, no sums.
    visible = Account.objects.for_user(user)
    counted = None if by_score else selectors.filter_accounts(visible, **book_filters).count
    page = paginate(request, accounts, count=counted)
    context: dict[str, Any] = {
        "form": form,
        "page_obj": page,
        "rows": rows.account_rows(list(page.object_list)),
        "sort": values["sort"],
        "is_filtered": form.is_filtered,
        "snapshot": snapshot,
        # Only asked when the page is empty: "no accounts at all" vs "no match".
        "book_is_empty": (not page.object_list and not base.exists()),
    }
    template = (
        "book/partials/account_results.html"
        if _wants_fragment(request)
        else "book/pages/account_list.html"
    )
    return render(request, template, context)


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One visible account: KPIs, opportunities, purchases, contacts, team, hierarchy."""
    user = _user(request)
    account = get_object_or_404(
        Account.objects.for_user(user).select_related("owner", "parent"), pk=pk
    )
    overview = selectors.account_overview(user, account)
    opportunities = Paginator(
        selectors.account_opportunities(user, account), OPPORTUNITY_PAGE_SIZE
    ).get_page(request.GET.get("opp_page"))
    timeline = Paginator(
        detail_selectors.account_timeline(user, account), detail_selectors.TIMELINE_PAGE_SIZE
    ).get_page(request.GET.get("act_page"))
    return render(
        request,
        "book/pages/account_detail.html",
        {
            "account": account,
            "overview": overview,
            "opportunities": opportunities,
            "timeline": timeline,
            "portfolio": account_portfolio(user, account),
            "activity_form": activity_log.form_for(user, account),
        },
    )


#: How many accounts a FastSelect search answers with.
CHOICES_LIMIT = 20


@login_required
def account_choices(request: HttpRequest) -> JsonResponse:
    """Visible accounts matching ``?q=`` as the global search matches them (prefix of the name,
    case, accents and small typos forgiven, or the exact external id), for a FastSelect
    (``core.widgets``): ``{"results": [{"id": 1, "label": "Acme (A-1)"}]}``, at most 20."""
    q = request.GET.get("q", "").strip()[:100]
    if not q:
        return JsonResponse({"results": []})
    hits = search.search(_user(request), q, limit=CHOICES_LIMIT, kinds=["account"])["account"]
    ids = {h.id: h for h in hits}
    external = dict(Account.objects.filter(pk__in=list(ids)).values_list("pk", "external_id"))
    return JsonResponse(
        {
            "results": [
                {
                    "id": h.id,
                    "label": f"{h.label} ({external[h.id]})" if external.get(h.id) else h.label,
                }
                for h in hits
            ]
        }
    )


@login_required
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One visible deal: stage, amounts, product lines, contacts, its activity history and the
    plans of its account."""
    user = _user(request)
    opportunity = detail_selectors.visible_opportunity(user, pk)
    if opportunity is None:
        raise Http404("No such opportunity.")
    from accountplan.fit.selectors import fit_if_answered
    from accountplan.plans.performance import components_served
    from accountplan.plans.querysets import can_edit

    detail = detail_selectors.opportunity_detail(user, opportunity)
    served = components_served(detail.plans, opportunity)
    fit = fit_if_answered(opportunity)
    for row in served:
        row["editable"] = can_edit(user, row["plan"])
    return render(
        request,
        "book/pages/opportunity_detail.html",
        {"opp": opportunity, "detail": detail, "served": served, "fit": fit},
    )


@login_required
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One product: the visible accounts that bought it (paginated, biggest spend first), its
    open pipeline, and a link to the white space map filtered to it."""
    from accountplan.portfolio.selectors import product_map_link

    user = _user(request)
    product = get_object_or_404(Product.objects.for_user(user), pk=pk)
    buyers = paginate(
        request,
        detail_selectors.product_buyers(user, product),
        count=lambda: detail_selectors.product_buyer_count(user, product),
    )
    return render(
        request,
        "book/pages/product_detail.html",
        {
            "product": product,
            "page_obj": buyers,
            "pipeline": detail_selectors.product_open_pipeline(user, product),
            "map_link": product_map_link(product),
        },
    )


@login_required
def product_list(request: HttpRequest) -> HttpResponse:
    """The product catalogue with how the visible book bought each product."""
    user = _user(request)
    form = ProductFilterForm(request.GET, selectors.product_families(user))
    values = form.parse()
    products = selectors.products_with_figures(
        user, q=values["q"], family=values["family"], sort=values["sort"]
    )
    page = paginate(request, products, per_page=50)  # type: ignore[arg-type]
    context: dict[str, Any] = {
        "form": form,
        "page_obj": page,
        "sort": values["sort"],
        "is_filtered": form.is_filtered,
        "catalogue_is_empty": (
            not page.object_list and not Product.objects.for_user(user).exists()
        ),
    }
    template = (
        "book/partials/product_results.html"
        if _wants_fragment(request)
        else "book/pages/product_list.html"
    )
    return render(request, template, context)

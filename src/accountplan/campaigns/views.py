"""Campaign pages: the list (with suggestions), the new-campaign form with its preview, a
campaign (frozen list, results, chart), the launch confirmation and the downloads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accountplan.campaigns import exports, history, influence, results, services, targeting
from accountplan.campaigns.forms import CampaignForm, form_options
from accountplan.campaigns.models import Campaign, CreditModel
from accountplan.campaigns.suggestions import suggestions
from accountplan.core.errors import DomainError
from accountplan.core.pagination import paginate, sort_key
from accountplan.portfolio.downloads import FORMATS, table_response

if TYPE_CHECKING:
    from accountplan.core.models import User

SORTS = {"name": "name", "start": "start_date", "status": "status", "members": "target_count",
         "play": "play", "budget": "budget"}  # fmt: skip


#: The history rows the campaign page shows (newest first; the API pages through all of them).
HISTORY_ROWS = 20


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _campaign(pk: int) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("owner", "snapshot"), pk=pk)


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    """Every campaign (paginated, sortable) and the suggested drafts per play."""
    sort = sort_key(request, list(SORTS), "-start")
    field = SORTS[sort.lstrip("-")]
    order = F(field).desc() if sort.startswith("-") else F(field).asc()
    qs = Campaign.objects.select_related("owner").order_by(order, "-pk")
    user = _user(request)
    context = {
        "page_obj": paginate(request, qs),
        "sort": sort,
        "suggestions": suggestions(),
        "may_create": services.may_create(user),
    }
    return render(request, "campaigns/pages/list.html", context)


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    """The form; "Preview" counts the list in the database, "Save draft" creates the campaign."""
    user = _user(request)
    if not services.may_create(user):
        raise PermissionDenied("Only marketing, managers and admins run campaigns.")
    options = form_options()
    preview = None
    if request.method == "POST":
        form = CampaignForm(request.POST, options=options)
        if form.is_valid():
            data = form.service_data()
            if request.POST.get("action") == "save":
                try:
                    campaign = services.create_campaign(user, data)
                except DomainError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, "Draft saved: review its list, then launch it.")
                    return redirect("campaigns:detail", pk=campaign.pk)
            else:
                preview = targeting.preview(user, _criteria(data), data["control_share"])
    else:
        initial: dict[str, Any] = request.GET.dict()
        initial["products"] = request.GET.getlist("products")
        initial["families"] = request.GET.getlist("families")
        initial["owner"] = user.pk
        form = CampaignForm(initial=initial, options=options)
    return render(request, "campaigns/pages/new.html", {"form": form, "preview": preview})


def _criteria(data: dict[str, Any]) -> targeting.Criteria:
    from accountplan.campaigns.models import CampaignPlay

    return targeting.Criteria(
        quadrant=CampaignPlay(data["play"]).quadrant,
        product_ids=data["product_ids"],
        families=data["families"],
        territory=data.get("territory") or "",
        industry=data.get("industry") or "",
        tier=data.get("tier"),
        min_whitespace=data.get("min_whitespace"),
        propensity=bool(data.get("propensity")),
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A campaign: its targets; a draft's live preview or the frozen list; results and chart."""
    campaign = _campaign(pk)
    user = _user(request)
    model = request.GET.get("model", CreditModel.EVEN)
    if model not in CreditModel.values:
        model = CreditModel.EVEN
    context: dict[str, Any] = {
        "c": campaign,
        "may_change": services.may_change(user, campaign),
        "products": exports.product_names(campaign),
        "model": model,
        "models": CreditModel.choices,
        "history": list(history.of(campaign)[:HISTORY_ROWS]),
        "frozen_reason": services.FROZEN_REASON,
    }
    if campaign.is_launched:
        member_sort = sort_key(request, ["whitespace", "account__name", "tier", "group"],
                               "-whitespace")  # fmt: skip
        members = (
            exports.members(user, campaign)
            .select_related("account")
            .order_by(member_sort, "account_id")
        )
        res = results.campaign_results(campaign, user)
        context |= {
            "page_obj": paginate(request, members),
            "sort": member_sort,
            "results": res,
            "spec": results.chart_spec(res),
            "credit": influence.credited(campaign, model, user),
        }
    else:
        context["preview"] = targeting.preview(
            user, targeting.Criteria.of(campaign), campaign.control_share
        )
    return render(request, "campaigns/pages/detail.html", context)


@login_required
def campaign_launch(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation (the freeze is irreversible); POST: launch."""
    campaign = _campaign(pk)
    user = _user(request)
    if not services.may_change(user, campaign):
        raise PermissionDenied("Only the campaign's owner, managers and admins launch it.")
    if request.method == "POST":
        try:
            launched = services.launch(campaign, user)
            influence.recompute(launched)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("campaigns:detail", pk=campaign.pk)
        messages.success(
            request,
            f"Launched: {launched.target_count:,} accounts frozen, "
            f"{launched.control_count:,} held out as control.",
        )
        return redirect("campaigns:detail", pk=campaign.pk)
    preview = targeting.preview(user, targeting.Criteria.of(campaign), campaign.control_share)
    return render(request, "campaigns/pages/launch.html", {"c": campaign, "preview": preview})


@login_required
@require_POST
def campaign_late_joins(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the accounts that match the campaign now but were not frozen in."""
    campaign = _campaign(pk)
    user = _user(request)
    if not services.may_change(user, campaign):
        raise PermissionDenied("Only the campaign's owner, managers and admins change it.")
    try:
        n = services.add_late_joins(campaign, user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{n:,} late join{'s' if n != 1 else ''} recorded.")
    return redirect("campaigns:detail", pk=campaign.pk)


@login_required
@require_POST
def campaign_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    """Recompute the campaign's credit from the opportunities as they are now."""
    campaign = _campaign(pk)
    if not services.may_change(_user(request), campaign):
        raise PermissionDenied("Only the campaign's owner, managers and admins change it.")
    n = influence.recompute(campaign)
    messages.success(request, f"Credit recomputed: {n:,} influence rows.")
    return redirect("campaigns:detail", pk=campaign.pk)


@login_required
def campaign_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The contacts with a buying role at the targeted accounts, as CSV or XLSX."""
    if fmt not in FORMATS:
        raise Http404("Unknown format")
    campaign = _campaign(pk)
    if not campaign.is_launched:
        raise Http404("A draft has no frozen list yet.")
    rows = exports.contact_rows(_user(request), campaign)
    return table_response(exports.HEADER, rows, fmt, exports.file_name(campaign))


@login_required
def campaign_influence(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's credit rows in Salesforce's CampaignInfluence shape (CSV)."""
    from accountplan.book.models import Account

    campaign = _campaign(pk)
    visible = Account.objects.for_user(_user(request)).values("pk")
    qs = campaign.influences.filter(opportunity__account_id__in=visible).order_by("model", "pk")
    return table_response(
        influence.HEADER, influence.influence_rows(qs), "csv",
        exports.file_name(campaign, "influence"),
    )  # fmt: skip

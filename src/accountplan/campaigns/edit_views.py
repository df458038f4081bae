"""Editing and deleting a campaign: every field of a draft (with its live preview), a launched
campaign's name, owner, budget and brief; deleting a draft after a confirmation. The owner
(marketing), managers and admins change a campaign (``services.may_change``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accountplan.campaigns import exports, services, targeting
from accountplan.campaigns.forms import CampaignForm, form_options, initial_of
from accountplan.campaigns.views import _campaign, _criteria, _user
from accountplan.core.errors import DomainError


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's form filled in; "Preview" counts the edited list, "Save changes" saves."""
    campaign = _campaign(pk)
    user = _user(request)
    if not services.may_change(user, campaign):
        raise PermissionDenied("Only the campaign's owner, managers and admins change it.")
    launched = campaign.is_launched
    options = form_options()
    preview = None
    if request.method == "POST":
        form = CampaignForm(request.POST, options=options, launched=launched)
        if form.is_valid():
            data = form.service_data()
            if launched or request.POST.get("action") == "save":
                try:
                    services.update_campaign(campaign, user, data)
                except DomainError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, "Changes saved; the history records them.")
                    return redirect("campaigns:detail", pk=campaign.pk)
            else:
                preview = targeting.preview(user, _criteria(data), data["control_share"])
    else:
        form = CampaignForm(initial=initial_of(campaign), options=options, launched=launched)
    context = {
        "c": campaign,
        "form": form,
        "preview": preview,
        "cancel_url": reverse("campaigns:detail", args=[campaign.pk]),
    }
    return render(request, "campaigns/pages/edit.html", context)


@login_required
def campaign_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation (or, for a launched campaign, why it cannot go); POST: delete."""
    campaign = _campaign(pk)
    user = _user(request)
    if not services.may_change(user, campaign):
        raise PermissionDenied("Only the campaign's owner, managers and admins delete a draft.")
    if request.method == "POST":
        try:
            services.delete_campaign(campaign, user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("campaigns:detail", pk=campaign.pk)
        messages.success(request, f"Draft “{campaign.name}” deleted.")
        return redirect("campaigns:list")
    context = {"c": campaign, "products": exports.product_names(campaign)}
    return render(request, "campaigns/pages/delete.html", context)

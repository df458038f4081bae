"""Logging a call, email, meeting, task or note on an account from its page (issue 11: a silent
account or a stakeholder not touched in 90 days is fixed by touching them, and the activity the
user logs here is what the rules then see).

Activities mostly arrive with imports; one logged here has no external id, so a later import never
overwrites it. Who may log: whoever writes the account's plans (its owner, its team, managers and
admins; never a Viewer).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accountplan.book.choices import ActivityKind
from accountplan.book.models import Account, Activity, Contact
from accountplan.plans.querysets import can_edit_account_plans

if TYPE_CHECKING:
    from accountplan.core.models import User


class ActivityForm(forms.Form):
    """One activity on ``account``: its kind, subject, date (not in the future), the contact
    touched (one of the account's), notes."""

    kind = forms.ChoiceField(choices=ActivityKind.choices, initial=ActivityKind.CALL)
    subject = forms.CharField(max_length=255)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    contact = forms.ModelChoiceField(
        queryset=Contact.objects.none(), required=False, empty_label="—"
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, account: Account, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        self.today = timezone.localdate()
        self.fields["date"].initial = self.today
        self.fields["date"].widget.attrs["max"] = self.today.isoformat()
        contacts = Contact.objects.filter(account=account).order_by("last_name", "first_name")
        self.fields["contact"].queryset = contacts  # type: ignore[attr-defined]
        self.fields["contact"].label_from_instance = _contact_label  # type: ignore[attr-defined]
        self.fields["subject"].widget.attrs["placeholder"] = "Call with the CFO"

    def clean_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["date"]
        if day > self.today:
            raise forms.ValidationError("An activity is logged once it happened: not after today.")
        return day

    def save(self, user: User) -> Activity:
        data = self.cleaned_data
        return Activity.objects.create(
            account=self.account,
            contact=data["contact"],
            kind=data["kind"],
            subject=data["subject"].strip(),
            date=data["date"],
            owner=user,
            notes=data["notes"].strip(),
        )


def _contact_label(contact: Contact) -> str:
    name = contact.full_name
    return f"{name} · {contact.title}" if contact.title else name


def form_for(user: User, account: Account) -> ActivityForm | None:
    """The empty form for the account page, or None when ``user`` may not log on ``account``."""
    return ActivityForm(account) if can_edit_account_plans(user, account) else None


@login_required
@require_POST
def log_activity(request: HttpRequest, pk: int) -> HttpResponse:
    """Log an activity on a visible account (404 otherwise), for who writes its plans (403)."""
    user: User = request.user  # type: ignore[assignment]
    account = get_object_or_404(Account.objects.for_user(user), pk=pk)
    if not can_edit_account_plans(user, account):
        raise PermissionDenied("You can read this account but not log activities on it.")
    form = ActivityForm(account, request.POST)
    if form.is_valid():
        activity = form.save(user)
        messages.success(request, f"Logged: {activity.subject} ({activity.get_kind_display()}).")
    else:
        problems = "; ".join(
            f"{k.capitalize()}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items()
        )
        messages.error(request, f"The activity was not logged. {problems}")
    return redirect(reverse("book:account_detail", args=[account.pk]) + "#timeline")

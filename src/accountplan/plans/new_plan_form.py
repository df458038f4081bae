"""The form that starts a plan: an account among the user's visible ones, and a period."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse

from accountplan.book.models import Account
from accountplan.core.widgets import FastSelect
from accountplan.plans.forms import PeriodField

#: Up to a dozen accounts the select lists them; past that the account is typed (type-ahead on
#: the global search's matching: case, accents and small typos forgiven), never a long dropdown.
FASTSELECT_LIMIT = 12


class AccountField(forms.TypedChoiceField):
    """An account id; with ``searched`` set, any account of that queryset is valid (its options
    are not all on the page)."""

    searched: QuerySet[Account] | None = None

    def valid_value(self, value: Any) -> bool:
        if self.searched is None:
            return super().valid_value(value)
        return str(value).isdigit() and self.searched.filter(pk=int(value)).exists()


class NewPlanForm(forms.Form):
    """Start a plan: an account the user may see and a period.

    ``accounts`` is the user's visible accounts (a queryset, never a list): up to
    ``FASTSELECT_LIMIT`` of them the select lists them all, beyond it the page ships a search box
    (``FastSelect``) and the choice is checked against the queryset, one query.
    """

    account = AccountField(coerce=int, label="Account")
    period = PeriodField(label="Period")

    def __init__(self, *args: Any, accounts: QuerySet[Account], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.accounts = accounts
        field = self.fields["account"]
        field.error_messages["invalid_choice"] = "Pick one of your accounts from the list."
        few = list(
            accounts.order_by("name", "pk").values_list("pk", "name")[: FASTSELECT_LIMIT + 1]
        )
        if len(few) <= FASTSELECT_LIMIT:
            field.choices = [("", "Choose an account…"), *((str(pk), n) for pk, n in few)]  # type: ignore[attr-defined]
            return
        chosen = self._chosen()
        field.widget = FastSelect(reverse("book:account_choices"), "account")
        field.choices = [("", "Choose an account…"), *chosen]  # type: ignore[attr-defined]
        field.searched = accounts  # type: ignore[attr-defined]

    def _chosen(self) -> list[tuple[str, str]]:
        """The option of the account already chosen (a redisplayed form), if any."""
        raw = (self.data.get("account") if self.is_bound else self.initial.get("account")) or ""
        if not str(raw).isdigit():
            return []
        return [
            (str(pk), n) for pk, n in self.accounts.filter(pk=int(raw)).values_list("pk", "name")
        ]

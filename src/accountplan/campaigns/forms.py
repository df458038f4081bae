"""The campaign form: new (also what suggested campaigns open), and edit (every field of a draft;
a launched campaign's name, owner, budget and brief)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q

from accountplan.book.models import Product
from accountplan.campaigns.models import Campaign, CampaignPlay
from accountplan.campaigns.services import CAMPAIGN_ROLES, LAUNCHED_EDITABLE
from accountplan.core.models import User


class CampaignForm(forms.Form):
    """A campaign's play, targets, dates, owner's budget and brief, and list filters."""

    name = forms.CharField(max_length=200)
    play = forms.ChoiceField(choices=CampaignPlay.choices, help_text="The grid quadrant aimed at.")
    products = forms.ModelMultipleChoiceField(
        queryset=Product.objects.none(), required=False, label="Target products",
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    families = forms.MultipleChoiceField(
        choices=[], required=False, label="Target families", widget=forms.CheckboxSelectMultiple,
        help_text="A family means every product in it.",
    )  # fmt: skip
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), help_text="Marketing, a manager or an admin runs it."
    )
    budget = forms.DecimalField(min_value=Decimal(0), max_digits=18, decimal_places=2,
                                initial=Decimal(0))  # fmt: skip
    message_brief = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    territory = forms.ChoiceField(choices=[], required=False)
    industry = forms.ChoiceField(choices=[], required=False)
    tier = forms.TypedChoiceField(
        choices=[("", "Any"), ("1", "Tier 1"), ("2", "Tier 2"), ("3", "Tier 3")],
        coerce=int, empty_value=None, required=False,
    )  # fmt: skip
    min_whitespace = forms.DecimalField(
        required=False, min_value=Decimal(0), label="Minimum white space in the target products"
    )
    propensity = forms.BooleanField(
        required=False, label="Only accounts whose next best products include a target product"
    )
    control_share = forms.DecimalField(
        min_value=Decimal(0), max_value=Decimal("0.5"), decimal_places=3, initial=Decimal("0.1"),
        help_text="Share held out at launch to measure lift (0 to 0.5).",
    )  # fmt: skip
    seed = forms.IntegerField(min_value=0, initial=1)
    influence_days = forms.IntegerField(min_value=0, max_value=730, initial=90,
                                        label="Influenced window: days after the end")  # fmt: skip

    def __init__(
        self, *args: Any, options: dict[str, list[str]], launched: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        f = self.fields
        f["owner"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            Q(is_superuser=True) | Q(role__in=CAMPAIGN_ROLES), is_active=True
        ).order_by("first_name", "last_name", "username")
        f["products"].queryset = Product.objects.filter(active=True).order_by("family", "name")  # type: ignore[attr-defined]
        f["families"].choices = [(x, x) for x in options.get("families", [])]  # type: ignore[attr-defined]
        f["territory"].choices = [("", "Any"), *((x, x) for x in options.get("territories", []))]  # type: ignore[attr-defined]
        f["industry"].choices = [("", "Any"), *((x, x) for x in options.get("industries", []))]  # type: ignore[attr-defined]
        today = dt.date.today()
        self.fields["start_date"].initial = today
        self.fields["end_date"].initial = today + dt.timedelta(days=90)
        self.launched = launched
        if launched:  # the list, dates and control group are frozen
            for name in [n for n in f if n not in LAUNCHED_EDITABLE]:
                del f[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.launched:
            return data
        if not data.get("products") and not data.get("families"):
            raise forms.ValidationError("Choose at least one target product or product family.")
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date comes before the start date.")
        return data

    def service_data(self) -> dict[str, Any]:
        """What ``services.create_campaign`` takes."""
        d = dict(self.cleaned_data)
        if "products" in d:
            d["product_ids"] = [p.pk for p in d.pop("products")]
        if "families" in d:
            d["families"] = list(d.get("families") or [])
        return d


def initial_of(campaign: Campaign) -> dict[str, Any]:
    """The edit form's starting values: the campaign as saved."""
    names = [f for f in CampaignForm.base_fields if f not in ("products", "owner")]
    initial = {name: getattr(campaign, name) for name in names}
    initial["products"] = list(campaign.products.values_list("pk", flat=True))
    initial["families"] = list(campaign.families or [])
    initial["owner"] = campaign.owner_id
    return initial


def form_options() -> dict[str, list[str]]:
    """The choices of the form's filters, from the book (three distinct-value queries)."""
    from accountplan.book.models import Account

    def distinct(qs: Any, field: str) -> list[str]:
        return [v for v in qs.order_by(field).values_list(field, flat=True).distinct() if v]

    return {
        "families": distinct(Product.objects.all(), "family"),
        "territories": distinct(Account.objects.all(), "territory"),
        "industries": distinct(Account.objects.all(), "industry"),
    }

"""GET forms of the book's list pages: they parse query parameters leniently, so a junk value is
reported and ignored instead of failing the page."""

from __future__ import annotations

from typing import Any

from django import forms

from accountplan.book.product_selectors import PRODUCT_SORTS
from accountplan.book.selectors import (
    ACCOUNT_SORTS,
    PLAY_ORDER,
    UNSCORED,
    AccountFilterOptions,
)

#: The filters that need an analytics snapshot (tier, play, cost-to-serve flag).
SCORE_FILTERS = ("tier", "play", "cts")


def _sort_choices(sorts: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    return [(key, key) for key in sorts] + [(f"-{key}", f"-{key}") for key in sorts]


class LenientGetForm(forms.Form):
    """A filter form whose invalid fields fall back to their empty value.

    ``values`` holds the usable cleaned values; ``notices`` says which parameters were ignored
    and why, so the page can tell the user what to fix.
    """

    defaults: dict[str, Any] = {}
    labels_for_notices: dict[str, str] = {}

    def __init__(self, data: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, **kwargs)
        self.values: dict[str, Any] = dict(self.defaults)
        self.notices: list[str] = []

    def parse(self) -> dict[str, Any]:
        """Validate and return the usable values, recording a notice per ignored parameter."""
        self.is_valid()
        for name in self.fields:
            if name in self.errors:
                raw = str(self.data.get(name, ""))[:60]
                label = self.labels_for_notices.get(name, name)
                self.notices.append(f"Ignored {label} “{raw}”: pick one of the listed values.")
                continue
            value = self.cleaned_data.get(name)
            if value not in (None, ""):
                self.values[name] = value
        return self.values


class AccountFilterForm(LenientGetForm):
    """Search, filters and sort of the accounts list."""

    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Name or external id",
                "autofocus": True,
                "autocomplete": "off",
            }
        ),
    )
    owner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Owner")
    segment = forms.ChoiceField(required=False, label="Segment")
    industry = forms.ChoiceField(required=False, label="Industry")
    territory = forms.ChoiceField(required=False, label="Territory")
    tier = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Tier",
        choices=[("", "All"), ("1", "Tier 1"), ("2", "Tier 2"), ("3", "Tier 3")],
    )
    play = forms.ChoiceField(
        required=False,
        label="Play",
        choices=[("", "All"), *((p, p) for p in PLAY_ORDER), (UNSCORED, "Unscored")],
    )
    cts = forms.ChoiceField(
        required=False,
        label="Cost to serve",
        choices=[("", "Any"), ("flagged", "Flagged"), ("ok", "Not flagged")],
    )
    planned = forms.ChoiceField(
        required=False,
        label="Active plan",
        choices=[("", "Any"), ("yes", "Has one"), ("no", "Has none")],
    )
    sort = forms.ChoiceField(
        required=False, choices=_sort_choices(ACCOUNT_SORTS), widget=forms.HiddenInput
    )

    defaults = {
        "q": "",
        "owner": None,
        "segment": "",
        "industry": "",
        "territory": "",
        "tier": None,
        "play": "",
        "cts": "",
        "planned": "",
        "sort": "name",
    }
    labels_for_notices = {
        "owner": "owner",
        "sort": "sort order",
        "cts": "cost to serve",
        "planned": "active plan",
    }

    def __init__(self, data: Any, options: AccountFilterOptions, *, scored: bool = True) -> None:
        """``scored`` False (no analytics snapshot yet) drops the tier, play and cost-to-serve
        filters; a value given for one of them is reported and ignored."""
        super().__init__(data)
        self.scored = scored
        if not scored:
            for name in SCORE_FILTERS:
                del self.fields[name]
                raw = str(data.get(name, "") if data is not None else "")[:60]
                if raw:
                    label = self.labels_for_notices.get(name, name)
                    self.notices.append(
                        f"Ignored {label} “{raw}”: no scores yet (no analytics snapshot)."
                    )
        choices: dict[str, list[tuple[Any, str]]] = {
            "owner": [("", "All"), *options.owners],
            "segment": [("", "All")] + [(v, v) for v in options.segments],
            "industry": [("", "All")] + [(v, v) for v in options.industries],
            "territory": [("", "All")] + [(v, v) for v in options.territories],
        }
        for name, values in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = values

    @property
    def is_filtered(self) -> bool:
        """Whether a search or a filter narrows the list (sort alone does not)."""
        return any(
            self.values.get(k) not in (None, "")
            for k in ("q", "owner", "segment", "industry", "territory", *SCORE_FILTERS)
        )


class ProductFilterForm(LenientGetForm):
    """Search, family filter and sort of the products list."""

    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Name or external id", "autofocus": True}
        ),
    )
    family = forms.ChoiceField(required=False, label="Family")
    sort = forms.ChoiceField(
        required=False, choices=_sort_choices(PRODUCT_SORTS), widget=forms.HiddenInput
    )

    defaults = {"q": "", "family": "", "sort": "family"}
    labels_for_notices = {"sort": "sort order"}

    def __init__(self, data: Any, families: list[str]) -> None:
        super().__init__(data)
        field = self.fields["family"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "All families")] + [(v, v) for v in families]

    @property
    def is_filtered(self) -> bool:
        """Whether a search or the family filter narrows the list."""
        return bool(self.values.get("q") or self.values.get("family"))

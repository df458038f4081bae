"""GET forms of the portfolio pages: lenient, so a junk parameter is reported and ignored."""

from __future__ import annotations

from typing import Any

from django import forms

from accountplan.analytics.grid import PLAYS
from accountplan.book.forms import LenientGetForm
from accountplan.book.selectors import AccountFilterOptions
from accountplan.portfolio.selectors import SCORE_SORTS, ScoreFilters

SORT_CHOICES = [(k, k) for k in SCORE_SORTS] + [(f"-{k}", f"-{k}") for k in SCORE_SORTS]
TIER_CHOICES = [("", "All tiers"), ("1", "Tier 1"), ("2", "Tier 2"), ("3", "Tier 3")]
PLAY_CHOICES = [("", "All plays"), *((p, p) for p in PLAYS), ("none", "Unscored")]
FILTER_KEYS = ("q", "owner", "territory", "segment", "industry", "tier", "play")


class ScoreFilterForm(LenientGetForm):
    """Owner, territory, segment, industry, tier and play filters, plus the sort."""

    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Account name or id"}),
    )
    owner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Owner")
    territory = forms.ChoiceField(required=False, label="Territory")
    segment = forms.ChoiceField(required=False, label="Segment")
    industry = forms.ChoiceField(required=False, label="Industry")
    tier = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, choices=TIER_CHOICES, label="Tier"
    )
    play = forms.ChoiceField(required=False, choices=PLAY_CHOICES, label="Play")
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, widget=forms.HiddenInput)

    defaults: dict[str, Any] = {
        "q": "",
        "owner": None,
        "territory": "",
        "segment": "",
        "industry": "",
        "tier": None,
        "play": "",
        "sort": "-whitespace",
    }
    labels_for_notices = {"sort": "sort order", "level": "level", "family": "family"}

    def __init__(self, data: Any, options: AccountFilterOptions) -> None:
        super().__init__(data)
        choices: dict[str, list[tuple[Any, str]]] = {
            "owner": [("", "All owners"), *options.owners],
            "territory": [("", "All territories")] + [(v, v) for v in options.territories],
            "segment": [("", "All segments")] + [(v, v) for v in options.segments],
            "industry": [("", "All industries")] + [(v, v) for v in options.industries],
        }
        for name, values in choices.items():
            f = self.fields[name]
            assert isinstance(f, forms.ChoiceField)
            f.choices = values

    def filters(self) -> ScoreFilters:
        """The parsed filters (call ``parse`` first)."""
        v = self.values
        return ScoreFilters(
            owner=v["owner"],
            territory=v["territory"],
            segment=v["segment"],
            industry=v["industry"],
            tier=v["tier"],
            play=v["play"],
            q=v["q"],
        )

    @property
    def is_filtered(self) -> bool:
        """Whether any filter narrows the rows (sort alone does not)."""
        return any(self.values.get(k) not in (None, "") for k in FILTER_KEYS)


class MapFilterForm(ScoreFilterForm):
    """The white space map's filters: those of the grid plus the columns (products or families),
    a family and one product. Narrowing the columns also ranks and totals the rows by them."""

    level = forms.ChoiceField(required=False, label="Columns")
    family = forms.ChoiceField(required=False, label="Family")
    item = forms.ChoiceField(required=False, label="Product")

    def __init__(
        self,
        data: Any,
        options: AccountFilterOptions,
        levels: list[str],
        families: list[str],
        items: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(data, options)
        self.defaults = {
            **self.defaults,
            "level": levels[0] if levels else "",
            "family": "",
            "item": "",
        }
        self.values = dict(self.defaults)
        level = self.fields["level"]
        assert isinstance(level, forms.ChoiceField)
        # Both levels are offered: family columns not computed yet are one click away.
        level.choices = [("product", "Products"), ("family", "Families")]
        fam = self.fields["family"]
        assert isinstance(fam, forms.ChoiceField)
        fam.choices = [("", "All families")] + [(f, f or "(none)") for f in families if f]
        item = self.fields["item"]
        assert isinstance(item, forms.ChoiceField)
        item.choices = [("", "All"), *(items or [])]

    @property
    def narrowed(self) -> bool:
        """Whether the columns are narrowed (a family or one product)."""
        return bool(self.values.get("family") or self.values.get("item"))

    @property
    def is_filtered(self) -> bool:
        return super().is_filtered or self.narrowed


class GridFilterForm(ScoreFilterForm):
    """The grid's filters (the play is the list's tab)."""

"""``FastRenderer`` writes the stock widgets exactly as Django's templates do, for every widget
kind the app uses and for every form of the app that can be built without a request."""

from __future__ import annotations

import importlib
import pkgutil
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

import accountplan
from accountplan.core.form_renderer import FastRenderer

STOCK = DjangoTemplates()
FAST = FastRenderer()

CHOICES: list[Any] = [
    ("", "—"),
    (1, 'Tom & "Jerry" <Co>'),
    (Decimal("2.50"), gettext_lazy("Lazy label")),
    ("Group A", [("a1", "A one"), ("a2", mark_safe("<b>safe</b>"))]),
    (12345, 12345),
]


class Everything(forms.Form):
    text = forms.CharField(initial='a "quoted" <value> & more', max_length=20)
    search = forms.CharField(widget=forms.TextInput(attrs={"type": "search", "autofocus": True}))
    hidden = forms.CharField(widget=forms.HiddenInput, initial=7)
    number = forms.DecimalField(initial=Decimal("1234.5"), required=False)
    email = forms.EmailField(required=False)
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    flag = forms.BooleanField(required=False, initial=True)
    off = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"disabled": False}))
    one = forms.ChoiceField(choices=CHOICES, initial=1)
    many = forms.MultipleChoiceField(choices=CHOICES, initial=["a2", 12345], required=False)
    boxes = forms.MultipleChoiceField(
        choices=CHOICES, widget=forms.CheckboxSelectMultiple(attrs={"class": "picker"}),
        initial=["a1"], required=False,
    )  # fmt: skip
    radio = forms.ChoiceField(choices=CHOICES[1:], widget=forms.RadioSelect, initial="a1")
    plain_boxes = forms.MultipleChoiceField(
        choices=[("x", "X")], widget=forms.CheckboxSelectMultiple(attrs={"id": ""}), required=False
    )
    password = forms.CharField(widget=forms.PasswordInput)
    notes = forms.CharField(widget=forms.Textarea, initial="<script>x</script>", required=False)


def _both(form: forms.BaseForm) -> tuple[list[str], list[str]]:
    """Each field's widget, drawn by Django's templates and by ``FastRenderer``."""
    drawn: dict[str, list[str]] = {}
    for key, renderer in (("stock", STOCK), ("fast", FAST)):
        form.renderer = renderer
        drawn[key] = [str(bound) for bound in form]
    return drawn["stock"], drawn["fast"]


@pytest.mark.parametrize("bound", [False, True])
def test_every_stock_widget_is_written_as_the_templates_write_it(bound: bool) -> None:
    data = {"text": "x<y", "one": "a2", "many": ["1", "a1"], "boxes": ["12345"], "radio": "1"}
    form = Everything(data) if bound else Everything()
    stock, fast = _both(form)
    assert len(stock) == len(Everything.base_fields)
    for s, f in zip(stock, fast, strict=True):
        assert f == s
    assert "&lt;Co&gt;" in "".join(fast) and "<b>safe</b>" in "".join(fast)


def _app_forms() -> list[type[forms.BaseForm]]:
    for mod in pkgutil.walk_packages(accountplan.__path__, "accountplan."):
        if mod.name.endswith(("forms", "page_forms", "new_plan_form")):
            importlib.import_module(mod.name)
    seen: list[type[forms.BaseForm]] = []
    stack: list[type[Any]] = [forms.Form, forms.ModelForm]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith("accountplan."):
                seen.append(sub)
    return seen


@pytest.mark.django_db
def test_the_apps_own_forms_render_the_same_both_ways() -> None:
    compared = 0
    for cls in _app_forms():
        try:
            form = cls()
        except TypeError:  # needs a user, a plan …: its widgets are the stock ones tested above
            continue
        stock, fast = _both(form)
        assert fast == stock, cls.__name__
        compared += 1
    assert compared >= 5, compared


def test_the_filter_forms_with_their_choices_render_the_same_both_ways() -> None:
    """The forms the lists draw on every request, with selections made (the pages' hot path)."""
    from accountplan.book.forms import AccountFilterForm, ProductFilterForm
    from accountplan.book.selectors import AccountFilterOptions
    from accountplan.plans.forms import PlanFilterForm
    from accountplan.portfolio.page_forms import GridFilterForm, MapFilterForm

    options = AccountFilterOptions(
        owners=[(1, "Ann <Lee>"), (2, "Bo & Co")],
        segments=["Enterprise", "SMB"],
        industries=['Retail "big"', "Software"],
        territories=["North America", "EMEA"],
    )
    data = {"owner": "2", "territory": "EMEA", "industry": 'Retail "big"', "family": ["Cloud"]}
    families = ["Cloud", "Devices & more"]
    items = [("p1", "Widget <1>"), ("p2", "Gadget")]
    built = [
        AccountFilterForm(data, options),
        ProductFilterForm(data, families),
        GridFilterForm(data, options),
        MapFilterForm(data, options, ["product", "family"], families, items),
        PlanFilterForm(
            data, owners=[(1, "Ann")], periods=["FY2026", "FY2027"], statuses=[("active", "Active")]
        ),
    ]
    for form in built:
        stock, fast = _both(form)
        assert fast == stock, type(form).__name__
        assert len(fast) >= 3

"""Form widgets drawn without the template engine's per-option cost.

Django draws each ``<option>`` and each checkbox of a form through an included template: a
filter form with a hundred products and forty territories is 300 template includes, 38 ms of
the white space map's 55 ms. ``FastRenderer`` writes the stock widget templates (select,
option, checkbox and radio lists, inputs) in Python, character for character what the
templates write (``tests/core/test_form_renderer.py`` renders every form of the app both ways
and compares), and leaves every other template (ours, e.g. ``core/widgets/fastselect.html``) to
the template engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe


def _text(value: Any) -> str:
    """``{{ value }}`` in a template: localized, then escaped unless already safe."""
    if isinstance(value, SafeData):
        return str(value)
    if not isinstance(value, str):
        value = localize(value)
    return str(conditional_escape(value))


def _plain(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: ``%s`` (no localizing), escaped unless already safe."""
    if isinstance(value, SafeData):
        return str(value)
    return str(conditional_escape("%s" % (value,)))  # noqa: UP031 (the filter's own formatting)


def _attrs(attrs: Mapping[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_plain(value)}"')
    return "".join(out)


def _input(w: Mapping[str, Any]) -> str:
    """``django/forms/widgets/input.html`` (and text, hidden, checkbox, radio …)."""
    value = w.get("value")
    shown = f' value="{_plain(value)}"' if value is not None else ""
    return (
        f'<input type="{_text(w["type"])}" name="{_text(w["name"])}"{shown}{_attrs(w["attrs"])}>\n'
    )


def _input_option(w: Mapping[str, Any]) -> str:
    """``django/forms/widgets/input_option.html``: a checkbox or radio with its label."""
    if not w.get("wrap_label"):
        return _input(w) + "\n"
    ident = w["attrs"].get("id")
    target = f' for="{_text(ident)}"' if ident else ""
    return f"<label{target}>{_input(w)} {_text(w['label'])}</label>\n"


def _wrapped_option(w: Mapping[str, Any]) -> str:
    """``checkbox_option.html`` and ``radio_option.html``: the input option, one more newline."""
    return _input_option(w) + "\n"


def _select_option(w: Mapping[str, Any]) -> str:
    """``django/forms/widgets/select_option.html``."""
    return (
        f'<option value="{_plain(w["value"])}"{_attrs(w["attrs"])}>{_text(w["label"])}</option>\n'
    )


OPTION_WRITERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "django/forms/widgets/select_option.html": _select_option,
    "django/forms/widgets/input_option.html": _input_option,
    "django/forms/widgets/checkbox_option.html": _wrapped_option,
    "django/forms/widgets/radio_option.html": _wrapped_option,
}


def _option(option: Mapping[str, Any]) -> str | None:
    writer = OPTION_WRITERS.get(option["template_name"])
    return writer(option) if writer is not None else None


def _select(w: Mapping[str, Any]) -> str | None:
    """``django/forms/widgets/select.html``."""
    out = [f'<select name="{_text(w["name"])}"{_attrs(w["attrs"])}>']
    for group_name, group_choices, _index in w["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            html = _option(option)
            if html is None:
                return None
            out.append(f"\n  {html}")
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>\n")
    return "".join(out)


def _multiple_input(w: Mapping[str, Any]) -> str | None:
    """``django/forms/widgets/multiple_input.html`` (checkbox and radio lists)."""
    ident = w["attrs"].get("id")
    css = w["attrs"].get("class")
    out = [
        "<div",
        f' id="{_text(ident)}"' if ident else "",
        f' class="{_text(css)}"' if css else "",
    ]
    out.append(">")
    for group, options, _index in w["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{_text(group)}</label>")
        for option in options:
            html = _option(option)
            if html is None:
                return None
            out.append(f"<div>\n    {html}</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>\n")
    return "".join(out)


def _multiple_input_file(w: Mapping[str, Any]) -> str | None:
    """``checkbox_select.html`` and ``radio.html``: the list, one more newline."""
    html = _multiple_input(w)
    return html + "\n" if html is not None else None


def _plain_input(w: Mapping[str, Any]) -> str | None:
    """``text.html``, ``hidden.html`` …: the input, one more newline."""
    return _input(w) + "\n"


#: Each writer returns what its template file writes, trailing newlines included (an included
#: template keeps its file's last newline; only the outermost render is stripped, as Django does).
WRITERS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    "django/forms/widgets/input.html": _input,
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/checkbox_select.html": _multiple_input_file,
    "django/forms/widgets/radio.html": _multiple_input_file,
    **{
        f"django/forms/widgets/{kind}.html": _plain_input
        for kind in (
            "text",
            "hidden",
            "number",
            "email",
            "url",
            "password",
            "search",
            "date",
            "datetime",
            "time",
            "checkbox",
            "tel",
            "color",
        )
    },
}


class FastRenderer(DjangoTemplates):
    """The stock renderer, with the stock widget templates written in Python."""

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        writer = WRITERS.get(template_name)
        widget = context.get("widget")
        if writer is not None and isinstance(widget, Mapping):
            html = writer(widget)
            if html is not None:
                return mark_safe(html.strip())  # noqa: S308 (every value above went through conditional_escape)
        return super().render(template_name, context, request)

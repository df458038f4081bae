"""Form widgets for big books.

``FastSelect`` is a choice of one row among many (an account among 100,000): the page ships a
search box and a select holding only the chosen option; ``fastselect.js`` fills the select from
a small JSON endpoint as the user types. A choice among few rows stays a plain select.
"""

from __future__ import annotations

from typing import Any

from django import forms

#: Up to this many rows, the select lists them all (no JavaScript needed).
FASTSELECT_LIMIT = 200


class FastSelect(forms.Select):
    """A select whose options are searched on demand from ``url`` (``?q=`` → JSON
    ``{"results": [{"id": 1, "label": "Acme"}]}``); ``selected`` holds the chosen option."""

    template_name = "core/widgets/fastselect.html"

    def __init__(self, url: str, noun: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.url = url
        self.noun = noun

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["url"] = self.url
        context["widget"]["noun"] = self.noun
        return context

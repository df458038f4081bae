"""The sign-in form: Django's, throttled (``core.throttle``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from accountplan.core import throttle


class ThrottledAuthenticationForm(AuthenticationForm):
    """Refuses while an account or an address has too many recent failures; counts failures."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        address = self.request.META.get("REMOTE_ADDR") if self.request else None
        reason = throttle.refusal(username, address)
        if reason:
            raise ValidationError(reason, code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            throttle.record_failure(username, address)
            raise
        throttle.clear(username)
        return cleaned

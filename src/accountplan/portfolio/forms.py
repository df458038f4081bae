"""The scorecard form: weights, ICP, thresholds and peer group, validated by the TOML's rules."""

from __future__ import annotations

from typing import Any

from django import forms

from accountplan.portfolio.models import Scorecard
from accountplan.portfolio.scorecard import ATTRIBUTE_KEYS, ScorecardError, validate


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


class ScorecardForm(forms.ModelForm[Scorecard]):
    """Edit the default scorecard; industries and regions are comma-separated."""

    industries = forms.CharField(required=False, help_text="Comma-separated, e.g. Retail, Banking")
    regions = forms.CharField(required=False, help_text="Comma-separated territories or countries")

    class Meta:
        model = Scorecard
        fields = [
            *(f"weight_{k}" for k in ATTRIBUTE_KEYS),
            "icp_min_employees",
            "icp_max_employees",
            "tier1_min_percentile",
            "full_share",
            "min_peers",
            "peer_field",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left out of a post (an older form or script): the scorecard keeps its peer group.
        self.fields["peer_field"].required = False
        if self.instance.pk:
            self.fields["industries"].initial = ", ".join(self.instance.icp_industries or [])
            self.fields["regions"].initial = ", ".join(self.instance.icp_regions or [])

    def clean(self) -> dict[str, Any]:
        """Apply the scorecard rules (weights not all zero, tier-1 percentile 80-90, ...)."""
        data = super().clean() or {}
        if self.errors:
            return data
        data["peer_field"] = data.get("peer_field") or self.instance.peer_field
        payload = {
            "weights": {k: data.get(f"weight_{k}") or 0.0 for k in ATTRIBUTE_KEYS},
            "icp": {
                "industries": _split(data.get("industries") or ""),
                "regions": _split(data.get("regions") or ""),
                "min_employees": data.get("icp_min_employees"),
                "max_employees": data.get("icp_max_employees"),
            },
            "thresholds": {
                "tier1_min_percentile": data.get("tier1_min_percentile"),
                "full_share": data.get("full_share"),
                "min_peers": data.get("min_peers"),
            },
            "peers": {"group": data.get("peer_field")},
        }
        try:
            valid = validate(payload)
        except ScorecardError as exc:
            for message in exc.details or [exc.message]:  # type: ignore[attr-defined]
                self.add_error(None, str(message))
            return data
        self.instance.icp_industries = valid.icp_industries
        self.instance.icp_regions = valid.icp_regions
        return data

"""Admin for snapshots (read-mostly) and the scorecard."""

from __future__ import annotations

from django.contrib import admin

from accountplan.portfolio.forms import ScorecardForm
from accountplan.portfolio.models import Scorecard, Snapshot


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin[Snapshot]):
    list_display = ["pk", "as_of", "level", "window_months", "status", "trigger", "finished_at"]
    list_filter = ["status", "level", "trigger"]
    readonly_fields = [f.name for f in Snapshot._meta.fields]


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin[Scorecard]):
    form = ScorecardForm
    fieldsets = [
        (
            "Weights",
            {
                "fields": [
                    f"weight_{k}"
                    for k in (
                        "whitespace_value",
                        "icp_fit",
                        "growth",
                        "satisfaction",
                        "share_of_wallet_gap",
                    )
                ]
            },
        ),
        (
            "Ideal customer profile",
            {"fields": ["industries", "icp_min_employees", "icp_max_employees", "regions"]},
        ),
        ("Thresholds", {"fields": ["tier1_min_percentile", "full_share", "min_peers"]}),
        ("Peer group", {"fields": ["peer_field"]}),
    ]

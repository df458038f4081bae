"""Admin for import runs (read-only: a run is a record of what happened)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from accountplan.ingest.models import ImportRun, SavedMapping


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "user",
        "entity",
        "mapping_name",
        "file_name",
        "status",
        "rows_read",
        "created",
        "updated",
        "unchanged",
        "rejected",
    )
    list_filter = ("status", "entity", "mapping_name", "source")
    search_fields = ("file_name", "user__username")
    date_hierarchy = "created_at"
    exclude = ("file_data",)

    def get_readonly_fields(self, request: HttpRequest, obj: ImportRun | None = None) -> list[str]:
        return [f.name for f in ImportRun._meta.concrete_fields if f.name != "file_data"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(SavedMapping)
class SavedMappingAdmin(admin.ModelAdmin):
    list_display = ("name", "description", "updated_at", "updated_by")
    search_fields = ("name", "description")
    readonly_fields = ("created_at", "updated_at", "created_by", "updated_by")

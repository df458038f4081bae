"""A record of every import: who ran what, how it ended, its report and its rejected rows.

The uploaded file lives in the database between upload and preview; once the run is queued it
moves to the data folder for the background worker (``ingest.background``) until the run ends.
The report and the rejects CSV stay in the database.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from accountplan.ingest.querysets import ImportRunQuerySet, SavedMappingQuerySet
from accountplan.ingest.report import Status


class ImportRun(models.Model):
    """One import of one file for one entity, from the web or the command line."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_runs",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    entity = models.CharField(max_length=32)
    mapping_name = models.CharField(max_length=120)
    mapping_toml = models.TextField(blank=True, help_text="An uploaded mapping file's text.")
    file_name = models.CharField(max_length=255)
    file_size = models.PositiveBigIntegerField(default=0)
    file_data = models.BinaryField(
        null=True, blank=True, help_text="The uploaded file, kept between preview and run."
    )
    options = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=8, default="web", help_text="web or cli")
    status = models.CharField(max_length=24, choices=Status.CHOICES, default=Status.PENDING)
    rows_read = models.PositiveIntegerField(default=0)
    valid = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    rejects_csv = models.TextField(blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.entity} from {self.file_name} ({self.get_status_display()})"

    @property
    def badge(self) -> str:
        """The CSS badge class for the status."""
        return {
            Status.IMPORTED: "badge-ok",
            Status.PARTIAL: "badge-warn",
            Status.DRY_RUN: "badge-warn",
            Status.REFUSED: "badge-bad",
            Status.FAILED: "badge-bad",
        }.get(self.status, "")

    @property
    def error_count(self) -> int:
        """How many problems the report lists."""
        errors: Any = self.report.get("errors", [])
        return len(errors)


class SavedMapping(models.Model):
    """A column mapping saved from the import pages, for the next upload of the same layout.

    Stored as mapping TOML, the same text a mapping file holds, so a saved mapping can be
    downloaded and used on the command line, and an uploaded TOML file can be saved as one.
    There is one book per installation: everyone who may import shares its saved mappings.
    """

    name = models.CharField(max_length=120, unique=True)
    description = models.CharField(max_length=255, blank=True)
    toml = models.TextField(help_text="The mapping as TOML (docs/imports.md).")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SavedMappingQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

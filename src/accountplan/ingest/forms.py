"""The upload form for a new import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from accountplan.ingest.entities import ENTITY_CHOICES
from accountplan.ingest.errors import ImportFailed
from accountplan.ingest.mappings import BUILTIN, load_mapping, parse_mapping

MAX_UPLOAD = 50 * 1024 * 1024
MAX_MAPPING = 256 * 1024
CUSTOM = "custom"
MAPPING_CHOICES = [
    ("salesforce", "Salesforce (API names and report labels)"),
    ("hubspot", "HubSpot (export labels and internal names)"),
    ("maven", "Maven CRM sample"),
    (CUSTOM, "My own mapping file (TOML, upload below)"),
]


class NewImportForm(forms.Form):
    """A file, what it holds, which mapping reads it, and how to run."""

    file = forms.FileField(
        help_text="CSV (any delimiter, UTF-8 or Windows-1252) or XLSX, 50 MB max."
    )
    entity = forms.ChoiceField(choices=ENTITY_CHOICES, label="The file holds")
    mapping = forms.ChoiceField(choices=MAPPING_CHOICES, initial="salesforce")
    mapping_file = forms.FileField(required=False, label="Mapping file (TOML)")
    sheet = forms.CharField(
        required=False, max_length=120, help_text="XLSX only: the sheet to read (default: first)."
    )
    skip_invalid = forms.BooleanField(
        required=False, help_text="Import the valid rows and reject the others (downloadable)."
    )
    accept_suggestions = forms.BooleanField(
        required=False,
        help_text='Resolve unknown references to their suggestion ("GTXPro" → "GTX Pro").',
    )
    dry_run = forms.BooleanField(required=False, help_text="Check every row, write nothing.")

    mapping_text: str = ""

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        size = upload.size or 0
        if size > MAX_UPLOAD:
            raise forms.ValidationError(
                f"The file is {size / 1024 / 1024:.1f} MB; uploads are limited to 50 MB. "
                "Split it, or import it on the server with `accountplan import`."
            )
        if size == 0:
            raise forms.ValidationError("The file is empty.")
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        mapping = data.get("mapping")
        upload = data.get("mapping_file")
        if mapping == CUSTOM:
            if not upload:
                self.add_error(
                    "mapping_file", "Upload your TOML mapping file, or pick a built-in one."
                )
                return data
            if (upload.size or 0) > MAX_MAPPING:
                self.add_error("mapping_file", "A mapping file is at most 256 KB.")
                return data
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("mapping_file", "The mapping file must be UTF-8 text (TOML).")
                return data
            try:
                parsed = parse_mapping(text, (upload.name or "custom").rsplit(".", 1)[0])
            except ImportFailed as exc:
                self.add_error("mapping_file", exc.message)
                return data
            self.mapping_text = text
            entity = data.get("entity")
            if entity and entity not in parsed.entities:
                self.add_error(
                    "entity",
                    f"Your mapping has no [{entity}] section "
                    f"(it covers: {', '.join(parsed.entities)}).",
                )
        elif mapping in BUILTIN:
            if upload:
                self.add_error(
                    "mapping_file", "Choose “My own mapping file” to use an uploaded mapping."
                )
            covered = load_mapping(mapping).entities
            entity = data.get("entity")
            if entity and entity not in covered:
                self.add_error(
                    "entity",
                    f"The {mapping} mapping has no {entity} section (it covers: "
                    f"{', '.join(covered)}); upload your own mapping file for this entity.",
                )
        return data

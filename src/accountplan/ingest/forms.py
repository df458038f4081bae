"""The upload form for a new import."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from accountplan.ingest.entities import ENTITY_CHOICES
from accountplan.ingest.errors import ImportFailed
from accountplan.ingest.mappings import BUILTIN, Mapping, load_mapping, parse_mapping
from accountplan.ingest.models import SavedMapping
from accountplan.ingest.saved import SAVED_PREFIX, choices_for, parsed

if TYPE_CHECKING:
    from accountplan.core.models import User

MAX_UPLOAD = 50 * 1024 * 1024
MAX_MAPPING = 256 * 1024
CUSTOM = "custom"
PAGE = "page"
MAPPING_CHOICES = [
    ("salesforce", "Salesforce (API names and report labels)"),
    ("hubspot", "HubSpot (export labels and internal names)"),
    ("maven", "Maven CRM sample"),
    (PAGE, "Map the columns myself in the next step"),
    (CUSTOM, "My own mapping file (TOML, upload below)"),
]


def read_toml_upload(upload: UploadedFile) -> str:
    """An uploaded mapping file's text; a clear :class:`ImportFailed` when it cannot be one."""
    if (upload.size or 0) > MAX_MAPPING:
        raise ImportFailed("A mapping file is at most 256 KB.")
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed("The mapping file must be UTF-8 text (TOML).") from exc


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
        required=False,
        label="Import the valid rows",
        help_text="Import the valid rows and reject the others (downloadable). Without it, "
        "the preview still offers it when some rows have problems.",
    )
    accept_suggestions = forms.BooleanField(
        required=False,
        help_text='Resolve unknown references to their suggestion ("GTXPro" → "GTX Pro").',
    )
    dry_run = forms.BooleanField(required=False, help_text="Check every row, write nothing.")

    mapping_text: str = ""
    #: The name the run records for a saved or uploaded mapping.
    mapping_label: str = ""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        saved = choices_for(user)
        field = self.fields["mapping"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [*MAPPING_CHOICES[:3], *saved, *MAPPING_CHOICES[3:]]
        if saved:
            field.help_text = "Saved mappings are shared by everyone who imports into this book."

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        size = upload.size or 0
        if size > MAX_UPLOAD:
            raise forms.ValidationError(
                f"The file is {size / 1024 / 1024:.1f} MB; uploads are limited to 50 MB. "
                "Split it, or ask an administrator to import it on the server."
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
            try:
                text = read_toml_upload(upload)
                uploaded = parse_mapping(text, (upload.name or "custom").rsplit(".", 1)[0])
            except ImportFailed as exc:
                self.add_error("mapping_file", exc.message)
                return data
            self.mapping_text = text
            self.mapping_label = (upload.name or "custom").rsplit(".", 1)[0]
            self._covers(data, uploaded, "Your mapping")
        elif isinstance(mapping, str) and mapping.startswith(SAVED_PREFIX):
            pk = mapping.removeprefix(SAVED_PREFIX)
            found = (
                SavedMapping.objects.for_user(self.user).filter(pk=int(pk)).first()
                if pk.isdigit()
                else None
            )
            the_mapping = parsed(found) if found else None
            if found is None or the_mapping is None:
                self.add_error("mapping", "That saved mapping no longer exists or is broken.")
                return data
            self.mapping_text = found.toml
            self.mapping_label = found.name
            self._covers(data, the_mapping, f"The saved mapping “{found.name}”")
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
                    f"{', '.join(covered)}); map the columns yourself in the next step, "
                    "or upload your own mapping file.",
                )
        return data

    def _covers(self, data: dict[str, Any], mapping: Mapping, what: str) -> None:
        entity = data.get("entity")
        if entity and entity not in mapping.entities:
            self.add_error(
                "entity",
                f"{what} has no columns for {entity} (it covers: "
                f"{', '.join(mapping.entities)}); choose “Map the columns myself” instead.",
            )


class MappingUploadForm(forms.Form):
    """A TOML mapping uploaded on the preview page, replacing the page's mapping."""

    mapping_file = forms.FileField(label="Mapping file (TOML)")

    text: str = ""

    def clean_mapping_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["mapping_file"]
        try:
            self.text = read_toml_upload(upload)
            parse_mapping(self.text, (upload.name or "uploaded").rsplit(".", 1)[0])
        except ImportFailed as exc:
            raise forms.ValidationError(exc.message) from exc
        return upload


class SavedMappingForm(forms.Form):
    """Editing a saved mapping: its name, description and TOML text."""

    name = forms.CharField(max_length=120)
    description = forms.CharField(max_length=255, required=False)
    toml = forms.CharField(
        label="Mapping (TOML)",
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false", "class": "mono"}),
        help_text="The same format as a mapping file (see the importer guide).",
    )

    def clean_toml(self) -> str:
        text: str = self.cleaned_data["toml"]
        if len(text.encode()) > MAX_MAPPING:
            raise forms.ValidationError("A mapping is at most 256 KB.")
        try:
            parse_mapping(text, "saved")
        except ImportFailed as exc:
            raise forms.ValidationError(exc.message) from exc
        return text

"""What the preview page shows: the whole-file check, the first rows, the column mapping."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accountplan.core.models import User
from accountplan.ingest.errors import ImportFailed
from accountplan.ingest.forms import MappingUploadForm
from accountplan.ingest.mappings import Mapping
from accountplan.ingest.models import ImportRun, SavedMapping
from accountplan.ingest.page_mapping import (
    base_text,
    column_choices,
    field_options,
    has_advanced,
    load_data,
)
from accountplan.ingest.page_preview import check_whole_file, file_columns, run_options
from accountplan.ingest.services import ImportSource, preview_import

MAX_PROBLEMS_ON_PAGE = 1_000


def preview_context(
    request: HttpRequest, run: ImportRun, mapping: Mapping | None, mapping_error: str
) -> dict[str, Any]:
    """The preview page's context (the whole-file check runs once per mapping and options)."""
    user = request.user
    assert isinstance(user, User)
    whole = check_whole_file(run, mapping, user) if mapping is not None else None
    rows: list[dict[str, Any]] = []
    fields: list[str] = []
    if whole is not None and mapping is not None and not whole.refused:
        first = preview_import(
            run.entity,
            ImportSource(run.file_name, bytes(run.file_data or b"")),
            mapping,
            options=run_options(run),
        )
        fields = first.fields
        for row in first.rows:
            # The whole-file check's verdict, not the first rows' own: it sees duplicates.
            rows.append({**row, "errors": whole.problems.get(row["line"], [])})
    if whole is not None:
        headers, samples = whole.headers, whole.samples
    else:
        headers, samples = file_columns(run)
    try:
        data = load_data(base_text(run.mapping_name, run.mapping_toml))
    except ImportFailed:  # an unparsable mapping: start the columns from a guess
        data = {}
    choices = column_choices(run.entity, headers, data)
    for choice, sample in zip(choices, samples, strict=False):
        choice.sample = sample
    report: dict[str, Any] = dict(whole.report) if whole is not None else {}
    errors = report.get("errors", [])
    report["errors"] = errors[:MAX_PROBLEMS_ON_PAGE]
    report["errors_total"] = len(errors)
    saved = SavedMapping.objects.for_user(user).only("pk", "name")
    return {
        "run": run,
        "whole": whole,
        "report": report,
        "rows": rows,
        "fields": fields,
        "mapping_error": mapping_error,
        "choices": choices,
        "field_options": field_options(run.entity, choices),
        "advanced": has_advanced(run.entity, data),
        # Saving again under the saved mapping's name updates it.
        "save_name": run.mapping_name if any(m.name == run.mapping_name for m in saved) else "",
        "saved_mappings": saved,
        "upload_form": MappingUploadForm(),
        "options": run_options(run),
    }

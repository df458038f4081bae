"""The Salesforce round trip over the API: the zip of the four files, and an import of them.

Errors are JSON: ``{"detail": message}``, and for files that cannot be imported (422)
``{"detail": message, "problems": [{file, line, column, value, reason}, …]}``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from accountplan.core.api_auth import api_user
from accountplan.core.api_common import ErrorOut
from accountplan.core.errors import DomainError, Forbidden
from accountplan.salesforce.importing import import_files
from accountplan.salesforce.reading import SalesforceImportFailed
from accountplan.salesforce.views import MAX_BYTES, MAX_FILES, zip_response

router = Router(tags=["salesforce"])


class ProblemOut(Schema):
    """One problem of a file: where it is and what to fix."""

    file: str
    line: int
    column: str
    value: str
    reason: str


class ProblemsOut(Schema):
    """Nothing was imported: every problem found."""

    detail: str
    problems: list[ProblemOut]


class ImportOut(Schema):
    """What the import did."""

    created: int
    updated: int
    unchanged: int
    plans: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]
    notes: list[str]


@router.get(
    "/salesforce/export",
    response={200: None, 401: ErrorOut},
    summary="The plans you may see as Salesforce Data Loader files (zip)",
)
def export(
    request: HttpRequest,
    period: str = Query("", description="Only plans of this period, e.g. FY2027."),
    account: list[str] = Query([], description="Only these accounts (external ids or ids)."),  # noqa: B008
) -> HttpResponse:
    """AccountPlan.csv, AccountPlanObjective.csv, AccountPlanObjectiveMeasure.csv,
    AccountPlanObjMeasRela.csv and report.json (what was left out or cut, and why)."""
    return zip_response(api_user(request), period.strip(), account)


@router.post(
    "/salesforce/import",
    response={200: ImportOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ProblemsOut},
    summary="Create or update plans from Salesforce's account-plan files",
)
def import_(
    request: HttpRequest,
    files: list[UploadedFile] | None = File(None),  # noqa: B008
) -> Any:
    """All or nothing: a 422 lists every problem with file, line, column and reason. Managers
    and admins only."""
    user = api_user(request)
    if not user.can_edit_book:
        raise Forbidden("Only managers and admins import plans from Salesforce.")
    if not files:
        raise DomainError("Send the Salesforce files as 'files' (multipart/form-data).")
    if len(files) > MAX_FILES or sum(f.size or 0 for f in files) > MAX_BYTES:
        raise DomainError(f"At most {MAX_FILES} files and 50 MB at once.")
    try:
        result = import_files([(f.name or "upload.csv", f.read()) for f in files], user)
    except SalesforceImportFailed as exc:
        return 422, {"detail": exc.message, "problems": [p.as_dict() for p in exc.problems]}
    return 200, result.as_dict()

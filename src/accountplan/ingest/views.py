"""Import pages: the list of runs, a new upload, its preview, the run, the report, downloads.

Running imports and reading their reports needs ``can_edit_book`` (managers and admins);
everyone else gets a 403 with a message. The list of runs is read-only for other roles.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accountplan.core.models import User
from accountplan.core.pagination import paginate
from accountplan.ingest import background
from accountplan.ingest.errors import ImportFailed
from accountplan.ingest.forms import PAGE, NewImportForm
from accountplan.ingest.mappings import BUILTIN, Mapping
from accountplan.ingest.models import ImportRun
from accountplan.ingest.page_context import preview_context
from accountplan.ingest.page_mapping import read_headers, start_mapping
from accountplan.ingest.report import Status
from accountplan.ingest.services import ImportOptions, resolve_mapping
from accountplan.ingest.webterms import rejects_for_web, report_for_web

MAX_ERRORS_ON_PAGE = 10_000
FORBIDDEN = "Only managers and admins can run imports and read their reports."


def _see_other(name: str, pk: int) -> HttpResponse:
    """303 See Other: the browser GETs the run's page."""
    response = HttpResponseRedirect(reverse(name, args=[pk]))
    response.status_code = 303
    return response


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "ingest/pages/forbidden.html", {"message": FORBIDDEN}, status=403)


def _editor(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.user.can_edit_book)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _run_for(request: HttpRequest, pk: int) -> ImportRun:
    return get_object_or_404(ImportRun.objects.for_user(_user(request)), pk=pk)


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    """Past runs, newest first."""
    assert request.user.is_authenticated
    runs = (
        ImportRun.objects.for_user(request.user)
        .select_related("user")
        .defer("file_data", "report", "rejects_csv", "mapping_toml")
    )
    return render(
        request,
        "ingest/pages/import_list.html",
        {"page": paginate(request, runs), "can_import": _editor(request)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    """Upload a file, choose entity, mapping and options; then go to the preview."""
    if not _editor(request):
        return _forbidden(request)
    form = NewImportForm(request.POST or None, request.FILES or None, user=_user(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        options = ImportOptions(
            dry_run=data["dry_run"],
            skip_invalid=data["skip_invalid"],
            accept_suggestions=data["accept_suggestions"],
            sheet=data["sheet"] or None,
        )
        file_data = upload.read()
        mapping_name, mapping_text = data["mapping"], form.mapping_text
        if form.mapping_label:  # an uploaded or saved mapping
            mapping_name = form.mapping_label
        elif mapping_name == PAGE:
            mapping_name, mapping_text = start_mapping(
                data["entity"], read_headers(file_data, upload.name or "", options.sheet)
            )
        run = ImportRun.objects.create(
            user=_user(request),
            entity=data["entity"],
            mapping_name=mapping_name[:120],
            mapping_toml=mapping_text,
            file_name=(upload.name or "upload")[:255],
            file_size=upload.size or 0,
            file_data=file_data,
            options=options.to_dict(),
            source="web",
            status=Status.PENDING,
        )
        return redirect("ingest:import_preview", pk=run.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "ingest/pages/import_new.html", {"form": form}, status=status)


def _mapping(run: ImportRun) -> tuple[Mapping | None, str]:
    """The run's mapping, or None with the reason (none chosen yet, or it does not parse)."""
    if not run.mapping_toml and run.mapping_name.lower() not in BUILTIN:
        return None, "No column is mapped yet: choose a field for the columns below."
    try:
        return resolve_mapping(run.mapping_name, run.mapping_toml), ""
    except ImportFailed as exc:
        return None, exc.message


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Every row checked as the run will check it, the first rows as mapped, the column mapping.

    POST ``action=run`` queues the import as chosen on the upload form (all or nothing unless
    “skip invalid rows” was ticked); ``action=valid`` imports the valid rows and keeps the
    others as rejects. Both run in the background worker; the answer is a 303 to the run's page.
    """
    if not _editor(request):
        return _forbidden(request)
    run = _run_for(request, pk)
    if run.status != Status.PENDING or run.file_data is None:
        return redirect("ingest:import_detail", pk=run.pk)
    mapping, mapping_error = _mapping(run)
    if request.method == "POST":
        if mapping is None:
            messages.error(request, mapping_error)
            return redirect("ingest:import_preview", pk=run.pk)
        # Queued for the background worker (the request answers at once); the run's page
        # shows its progress. Only one request can queue it: a double-click imports once.
        background.queue(
            run, bytes(run.file_data), skip_invalid=request.POST.get("action") == "valid"
        )
        return _see_other("ingest:import_detail", run.pk)
    return render(
        request,
        "ingest/pages/import_preview.html",
        preview_context(request, run, mapping, mapping_error),
    )


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The report of a run: counts, every error, warnings and observations."""
    if not _editor(request):
        return _forbidden(request)
    run = _run_for(request, pk)
    if run.status == Status.PENDING:
        return redirect("ingest:import_preview", pk=run.pk)
    if run.status == Status.RUNNING:
        background.fail_stale_imports()
        run.refresh_from_db()
    polled = bool(getattr(request, "htmx", False))
    if run.status in (Status.QUEUED, Status.RUNNING):
        # The page polls itself with htmx every second: the poll gets the progress alone.
        page = (
            "ingest/partials/import_progress.html" if polled else "ingest/pages/import_running.html"
        )
        return render(request, page, {"run": run, "progress": background.describe(run)})
    if polled:  # the run ended while the page polled: load the report
        return HttpResponse(headers={"HX-Refresh": "true"})
    report = report_for_web(run.report)
    errors = report.get("errors", [])
    # Very large reports: the page shows the first rows; the downloads hold every problem.
    report["errors"] = errors[:MAX_ERRORS_ON_PAGE]
    report["errors_total"] = len(errors)
    return render(request, "ingest/pages/import_detail.html", {"run": run, "report": report})


@login_required
def import_rejects(request: HttpRequest, pk: int) -> HttpResponse:
    """The rejected rows (original columns + line + reason) as CSV."""
    if not _editor(request):
        return _forbidden(request)
    run = _run_for(request, pk)
    if not run.rejects_csv:
        raise Http404("This import has no rejected rows.")
    response = HttpResponse(
        rejects_for_web(run.rejects_csv), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-rejects.csv"'
    return response


@login_required
def import_report_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The JSON report."""
    if not _editor(request):
        return _forbidden(request)
    run = _run_for(request, pk)
    response = HttpResponse(
        json.dumps(run.report, indent=2, default=str), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-report.json"'
    return response

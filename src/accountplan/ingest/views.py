"""Import pages: the list of runs, a new upload, its preview, the run, the report, downloads.

Running imports and reading their reports needs ``can_edit_book`` (managers and admins);
everyone else gets a 403 with a message. The list of runs is read-only for other roles.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accountplan.core.models import User
from accountplan.core.pagination import paginate
from accountplan.ingest.errors import ImportFailed
from accountplan.ingest.forms import CUSTOM, NewImportForm
from accountplan.ingest.models import ImportRun
from accountplan.ingest.report import Status
from accountplan.ingest.services import (
    ImportOptions,
    ImportSource,
    preview_import,
    resolve_mapping,
    run_import,
)

MAX_ERRORS_ON_PAGE = 10_000
FORBIDDEN = "Only managers and admins can run imports and read their reports."


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
    form = NewImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        options = ImportOptions(
            dry_run=data["dry_run"],
            skip_invalid=data["skip_invalid"],
            accept_suggestions=data["accept_suggestions"],
            sheet=data["sheet"] or None,
        )
        mapping_name = data["mapping"]
        if mapping_name == CUSTOM:
            mapping_name = (data["mapping_file"].name or "custom").rsplit(".", 1)[0]
        run = ImportRun.objects.create(
            user=_user(request),
            entity=data["entity"],
            mapping_name=mapping_name[:120],
            mapping_toml=form.mapping_text,
            file_name=(upload.name or "upload")[:255],
            file_size=upload.size or 0,
            file_data=upload.read(),
            options=options.to_dict(),
            source="web",
            status=Status.PENDING,
        )
        return redirect("ingest:import_preview", pk=run.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "ingest/pages/import_new.html", {"form": form}, status=status)


def _options(run: ImportRun) -> ImportOptions:
    opts = run.options or {}
    return ImportOptions(
        dry_run=bool(opts.get("dry_run")),
        skip_invalid=bool(opts.get("skip_invalid")),
        accept_suggestions=bool(opts.get("accept_suggestions")),
        sheet=opts.get("sheet") or None,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The first rows as mapped; POST runs the import and shows its report."""
    if not _editor(request):
        return _forbidden(request)
    run = _run_for(request, pk)
    if run.status != Status.PENDING or run.file_data is None:
        return redirect("ingest:import_detail", pk=run.pk)
    source = ImportSource(run.file_name, bytes(run.file_data))
    try:
        mapping = resolve_mapping(run.mapping_name, run.mapping_toml)
    except ImportFailed as exc:
        return render(request, "ingest/pages/forbidden.html", {"message": exc.message}, status=400)
    if request.method == "POST":
        # Claim the run so a double-click or a second tab cannot import the file twice.
        claimed = ImportRun.objects.filter(pk=run.pk, status=Status.PENDING).update(
            status=Status.RUNNING
        )
        if claimed:
            try:
                run_import(
                    run.entity, source, mapping, options=_options(run), user=_user(request), run=run
                )
            except Exception:
                ImportRun.objects.filter(pk=run.pk).update(status=Status.REFUSED)
                raise
        return redirect("ingest:import_detail", pk=run.pk)
    preview = preview_import(run.entity, source, mapping, options=_options(run))
    return render(
        request,
        "ingest/pages/import_preview.html",
        {"run": run, "preview": preview, "report": preview.report},
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
        return render(request, "ingest/pages/import_running.html", {"run": run})
    report = dict(run.report)
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
    response = HttpResponse(run.rejects_csv, content_type="text/csv; charset=utf-8")
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

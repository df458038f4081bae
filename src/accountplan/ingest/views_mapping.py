"""Mapping pages: change a pending import's columns, save and reuse mappings, edit saved ones."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accountplan.core.models import User
from accountplan.ingest.errors import ImportFailed
from accountplan.ingest.forms import MappingUploadForm, SavedMappingForm
from accountplan.ingest.mappings import BUILTIN, parse_mapping
from accountplan.ingest.models import ImportRun, SavedMapping
from accountplan.ingest.page_mapping import (
    PAGE_NAME,
    base_text,
    build_mapping,
    choices_from_post,
    column_choices,
    load_data,
)
from accountplan.ingest.page_preview import file_headers, forget
from accountplan.ingest.report import Status
from accountplan.ingest.saved import delete_mapping, parsed, save_mapping
from accountplan.ingest.views import _editor, _forbidden, _user


def _preview(run: ImportRun) -> HttpResponse:
    return redirect(reverse("ingest:import_preview", args=[run.pk]) + "#column-mapping")


def _use(run: ImportRun, text: str, name: str) -> None:
    """Make ``text`` the run's mapping, if it has columns for the run's entity."""
    mapping = parse_mapping(text, name)
    if run.entity not in mapping.entities:
        raise ImportFailed(
            f"The mapping “{mapping.name}” has no columns for {run.entity} "
            f"(it covers: {', '.join(mapping.entities)})."
        )
    run.mapping_toml, run.mapping_name = text, name[:120]


@login_required
@require_POST
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the pending import's mapping: ``apply`` the columns as chosen, ``save`` them
    under a name too, ``upload`` a TOML mapping, or use a ``saved`` one."""
    if not _editor(request):
        return _forbidden(request)
    user = _user(request)
    run = get_object_or_404(ImportRun.objects.for_user(user), pk=pk)
    if run.status != Status.PENDING or run.file_data is None:
        return redirect("ingest:import_detail", pk=run.pk)
    action = request.POST.get("action", "apply")
    try:
        if action == "upload":
            form = MappingUploadForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ImportFailed(" ".join(str(e) for e in form.errors.get("mapping_file", [])))
            upload = form.cleaned_data["mapping_file"]
            _use(run, form.text, (upload.name or "uploaded").rsplit(".", 1)[0])
            messages.success(request, "The uploaded mapping now reads the file.")
        elif action == "saved":
            saved = get_object_or_404(
                SavedMapping.objects.for_user(user), pk=request.POST.get("saved") or 0
            )
            _use(run, saved.toml, saved.name)
            messages.success(request, f"The saved mapping “{saved.name}” now reads the file.")
        else:
            _apply(request, run, user, save=action == "save")
    except ImportFailed as exc:
        messages.error(request, exc.message)
        return _preview(run)
    run.save(update_fields=["mapping_toml", "mapping_name"])
    forget(run)
    return _preview(run)


def _apply(request: HttpRequest, run: ImportRun, user: User, *, save: bool) -> None:
    data = load_data(base_text(run.mapping_name, run.mapping_toml))
    headers = file_headers(run)
    current = column_choices(run.entity, headers, data)
    choices = choices_from_post(run.entity, headers, request.POST, current)
    own = bool(run.mapping_toml)  # an uploaded, saved or page mapping (not a built-in one)
    if save:
        name = " ".join(str(request.POST.get("name", "")).split())
    elif own:
        name = str(data.get("name") or run.mapping_name or PAGE_NAME)
    else:
        name = f"{run.mapping_name} (columns changed in the page)"
    if save and not name:
        raise ImportFailed("Give the mapping a name to save it.")
    text, _mapping = build_mapping(data, run.entity, choices, name=name, keep_other=own)
    if save:
        saved = save_mapping(name=name, toml_text=text, user=user)
        messages.success(
            request,
            f"Saved the mapping “{saved.name}”: choose it on the next upload of this layout.",
        )
    else:
        messages.success(request, "Columns changed: the preview below uses them.")
    run.mapping_toml, run.mapping_name = text, name[:120]


@login_required
def mapping_list(request: HttpRequest) -> HttpResponse:
    """The book's saved mappings."""
    if not _editor(request):
        return _forbidden(request)
    items = [
        {"mapping": m, "parsed": parsed(m)}
        for m in SavedMapping.objects.for_user(_user(request)).select_related("updated_by")
    ]
    return render(request, "ingest/pages/mapping_list.html", {"items": items})


@login_required
@require_http_methods(["GET", "POST"])
def mapping_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a saved mapping, describe it, edit its TOML."""
    if not _editor(request):
        return _forbidden(request)
    user = _user(request)
    mapping = get_object_or_404(SavedMapping.objects.for_user(user), pk=pk)
    initial = {"name": mapping.name, "description": mapping.description, "toml": mapping.toml}
    form = SavedMappingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            save_mapping(
                name=data["name"],
                toml_text=data["toml"],
                user=user,
                description=data["description"] or "",
                mapping=mapping,
            )
        except ImportFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Saved the mapping “{mapping.name}”.")
            return redirect("ingest:mapping_list")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "ingest/pages/mapping_edit.html",
        {"form": form, "mapping": mapping, "builtin": BUILTIN},
        status=status,
    )


@login_required
@require_POST
def mapping_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a saved mapping."""
    if not _editor(request):
        return _forbidden(request)
    user = _user(request)
    mapping = get_object_or_404(SavedMapping.objects.for_user(user), pk=pk)
    delete_mapping(mapping, user)
    messages.success(request, f"Deleted the mapping “{mapping.name}”.")
    return redirect("ingest:mapping_list")


@login_required
def mapping_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A saved mapping as a TOML file (for the command line: ``--mapping FILE``)."""
    if not _editor(request):
        return _forbidden(request)
    mapping = get_object_or_404(SavedMapping.objects.for_user(_user(request)), pk=pk)
    return _toml(mapping.toml, mapping.name)


@login_required
def import_mapping_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The mapping a pending or finished import reads its file with, as TOML."""
    if not _editor(request):
        return _forbidden(request)
    run = get_object_or_404(ImportRun.objects.for_user(_user(request)), pk=pk)
    return _toml(base_text(run.mapping_name, run.mapping_toml), run.mapping_name or "mapping")


def _toml(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="application/toml; charset=utf-8")
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-") or "mapping"
    response["Content-Disposition"] = f'attachment; filename="{safe}.toml"'
    return response

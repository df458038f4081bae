"""Import pages (placeholder until the importer lands)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    return render(request, "ingest/pages/import_list.html", {})

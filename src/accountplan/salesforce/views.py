"""Pages of the Salesforce round trip: the plans list's download (a zip of the four files), the
upload page, and settling a plan's conflicts. Thin: the work is in ``export`` and ``importing``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accountplan.core.errors import DomainError
from accountplan.core.models import User
from accountplan.plans.models import AccountPlan
from accountplan.plans.querysets import can_edit
from accountplan.salesforce.export import export_plans
from accountplan.salesforce.importing import dismiss_conflicts, import_files
from accountplan.salesforce.reading import SalesforceImportFailed

#: Most files one upload takes, and most bytes in all (the importer's own limit).
MAX_FILES = 8
MAX_BYTES = 50 * 1024 * 1024


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def scoped_plans(
    user: User, period: str = "", accounts: list[str] | None = None
) -> QuerySet[AccountPlan]:
    """The plans ``user`` may see, of ``period`` and ``accounts`` (external ids or ids) if given."""
    plans = AccountPlan.objects.for_user(user).select_related("account", "owner")
    if period:
        plans = plans.filter(period=period)
    if accounts:
        ids = [int(a) for a in accounts if a.isdigit()]
        plans = plans.filter(account__external_id__in=accounts) | plans.filter(account_id__in=ids)
    return plans.order_by("account__name", "period")


def zip_response(user: User, period: str, accounts: list[str]) -> HttpResponse:
    """The zip of the four files for the plans ``user`` may see."""
    result = export_plans(scoped_plans(user, period, accounts), user)
    response = HttpResponse(result.zip_bytes(), content_type="application/zip")
    name = f"salesforce-account-plans{'-' + period if period else ''}.zip".replace(" ", "-")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def export_zip(request: HttpRequest) -> HttpResponse:
    """The plans the user may see (of the period filtered on the list) as Data Loader files."""
    period = request.GET.get("period", "").strip()
    return zip_response(_user(request), period, request.GET.getlist("account"))


def _uploads(request: HttpRequest) -> tuple[list[tuple[str, bytes]], str]:
    uploads = request.FILES.getlist("files")
    if not uploads:
        return [], "Choose the Salesforce files to import (up to four CSV or XLSX files)."
    if len(uploads) > MAX_FILES:
        return [], f"At most {MAX_FILES} files at once: the four account-plan files."
    if sum(u.size or 0 for u in uploads) > MAX_BYTES:
        return [], "The files are over 50 MB together: import them with the command line."
    return [(u.name or "upload.csv", u.read()) for u in uploads], ""


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload Salesforce's four files; the result (or every problem) is shown on the page."""
    user = _user(request)
    if not user.can_edit_book:
        return render(
            request,
            "salesforce/pages/import.html",
            {"forbidden": "Only managers and admins import plans from Salesforce."},
            status=403,
        )
    context: dict[str, object] = {}
    status = 200
    if request.method == "POST":
        files, error = _uploads(request)
        if error:
            context["error"], status = error, 400
        else:
            try:
                context["result"] = import_files(files, user).as_dict()
            except SalesforceImportFailed as exc:
                context["problems"], status = exc.problems, 422
            except DomainError as exc:
                context["error"], status = exc.message, exc.status
    return render(request, "salesforce/pages/import.html", context, status=status)


@login_required
@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """Settle the plan's Salesforce conflicts as the plan stands now."""
    plan = get_object_or_404(AccountPlan.objects.for_user(_user(request)), pk=pk)
    if not can_edit(_user(request), plan):
        raise PermissionDenied("You can read this plan but not change it.")
    dismiss_conflicts(plan, _user(request))
    return redirect("plans:detail", pk=plan.pk)

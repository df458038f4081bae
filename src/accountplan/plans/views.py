"""Pages of account plans: the list, the plan page with every section editable in place (htmx),
history with compare and restore, clone into the next period, status changes.

Views stay thin: reads go through ``for_user`` and ``page_data``, writes through ``services``.
A section's fragment is the same template on the page and in an htmx swap. A save refused
because someone else saved first answers 409 with the form still holding what was typed.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accountplan.book.models import Account
from accountplan.core.errors import DomainError
from accountplan.core.pagination import rows_in_order
from accountplan.governance.filters import health_filters
from accountplan.plans import list_rows, page_data, services, track_changes
from accountplan.plans import sections as s
from accountplan.plans.cloning import clone_plan
from accountplan.plans.forms import CloneForm, PlanFilterForm, parse_post
from accountplan.plans.models import AccountPlan, PlanRevision, PlanSection, PlanStatus
from accountplan.plans.new_plan_form import NewPlanForm
from accountplan.plans.querysets import can_edit, can_edit_account_plans, may_write_plans
from accountplan.plans.sections_view import SectionsView

if TYPE_CHECKING:
    from accountplan.core.models import User

HISTORY_PAGE_SIZE = 30
LIST_PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _plan(request: HttpRequest, pk: int) -> AccountPlan:
    """A plan the user may see (404 otherwise: we never say it exists)."""
    return get_object_or_404(
        AccountPlan.objects.for_user(_user(request)).select_related(
            "account", "account__owner", "owner", "cloned_from"
        ),
        pk=pk,
    )


def _editable(request: HttpRequest, plan: AccountPlan) -> None:
    if not can_edit(_user(request), plan):
        raise PermissionDenied("You can read this plan but not change it.")


def _error(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "plans/partials/error.html", {"message": message}, status=status)


# --- list ----------------------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    """The plans the user may see, filtered, sorted, paginated, with completeness bars."""
    user = _user(request)
    base = AccountPlan.objects.for_user(user)
    from accountplan.core.models import User as UserModel

    # each user asked whether they own a plan in scope (an index probe each), not a DISTINCT
    # over every plan's owner (6 ms at 15,000 plans)
    owners = [
        (str(u.pk), str(u))
        for u in UserModel.objects.filter(Exists(base.filter(owner_id=OuterRef("pk")))).order_by(
            "first_name"
        )
    ]
    periods = sorted(base.order_by().values_list("period", flat=True).distinct(), reverse=True)
    form = PlanFilterForm(
        request.GET, owners=owners, periods=periods, statuses=list(PlanStatus.choices)
    )
    f = form.values()
    plans = base.select_related("account", "owner", "health")
    if f["q"]:
        plans = plans.filter(Q(account__name__icontains=f["q"]) | Q(period__icontains=f["q"]))
    if f["owner"]:
        plans = plans.filter(owner_id=f["owner"])
    if f["period"]:
        plans = plans.filter(period=f["period"])
    if f["status"]:
        plans = plans.filter(status=f["status"])
    plans = health_filters(plans, f)  # type: ignore[assignment]  # governance: health, staleness, open findings
    sort = request.GET.get("sort", "account")
    order = {
        "account": ["account__name", "-period"],
        "-account": ["-account__name", "-period"],
        "period": ["period", "account__name"],
        "-period": ["-period", "account__name"],
        "updated": ["updated_at"],
        "-updated": ["-updated_at"],
    }.get(sort, ["account__name", "-period"])
    if f["tier"] is not None:
        plans = plans.filter(account_id__in=list_rows.accounts_of_tier(f["tier"]))
    plans = plans.order_by(*order)
    plans = list_rows.by_completeness(plans, f["below"], sort, order)
    # the database sorts, filters and pages (the ids, then the page's plans whole);
    # completeness is derived for the page's plans
    ids = plans.values_list("pk", flat=True)
    page = Paginator(ids, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list_rows.plan_rows(user, rows_in_order(plans, list(page.object_list)))
    new_form = NewPlanForm(
        accounts=Account.objects.for_user(user), initial={"period": default_period()}
    )
    return render(
        request,
        "plans/pages/plan_list.html",
        {
            "form": form,
            "page_obj": page,
            "sort": sort,
            "new_form": new_form,
            "any_plans": base.exists(),
            "can_start": may_write_plans(user),
        },
    )


def default_period(today: dt.date | None = None) -> str:
    """Next fiscal year's name, the usual period to plan for: ``FY2027`` in 2026."""
    return f"FY{(today or timezone.localdate()).year + 1}"


@login_required
@require_POST
def plan_create(request: HttpRequest) -> HttpResponse:
    """Start a plan for a visible account and a period; a duplicate is a 400 saying so."""
    user = _user(request)
    form = NewPlanForm(request.POST, accounts=Account.objects.for_user(user))
    if not form.is_valid():
        return render(request, "plans/pages/plan_new.html", {"new_form": form}, status=400)
    account = get_object_or_404(Account.objects.for_user(user), pk=form.cleaned_data["account"])
    if not can_edit_account_plans(user, account):
        raise PermissionDenied("Only the account's team and managers start plans.")
    try:
        plan = services.create_plan(account, form.cleaned_data["period"], user)
    except DomainError as exc:
        # A duplicate period is the user's to fix, like any other bad input: 400.
        form.add_error("period", exc.message)
        status = 400 if exc.status == 409 else exc.status
        return render(request, "plans/pages/plan_new.html", {"new_form": form}, status=status)
    return redirect("plans:detail", pk=plan.pk)


# --- plan page -----------------------------------------------------------------------------------


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole plan: header, completeness, table of contents, every section."""
    plan = _plan(request, pk)
    view = SectionsView(_user(request), plan)
    ctx = view.page_context()
    ctx["sections_html"] = [
        render_to_string("plans/partials/section.html", sec, request=request)
        for sec in ctx["sections"]
    ]
    return render(request, "plans/pages/plan_detail.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """GET: the read fragment (``?edit=1``: the form). POST: save with the base version."""
    plan = _plan(request, pk)
    if key == s.ACCOUNT_OVERVIEW and request.method == "GET" and "edit" not in request.GET:
        return render(
            request, "plans/partials/section.html", SectionsView(_user(request), plan).one(key)
        )
    if key not in s.SectionKey.values:
        raise Http404("No such section.")
    view = SectionsView(_user(request), plan)
    if request.method == "GET":
        if "edit" in request.GET:
            _editable(request, plan)
            return render(request, "plans/partials/section_form.html", view.form(key))
        return render(request, "plans/partials/section.html", view.one(key))
    _editable(request, plan)
    data = parse_post(key, request.POST)
    try:
        base_version = int(request.POST.get("base_version", ""))
    except ValueError:
        return _error(request, "The form lost its version number: reload the page.", 400)
    try:
        saved = services.save_section(plan, key, data, base_version, _user(request))
    except services.SectionConflict as exc:
        # Both changed the same fields: the form now holds the merge (theirs where only they
        # changed, mine elsewhere) on top of their version, and asks about each shared field.
        ctx = view.form(
            key,
            data=exc.merged,
            base_version=exc.current_version,
            errors=exc.errors or None,
            conflict=exc,
        )
        return render(request, "plans/partials/section_form.html", ctx, status=409)
    except s.SectionInvalid as exc:
        ctx = view.form(key, data=data, base_version=base_version, errors=exc.errors)
        return render(request, "plans/partials/section_form.html", ctx, status=422)
    view = SectionsView(_user(request), plan)
    ctx = view.one(key, saved=True)
    if base_version < saved.version - 1:  # saved on top of someone else's version: merged
        ctx["merged_with"] = saved.version - 1
    response = render(request, "plans/partials/section.html", ctx)
    response["HX-Trigger"] = "plan-saved"
    return response


@login_required
@require_POST
def add_white_space(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a cross-sell component from a white cell: its product, and its expected value
    (propensity × white space) as the amount."""
    plan = _plan(request, pk)
    _editable(request, plan)
    user = _user(request)
    view = SectionsView(user, plan)
    item = request.POST.get("cell", "").strip()
    if not item:
        return _error(request, "Pick a white-space cell to add.", 400)
    cell = next((c for c in view.lookups.white_cells if c.item == item), None)
    if cell is None or not cell.product_id:
        return _error(request, "That white-space cell is not on this account's list.", 400)
    current = view.section_row(s.SectionKey.GOALS)
    data = dict(current.data or {})
    data["components"] = [*data.get("components", []), page_data.cross_sell_from(cell)]
    try:
        services.save_section(plan, s.SectionKey.GOALS, data, current.version, user)
    except DomainError as exc:
        return _error(request, exc.message, exc.status)
    view = SectionsView(user, plan)
    return render(request, "plans/partials/section.html", view.one(s.SectionKey.GOALS, saved=True))


@login_required
@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft → active → archived (archiving asks for confirmation in the page)."""
    plan = _plan(request, pk)
    _editable(request, plan)
    status = request.POST.get("status", "")
    if status not in PlanStatus.values:
        return _error(request, f"Unknown status {status!r}: use draft, active or archived.", 400)
    try:
        services.update_plan(plan, _user(request), status=status)
    except DomainError as exc:
        return _error(request, exc.message, exc.status)
    return redirect("plans:detail", pk=plan.pk)


@login_required
@require_POST
def link_deal(request: HttpRequest, pk: int, opportunity_id: int) -> HttpResponse:
    """From a deal's page: make it count against one goal-build component of this plan, or
    (an empty choice) back to the matching rule."""
    plan = _plan(request, pk)
    _editable(request, plan)
    component = request.POST.get("component", "").strip() or None
    try:
        services.link_deal(plan, opportunity_id, component, _user(request))
    except DomainError as exc:
        return _error(request, exc.message, exc.status)
    messages.success(
        request,
        f"Saved in the {plan.period} plan: "
        + (
            "the deal now counts against the component you chose."
            if component
            else "the deal counts where the matching rule puts it."
        ),
    )
    return redirect("book:opportunity_detail", pk=opportunity_id)


@login_required
@require_POST
def clone(request: HttpRequest, pk: int) -> HttpResponse:
    """Clone into another period; a period that already has a plan is a 400."""
    plan = _plan(request, pk)
    _editable(request, plan)
    form = CloneForm(request.POST)
    if not form.is_valid():
        return _error(request, str(form.errors["period"][0]), 400)
    try:
        new = clone_plan(plan, form.cleaned_data["period"], _user(request))
    except DomainError as exc:
        return _error(request, exc.message, 400 if exc.status == 409 else exc.status)
    return redirect("plans:detail", pk=new.pk)


# --- history -------------------------------------------------------------------------------------


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every revision, newest first; pick two to compare."""
    plan = _plan(request, pk)
    return _history_page(request, plan, _revisions(request, plan))


def _revisions(request: HttpRequest, plan: AccountPlan) -> Any:
    """The plan's revisions the user may see, newest first."""
    return (
        PlanRevision.objects.for_user(_user(request))
        .filter(plan=plan)
        .select_related("author", "restored_from", "customer_edit")
        .order_by("-created_at", "-pk")
    )


def _history_page(
    request: HttpRequest, plan: AccountPlan, revisions: Any, problem: str = ""
) -> HttpResponse:
    """The history list; ``problem`` says in the page why a comparison could not be made."""
    page = Paginator(revisions, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    said = track_changes.summaries(plan, rows)
    return render(
        request,
        "plans/pages/history.html",
        {
            "plan": plan,
            "page_obj": page,
            "rows": [(r, said.get(r.pk, r.summary)) for r in rows],
            "can_edit": can_edit(_user(request), plan),
            "problem": problem,
            "picked": (request.GET.get("a", ""), request.GET.get("b", "")),
        },
        status=400 if problem else 200,
    )


def _revision(request: HttpRequest, plan: AccountPlan, rid: Any) -> PlanRevision:
    try:
        rid = int(rid)
    except (TypeError, ValueError):
        raise Http404("No such revision.") from None
    return get_object_or_404(
        PlanRevision.objects.for_user(_user(request)).filter(plan=plan).select_related("author"),
        pk=rid,
    )


def _previous(revision: PlanRevision) -> PlanRevision | None:
    return (
        PlanRevision.objects.filter(
            plan_id=revision.plan_id, key=revision.key, version__lt=revision.version
        )
        .order_by("-version")
        .first()
    )


@login_required
def revision_detail(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    """One revision: its data, and what it changed from the one before."""
    plan = _plan(request, pk)
    revision = _revision(request, plan, rid)
    before = _previous(revision)
    names = track_changes.names_for(
        plan, [(revision.key, revision.data), *([(before.key, before.data)] if before else [])]
    )
    current = PlanSection.objects.filter(plan=plan, key=revision.key).first()
    return render(
        request,
        "plans/pages/revision.html",
        {
            "plan": plan,
            "revision": revision,
            "before": before,
            "lines": track_changes.describe(
                revision.key, before.data if before else {}, revision.data, names
            ),
            "blocks": track_changes.readable(revision.key, revision.data, names),
            "is_current": current is not None and current.version == revision.version,
            "can_restore": revision.key != s.PLAN_KEY and can_edit(_user(request), plan),
        },
    )


@login_required
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    """The field-level difference between two revisions of the same section; a mistake (fewer
    than two versions ticked, two sections) is explained on the history page itself."""
    plan = _plan(request, pk)
    revisions = _revisions(request, plan)
    picked = [request.GET.get("a", ""), request.GET.get("b", "")]
    if not all(v.strip().isdigit() for v in picked):
        return _history_page(
            request,
            plan,
            revisions,
            "Tick two versions to compare: one in column A and one in column B.",
        )
    a = _revision(request, plan, picked[0])
    b = _revision(request, plan, picked[1])
    if a.key != b.key:
        return _history_page(
            request,
            plan,
            revisions,
            f"These are versions of two different sections ({s.title_of(a.key)} and"
            f" {s.title_of(b.key)}): tick two versions of the same section to compare them.",
        )
    if a.pk == b.pk:
        return _history_page(
            request,
            plan,
            revisions,
            "That is the same version twice: tick two different versions of one section.",
        )
    old, new = (a, b) if (a.version, a.pk) <= (b.version, b.pk) else (b, a)
    names = track_changes.names_for(plan, [(old.key, old.data), (new.key, new.data)])
    return render(
        request,
        "plans/pages/compare.html",
        {
            "plan": plan,
            "old": old,
            "new": new,
            "lines": track_changes.describe(old.key, old.data, new.data, names),
        },
    )


@login_required
@require_POST
def restore(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    """Save a revision's data as a new version (recorded as restored from it)."""
    plan = _plan(request, pk)
    _editable(request, plan)
    revision = _revision(request, plan, rid)
    if revision.key == s.PLAN_KEY:
        return _error(request, "Plan-level changes are not restored; change the status.", 400)
    try:
        services.restore(plan, revision, _user(request))
    except DomainError as exc:
        return _error(request, exc.message, exc.status)
    return redirect(reverse("plans:detail", args=[plan.pk]) + f"#sec-{revision.key}")


@login_required
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Download the plan as PDF, PowerPoint, Excel or Markdown (anyone who may read it);
    ``?variant=customer`` for the customer-safe version."""
    from accountplan.exports.service import CONTENT_TYPES, VARIANTS, export_bytes

    plan = _plan(request, pk)
    if fmt not in CONTENT_TYPES:
        return _error(request, f"Unknown format {fmt!r}: choose pdf, pptx, xlsx or md.", 404)
    variant = request.GET.get("variant") or "internal"
    if variant not in VARIANTS:
        return _error(request, f"Unknown variant {variant!r}: choose internal or customer.", 400)
    content, content_type, filename = export_bytes(plan, fmt, variant)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

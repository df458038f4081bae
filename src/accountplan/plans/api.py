"""JSON endpoints of account plans, scoped through the account like the book.

Who may see the account reads its plans; its owner and team, the plan's owner and members,
managers and admins write (others get 403); a plan of an account the caller may not see is a
404; a Viewer only reads. A section is saved with the version it was loaded at: if someone saved
since, the save merges with theirs, and only when both changed the same value is the answer 409
listing those values, with nothing saved.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from accountplan.book.models import Account, AccountTeamMember
from accountplan.core.api_auth import api_user
from accountplan.core.api_common import (
    AUTH_ERRORS,
    DETAIL_ERRORS,
    ErrorOut,
    IsoDate,
    ObjectId,
    ValidationErrorOut,
    get_visible,
)
from accountplan.core.errors import DomainError, NotFound
from accountplan.core.models import User
from accountplan.plans import track_changes
from accountplan.plans.cloning import clone_plan
from accountplan.plans.completeness import completeness
from accountplan.plans.diffing import diff
from accountplan.plans.list_rows import by_completeness
from accountplan.plans.models import AccountPlan, PlanRevision, PlanSection
from accountplan.plans.page_data import prospecting_view
from accountplan.plans.querysets import can_edit
from accountplan.plans.schemas import (
    AccountOverviewOut,
    CloneIn,
    CompareOut,
    ConflictOut,
    HistoryFilter,
    PlanCreateIn,
    PlanDetailOut,
    PlanFilter,
    PlanPage,
    PlanUpdateIn,
    ProspectingPlanOut,
    RevisionDetailOut,
    RevisionPage,
    SectionIn,
    SectionOut,
)
from accountplan.plans.sections import (
    PLAN_KEY,
    SectionInvalid,
    SectionKey,
    section_key,
    title_of,
)
from accountplan.plans.selectors import account_overview, completeness_of
from accountplan.plans.services import (
    SectionConflict,
    create_plan,
    restore,
    save_section,
    section_of,
    sections_of,
    update_plan,
)

router = Router(tags=["plans"])

# 400: a body that is not JSON at all (a body that is JSON but wrong is a 422).
WRITE_ERRORS: dict[int, Any] = {**DETAIL_ERRORS, 400: ErrorOut, 403: ErrorOut}


def _ref(user: User | None) -> dict[str, Any] | None:
    return {"id": user.pk, "name": str(user)} if user else None


def _plans(request: HttpRequest) -> Any:
    return AccountPlan.objects.for_user(api_user(request)).select_related("account", "owner")


def _plan(request: HttpRequest, plan_id: int) -> AccountPlan:
    plan: AccountPlan = get_visible(_plans(request), plan_id, "Plan")
    return plan


def _plan_out(plan: AccountPlan, percent: int) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "account_id": plan.account_id,
        "account_name": plan.account.name,
        "period": plan.period,
        "status": plan.status,
        "owner": _ref(plan.owner),
        "cloned_from_id": plan.cloned_from_id,
        "created_at": plan.created_at,
        "updated_at": plan.updated_at,
        "completeness": percent,
    }


def _detail(plan: AccountPlan, user: User) -> dict[str, Any]:
    sections = sections_of(plan)
    done = completeness(
        {k: (s.data, s.updated_at) for k, s in sections.items() if s.pk}, dt.date.today()
    )
    states = {c.key: c for c in done.sections}
    team = [
        {"user": _ref(t.user), "function": t.function, "source": "account_team"}
        for t in AccountTeamMember.objects.filter(account_id=plan.account_id).select_related("user")
    ] + [
        {"user": _ref(m.user), "function": m.function, "source": "plan"}
        for m in plan.memberships.select_related("user")
    ]
    return {
        **_plan_out(plan, done.percent),
        "can_edit": can_edit(user, plan),
        "team": team,
        "sections": [
            {
                "key": key,
                "title": title_of(key),
                "version": s.version,
                "updated_at": s.updated_at if s.pk else None,
                "updated_by": _ref(s.updated_by),
                "state": states[key].state,
                "missing": states[key].missing,
            }
            for key, s in sections.items()
        ],
    }


def _section_out(section: PlanSection, user: User) -> dict[str, Any]:
    return {
        "key": section.key,
        "title": title_of(section.key),
        "version": section.version,
        "data": section.data,
        "updated_at": section.updated_at if section.pk else None,
        "updated_by": _ref(section.updated_by),
        "can_edit": can_edit(user, section.plan),
    }


def _revision_out(rev: PlanRevision, with_data: bool = False) -> dict[str, Any]:
    out = {
        "id": rev.pk,
        "key": rev.key,
        "title": title_of(rev.key),
        "version": rev.version,
        "author": _ref(rev.author),
        "created_at": rev.created_at,
        "summary": rev.summary,
        "restored_from_id": rev.restored_from_id,
    }
    if with_data:
        out["data"] = rev.data
    return out


def _user(user_id: int | None, label: str) -> User | None:
    if user_id is None:
        return None
    found = User.objects.filter(pk=user_id, is_active=True).first()
    if found is None:
        raise DomainError(f"{label} {user_id} is not an active user.")
    return found


def _invalid(exc: SectionInvalid) -> tuple[int, dict[str, Any]]:
    return 422, {
        "detail": [
            {"type": e["type"], "loc": ["body", "data", *e["loc"]], "msg": e["msg"]}
            for e in exc.errors
        ]
    }


# --- plans -----------------------------------------------------------------------------------


@router.get("/plans", response={200: PlanPage, **AUTH_ERRORS}, summary="List plans")
def list_plans(request: HttpRequest, filters: Query[PlanFilter]) -> dict[str, Any]:
    """Plans the caller may see, newest period first per account, with their completeness."""
    qs = _plans(request).order_by("account__name", "-period", "pk")
    qs = by_completeness(qs, filters.below, filters.sort, ["account__name", "-period", "pk"])
    if filters.account:
        qs = qs.filter(account_id=filters.account)
    if filters.period:
        qs = qs.filter(period=filters.period)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.owner:
        qs = qs.filter(owner_id=filters.owner)
    page = list(qs[filters.offset : filters.offset + filters.limit])
    done = completeness_of(page)
    return {
        "items": [_plan_out(p, done[p.pk].percent) for p in page],
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
    }


@router.post(
    "/plans",
    response={201: PlanDetailOut, **WRITE_ERRORS, 409: ErrorOut, 400: ErrorOut},
    summary="Create a plan",
)
def create(request: HttpRequest, body: PlanCreateIn) -> tuple[int, dict[str, Any]]:
    """A new empty plan of an account you may edit, for a period (one plan per period)."""
    user = api_user(request)
    account = get_visible(Account.objects.for_user(user), body.account_id, "Account")
    plan = create_plan(
        account, body.period, user, owner=_user(body.owner_id, "Owner"), status=body.status
    )
    return 201, _detail(plan, user)


@router.get(
    "/plans/{plan_id}", response={200: PlanDetailOut, **DETAIL_ERRORS}, summary="Get a plan"
)
def get_plan(request: HttpRequest, plan_id: ObjectId) -> dict[str, Any]:
    """The plan with its team, its sections' versions and states, and whether you may edit."""
    return _detail(_plan(request, plan_id), api_user(request))


@router.patch(
    "/plans/{plan_id}",
    response={200: PlanDetailOut, **WRITE_ERRORS, 409: ErrorOut, 400: ErrorOut},
    summary="Change a plan's period, status or owner",
)
def patch_plan(request: HttpRequest, plan_id: ObjectId, body: PlanUpdateIn) -> dict[str, Any]:
    """Change the given fields; the change is recorded in the history (key ``plan``)."""
    user = api_user(request)
    plan = update_plan(
        _plan(request, plan_id),
        user,
        period=body.period,
        status=body.status,
        owner=_user(body.owner_id, "Owner"),
    )
    return _detail(_plan(request, plan.pk), user)


@router.post(
    "/plans/{plan_id}/clone",
    response={201: PlanDetailOut, **WRITE_ERRORS, 409: ErrorOut, 400: ErrorOut},
    summary="Clone a plan into another period",
)
def clone(request: HttpRequest, plan_id: ObjectId, body: CloneIn) -> tuple[int, dict[str, Any]]:
    """A new draft plan for ``period`` carrying over what still holds (see docs/plans.md)."""
    user = api_user(request)
    new = clone_plan(_plan(request, plan_id), body.period, user)
    return 201, _detail(_plan(request, new.pk), user)


# --- sections --------------------------------------------------------------------------------


@router.get(
    "/plans/{plan_id}/sections/{key}",
    response={200: SectionOut, **DETAIL_ERRORS},
    summary="Get a section",
)
def get_section(request: HttpRequest, plan_id: ObjectId, key: str) -> dict[str, Any]:
    """The section's data and version (an unsaved section is empty at version 1)."""
    return _section_out(section_of(_plan(request, plan_id), key), api_user(request))


@router.put(
    "/plans/{plan_id}/sections/{key}",
    response={200: SectionOut, **WRITE_ERRORS, 409: ConflictOut, 422: ValidationErrorOut},
    summary="Save a section",
)
def put_section(request: HttpRequest, plan_id: ObjectId, key: str, body: SectionIn) -> Any:
    """Save the section's data on top of ``base_version``. If someone saved since, the two are
    merged field by field and item by item (200); only values both changed differently give a
    409 listing them (``conflict.conflicts``) with the merged data to resend on top of
    ``conflict.current_version``."""
    user = api_user(request)
    plan = _plan(request, plan_id)
    try:
        section = save_section(plan, key, body.data, body.base_version, user)
    except SectionConflict as exc:
        return 409, {"detail": exc.message, "conflict": exc.as_dict()}
    except SectionInvalid as exc:
        return _invalid(exc)
    return _section_out(section, user)


# --- history ---------------------------------------------------------------------------------


@router.get(
    "/plans/{plan_id}/history",
    response={200: RevisionPage, **DETAIL_ERRORS},
    summary="List a plan's history",
)
def history(request: HttpRequest, plan_id: ObjectId, filters: Query[HistoryFilter]) -> Any:
    """Every recorded change, newest first; ``key`` keeps one section's (or ``plan``)."""
    plan = _plan(request, plan_id)
    qs = (
        PlanRevision.objects.filter(plan=plan)
        .select_related("author")
        .order_by("-created_at", "-pk")
    )
    if filters.key:
        if filters.key != PLAN_KEY:
            section_key(filters.key)
        qs = qs.filter(key=filters.key)
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return {
        "items": [_revision_out(r) for r in page],
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
    }


def _revision(plan: AccountPlan, revision_id: int) -> PlanRevision:
    rev = PlanRevision.objects.filter(plan=plan, pk=revision_id).select_related("author").first()
    if rev is None:
        raise NotFound(f"Revision {revision_id} not found in plan {plan.pk}.")
    return rev


@router.get(
    "/plans/{plan_id}/revisions/{revision_id}",
    response={200: RevisionDetailOut, **DETAIL_ERRORS},
    summary="Get a revision",
)
def get_revision(request: HttpRequest, plan_id: ObjectId, revision_id: ObjectId) -> Any:
    """One recorded change with the full data after it."""
    return _revision_out(_revision(_plan(request, plan_id), revision_id), with_data=True)


@router.get(
    "/plans/{plan_id}/compare",
    response={200: CompareOut, **DETAIL_ERRORS, 400: ErrorOut},
    summary="Compare two revisions",
)
def compare(
    request: HttpRequest,
    plan_id: ObjectId,
    from_revision: ObjectId,
    to_revision: ObjectId | None = None,
) -> Any:
    """Changes from one revision to another of the same section (omit ``to_revision``: to the
    section as it is now)."""
    plan = _plan(request, plan_id)
    old = _revision(plan, from_revision)
    if to_revision is None:
        if old.key == PLAN_KEY:
            raise DomainError("Give to_revision to compare plan-level revisions.")
        current = section_of(plan, old.key)
        new_data, new_version = current.data, current.version
    else:
        new = _revision(plan, to_revision)
        if new.key != old.key:
            raise DomainError(
                f"Revisions {old.pk} ({title_of(old.key)}) and {new.pk} "
                f"({title_of(new.key)}) are of different sections; compare revisions of the "
                "same section."
            )
        new_data, new_version = new.data, new.version
    changes = diff(old.data, new_data)
    return {
        "key": old.key,
        "from_version": old.version,
        "to_version": new_version,
        "summary": track_changes.summary(old.key, changes),
        "changes": [c.as_dict() for c in changes],
    }


@router.post(
    "/plans/{plan_id}/revisions/{revision_id}/restore",
    response={200: SectionOut, **WRITE_ERRORS, 400: ErrorOut, 422: ValidationErrorOut},
    summary="Restore a revision",
)
def restore_revision(request: HttpRequest, plan_id: ObjectId, revision_id: ObjectId) -> Any:
    """Save the revision's data as the section's new version (the history keeps everything)."""
    user = api_user(request)
    plan = _plan(request, plan_id)
    try:
        section = restore(plan, _revision(plan, revision_id), user)
    except SectionInvalid as exc:
        return _invalid(exc)
    return _section_out(section, user)


# --- computed sections -----------------------------------------------------------------------

CENT = Decimal("0.01")

#: Inputs of the prospecting plan that are amounts of money (two decimals in the answer).
MONEY_INPUTS = ("current_revenue", "deal_size", "expected_upgrades")


def _money(value: Any) -> Decimal | None:
    """An amount as a Decimal with two decimals (floats of the analytics go through str)."""
    if value is None or value == "":
        return None
    return Decimal(str(value)).quantize(CENT)


@router.get(
    "/plans/{plan_id}/overview",
    response={200: AccountOverviewOut, **DETAIL_ERRORS},
    summary="Get the account overview (computed)",
)
def overview(request: HttpRequest, plan_id: ObjectId) -> dict[str, Any]:
    """What was won, attempted and lost by product and type, our contacts on won deals, why
    deals were lost, and current revenue, white space, play and tier from the current snapshot.
    Computed from the data, never stored: there is no PUT."""
    plan = _plan(request, plan_id)
    ov = account_overview(plan)
    reasons: dict[str, list[Decimal]] = defaultdict(list)
    for loss in ov.losses:
        reasons[loss["reason"]].append(loss["amount"])
    return {
        "plan_id": plan.pk,
        "account_id": plan.account_id,
        "account_name": plan.account.name,
        "rows": [
            {
                "product": r.product,
                "type": r.type,
                "attempted": r.won + r.open + r.lost,
                "won": r.won,
                "won_amount": _money(r.won_amount),
                "open": r.open,
                "open_amount": _money(r.open_amount),
                "lost": r.lost,
                "lost_amount": _money(r.lost_amount),
            }
            for r in ov.rows
        ],
        "won_contacts": ov.won_contacts,
        "losses": [{**loss, "amount": _money(loss["amount"])} for loss in ov.losses],
        "loss_reasons": [
            {"reason": reason, "deals": len(amounts), "amount": _money(sum(amounts, Decimal(0)))}
            for reason, amounts in sorted(reasons.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ],
        "current_revenue": ov.current_revenue,
        "whitespace_value": ov.whitespace_value,
        "play": ov.play,
        "tier": ov.tier,
        "whitespace": [
            {
                **cell,
                "current_revenue": _money(cell["current_revenue"]),
                "potential": _money(cell["potential"]),
                "whitespace_value": _money(cell["whitespace_value"]),
            }
            for cell in ov.whitespace
        ],
        "as_of": ov.as_of,
    }


@router.get(
    "/plans/{plan_id}/prospecting/plan",
    response={200: ProspectingPlanOut, **DETAIL_ERRORS},
    summary="Get the prospecting plan (computed)",
)
def prospecting_plan(
    request: HttpRequest, plan_id: ObjectId, on: IsoDate | None = None
) -> dict[str, Any]:
    """The prospecting section's inputs (blanks drawn from the data), the plan they give —
    growth target, gap, deals, opportunities, prospects, pipeline start — the actuals in the
    period and the pace at ``on`` (default today). Edit the inputs with
    ``PUT /plans/{id}/sections/prospecting``."""
    user = api_user(request)
    plan = _plan(request, plan_id)
    section = section_of(plan, SectionKey.PROSPECTING)
    view = prospecting_view(user, plan, section.data, on or dt.date.today())
    drawn = sorted(k for k, v in view.sources.items() if v == "from the data")
    from_goal_build = sorted(k for k, v in view.sources.items() if v == "from the goal build")
    inputs = {
        k: (_money(v) if k in MONEY_INPUTS else v) for k, v in view.inputs.items() if v is not None
    }
    result = view.result
    return {
        "plan_id": plan.pk,
        "section_version": section.version,
        "inputs": inputs,
        "from_data": drawn,
        "from_goal_build": from_goal_build,
        "objective": _money(view.objective),
        "period_start": view.period_start,
        "period_end": view.period_end,
        "plan": None
        if result is None
        else {
            "growth_target": _money(result.growth_target),
            "gap": _money(result.gap),
            "deals": result.deals,
            "opportunities": result.opportunities,
            "prospects": result.prospects,
            "period_months": result.period_months,
            "lead_months": result.lead_months,
            "pipeline_start": result.pipeline_start,
        },
        "actual": view.actual,
        "attainment": None if view.attainment is None else view.attainment.as_dict(),
        "error": view.error,
    }


# The performance dashboard's endpoints live in their own module, on this router.
from accountplan.plans import api_performance  # noqa: E402, F401

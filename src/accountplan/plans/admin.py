"""Admin for plans: read the history and the sections, fix a plan's owner, period or status.

History is append-only and written only by the plans services (``services.py``,
``plan_writes.py``): revisions and section content are read-only here (no add, change or
delete), plans are started in the app, and a change to a plan's fields goes through
``plan_writes.update_plan`` so it is recorded like any other.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from accountplan.core.errors import DomainError
from accountplan.plans.models import AccountPlan, PlanMember, PlanRevision, PlanSection


class PlanMemberInline(admin.TabularInline[PlanMember, AccountPlan]):
    model = PlanMember
    extra = 0
    raw_id_fields = ("user",)


@admin.register(AccountPlan)
class AccountPlanAdmin(admin.ModelAdmin[AccountPlan]):
    list_display = ("account", "period", "owner", "status", "updated_at")
    list_filter = ("status", "period")
    search_fields = ("account__name", "period")
    raw_id_fields = ("account", "owner", "cloned_from")
    readonly_fields = ("account", "cloned_from", "created_at", "updated_at")
    inlines = (PlanMemberInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Plans are started in the app (``plan_writes.create_plan`` records the creation)."""
        return False

    def save_model(self, request: HttpRequest, obj: AccountPlan, form: Any, change: bool) -> None:
        """Period, status and owner change through the service, which records a revision."""
        from accountplan.plans.plan_writes import update_plan

        stored = AccountPlan.objects.get(pk=obj.pk)
        period, status, owner = obj.period, obj.status, obj.owner
        # Put the stored values back: only the service writes them.
        obj.period, obj.status, obj.owner = stored.period, stored.status, stored.owner
        try:
            update_plan(
                stored,
                request.user,  # type: ignore[arg-type]
                period=period,
                status=status,
                owner=owner,
            )
        except DomainError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Rows written only by the plans services: listed and shown, never added, changed, deleted."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PlanSection)
class PlanSectionAdmin(ReadOnlyAdmin):
    list_display = ("plan", "key", "version", "updated_by", "updated_at")
    list_filter = ("key",)
    search_fields = ("plan__account__name",)


@admin.register(PlanRevision)
class PlanRevisionAdmin(ReadOnlyAdmin):
    list_display = ("plan", "key", "version", "author", "created_at", "summary")
    list_filter = ("key",)
    search_fields = ("plan__account__name", "summary")

"""Admin for plans: read the history, fix an owner or a status; sections are edited in the app."""

from __future__ import annotations

from django.contrib import admin

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
    inlines = (PlanMemberInline,)


@admin.register(PlanSection)
class PlanSectionAdmin(admin.ModelAdmin[PlanSection]):
    list_display = ("plan", "key", "version", "updated_by", "updated_at")
    list_filter = ("key",)
    search_fields = ("plan__account__name",)
    raw_id_fields = ("plan", "updated_by")
    readonly_fields = ("version",)


@admin.register(PlanRevision)
class PlanRevisionAdmin(admin.ModelAdmin[PlanRevision]):
    list_display = ("plan", "key", "version", "author", "created_at", "summary")
    list_filter = ("key",)
    search_fields = ("plan__account__name", "summary")
    raw_id_fields = ("plan", "author", "restored_from")

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        """History is written by the app only."""
        return False

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accountplan.core.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Users with their role, title, territory and manager."""

    list_display = ("username", "first_name", "last_name", "email", "role", "territory", "manager")
    list_filter = ("role", "territory", "is_active", "is_staff")
    search_fields = ("username", "first_name", "last_name", "email", "external_id")
    autocomplete_fields = ("manager",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (
            "Sales organisation",
            {"fields": ("role", "title", "territory", "manager", "external_id")},
        ),
    )

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from accountplan.core.models import ApiToken, LoginFailure, User
from accountplan.core.tokens import create_token


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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API tokens: create one (the secret is shown once, in the message), see use, revoke."""

    list_display = ("name", "user", "prefix", "created", "last_used", "expires")
    list_filter = ("created", "last_used")
    search_fields = ("name", "prefix", "user__username")
    autocomplete_fields = ("user",)
    readonly_fields = ("prefix", "created", "last_used")

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> tuple[str, ...]:
        """Adding asks for user, name and expiry; an existing token also shows its use."""
        if obj is None:
            return ("user", "name", "expires")
        return ("user", "name", "prefix", "created", "last_used", "expires")

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> list[str]:
        """The owner of an existing token cannot change: a new owner needs a new token."""
        return [*self.readonly_fields, "user"] if obj else list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        """A new token gets its secret here; the admin sees it once in the success message."""
        if change:
            super().save_model(request, obj, form, change)
            return
        new = create_token(obj.user, obj.name, expires=obj.expires)
        obj.pk = new.token.pk
        obj.token_hash, obj.prefix, obj.created = (
            new.token.token_hash,
            new.token.prefix,
            new.token.created,
        )
        obj._state.adding = False
        messages.warning(
            request,
            f"Token for {obj.user}: {new.raw} — copy it now, it will not be shown again.",
        )


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Failed sign-ins of the last minutes: deleting an account's rows unlocks it."""

    list_display = ("username", "address", "at")
    search_fields = ("username", "address")
    readonly_fields = ("username", "address", "at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

"""Admin: the rules' thresholds (admins only), findings and runs read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from accountplan.governance.models import Finding, RuleRun, RuleSetting
from accountplan.governance.rules.registry import get, rules


def _is_admin(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_active and (user.is_superuser or getattr(user, "role", "") == "admin"))


class RuleSettingForm(forms.ModelForm[RuleSetting]):
    code = forms.ChoiceField(choices=[])

    class Meta:
        model = RuleSetting
        fields = ["code", "enabled", "thresholds"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [(r.code, f"{r.code}: {r.label}") for r in rules()]  # type: ignore[attr-defined]
        self.fields["thresholds"].help_text = "Defaults: " + "; ".join(
            f"{r.code} {r.defaults}" for r in rules() if r.defaults
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rule = get(data.get("code", ""))
        values = data.get("thresholds") or {}
        if rule is not None and isinstance(values, dict):
            unknown = sorted(set(values) - set(rule.defaults))
            if unknown:
                self.add_error(
                    "thresholds",
                    f"{rule.code} has no threshold {', '.join(unknown)} "
                    f"(it has: {', '.join(rule.defaults) or 'none'}).",
                )
        return data


@admin.register(RuleSetting)
class RuleSettingAdmin(admin.ModelAdmin[RuleSetting]):
    form = RuleSettingForm
    list_display = ["code", "enabled", "thresholds"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_admin(request)


@admin.register(RuleRun)
class RuleRunAdmin(admin.ModelAdmin[RuleRun]):
    list_display = ["pk", "trigger", "started_at", "finished_at", "opened", "kept", "closed"]
    readonly_fields = [f.name for f in RuleRun._meta.fields]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin[Finding]):
    list_display = ["rule", "severity", "account", "plan", "opened_at", "closed_at"]
    list_filter = ["rule", "severity"]
    readonly_fields = [f.name for f in Finding._meta.fields]
    raw_id_fields = ["account", "plan"]

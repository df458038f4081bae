"""The Django admin for the whole book of business."""

from django.contrib import admin

from accountplan.book import models as m


class BuyingCenterInline(admin.TabularInline):
    model = m.BuyingCenter
    extra = 0


class TeamInline(admin.TabularInline):
    model = m.AccountTeamMember
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(m.Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "external_id",
        "industry",
        "segment",
        "territory",
        "country",
        "owner",
        "status",
    )
    list_filter = ("status", "segment", "industry", "territory")
    search_fields = ("name", "external_id")
    autocomplete_fields = ("parent", "owner")
    inlines = (BuyingCenterInline, TeamInline)


@admin.register(m.BuyingCenter)
class BuyingCenterAdmin(admin.ModelAdmin):
    list_display = ("name", "account", "kind")
    list_filter = ("kind",)
    search_fields = ("name", "account__name")
    autocomplete_fields = ("account",)


@admin.register(m.Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "external_id", "family", "list_price", "active")
    list_filter = ("family", "active")
    search_fields = ("name", "external_id", "family")


@admin.register(m.PotentialOverride)
class PotentialOverrideAdmin(admin.ModelAdmin):
    list_display = ("account", "product", "family", "amount")
    autocomplete_fields = ("account", "product")


class LineItemInline(admin.TabularInline):
    model = m.OpportunityLineItem
    extra = 0
    autocomplete_fields = ("product",)


class ContactRoleInline(admin.TabularInline):
    model = m.OpportunityContactRole
    extra = 0
    autocomplete_fields = ("contact",)


@admin.register(m.Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "account",
        "product",
        "type",
        "stage",
        "status",
        "amount",
        "close_date",
        "owner",
    )
    list_filter = ("status", "type")
    search_fields = ("name", "external_id", "account__name")
    autocomplete_fields = ("account", "buying_center", "product", "owner")
    date_hierarchy = "close_date"
    inlines = (LineItemInline, ContactRoleInline)


@admin.register(m.PurchaseLine)
class PurchaseLineAdmin(admin.ModelAdmin):
    list_display = ("account", "product", "date", "quantity", "amount")
    search_fields = ("account__name", "product__name", "external_id")
    autocomplete_fields = ("account", "buying_center", "product")
    date_hierarchy = "date"


@admin.register(m.Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("full_name", "account", "title", "department", "email")
    search_fields = ("first_name", "last_name", "email", "account__name")
    autocomplete_fields = ("account", "buying_center", "reports_to")


@admin.register(m.Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "subject", "account", "contact", "owner")
    list_filter = ("kind",)
    search_fields = ("subject", "account__name")
    autocomplete_fields = ("account", "contact", "opportunity", "owner")
    date_hierarchy = "date"


@admin.register(m.AccountTeamMember)
class AccountTeamMemberAdmin(admin.ModelAdmin):
    list_display = ("account", "user", "function", "responsibility")
    list_filter = ("function",)
    search_fields = ("account__name", "user__username", "user__last_name")
    autocomplete_fields = ("account", "user")

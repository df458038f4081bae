"""Salesforce round-trip pages (mounted at the root)."""

from django.urls import path

from accountplan.salesforce import views

app_name = "salesforce"
urlpatterns = [
    path("plans/salesforce/export.zip", views.export_zip, name="export"),
    path("plans/salesforce/import/", views.import_page, name="import"),
    path("plans/<int:pk>/salesforce/conflicts/dismiss/", views.dismiss, name="dismiss"),
]

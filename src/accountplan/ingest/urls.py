from django.urls import path

from accountplan.ingest import views

app_name = "ingest"
urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("new/", views.import_new, name="import_new"),
    path("<int:pk>/preview/", views.import_preview, name="import_preview"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/rejects.csv", views.import_rejects, name="import_rejects"),
    path("<int:pk>/report.json", views.import_report_json, name="import_report_json"),
]

from django.urls import path

from accountplan.ingest import views, views_mapping

app_name = "ingest"
urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("new/", views.import_new, name="import_new"),
    path("<int:pk>/preview/", views.import_preview, name="import_preview"),
    path("<int:pk>/mapping/", views_mapping.import_mapping, name="import_mapping"),
    path(
        "<int:pk>/mapping.toml", views_mapping.import_mapping_download, name="import_mapping_toml"
    ),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/rejects.csv", views.import_rejects, name="import_rejects"),
    path("<int:pk>/report.json", views.import_report_json, name="import_report_json"),
    path("mappings/", views_mapping.mapping_list, name="mapping_list"),
    path("mappings/<int:pk>/", views_mapping.mapping_edit, name="mapping_edit"),
    path("mappings/<int:pk>/delete/", views_mapping.mapping_delete, name="mapping_delete"),
    path("mappings/<int:pk>/mapping.toml", views_mapping.mapping_download, name="mapping_toml"),
]

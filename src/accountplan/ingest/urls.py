from django.urls import path

from accountplan.ingest import views

app_name = "ingest"
urlpatterns = [
    path("", views.import_list, name="import_list"),
]

"""The drafting model's settings page (docs/drafts.md, "A model pass")."""

from django.urls import path

from accountplan.drafts import model_views

app_name = "drafting"
urlpatterns = [
    path("settings/drafting-model/", model_views.drafting_model, name="model"),
    path("settings/drafting-model/test/", model_views.drafting_model_test, name="model_test"),
]

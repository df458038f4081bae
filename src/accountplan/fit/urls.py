from django.urls import path

from accountplan.fit import views

app_name = "fit"
urlpatterns = [
    path("opportunities/<int:pk>/fit/", views.opportunity_fit, name="opportunity"),
    path("fit/settings/", views.fit_settings, name="settings"),
    path("fit/settings/fit-scorecard.toml", views.fit_settings_toml, name="settings_toml"),
]

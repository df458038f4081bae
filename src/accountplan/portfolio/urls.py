from django.urls import path

from accountplan.portfolio import views

app_name = "portfolio"
urlpatterns = [
    path("whitespace/", views.whitespace_map, name="whitespace"),
    path("whitespace/cell/", views.whitespace_cell, name="whitespace_cell"),
    path("whitespace/export.<str:fmt>", views.whitespace_export, name="whitespace_export"),
    path("grid/", views.grid, name="grid"),
    path("grid/export.<str:fmt>", views.grid_export, name="grid_export"),
    path("scorecard/", views.scorecard, name="scorecard"),
    path("scorecard/scorecard.toml", views.scorecard_toml, name="scorecard_toml"),
    path("rescore/", views.rescore, name="rescore"),
]

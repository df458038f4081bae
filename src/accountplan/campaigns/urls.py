from django.urls import path

from accountplan.campaigns import edit_views, views

app_name = "campaigns"

urlpatterns = [
    path("campaigns/", views.campaign_list, name="list"),
    path("campaigns/new/", views.campaign_new, name="new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="detail"),
    path("campaigns/<int:pk>/edit/", edit_views.campaign_edit, name="edit"),
    path("campaigns/<int:pk>/delete/", edit_views.campaign_delete, name="delete"),
    path("campaigns/<int:pk>/launch/", views.campaign_launch, name="launch"),
    path("campaigns/<int:pk>/late-joins/", views.campaign_late_joins, name="late_joins"),
    path("campaigns/<int:pk>/recompute/", views.campaign_recompute, name="recompute"),
    path("campaigns/<int:pk>/contacts.<str:fmt>", views.campaign_export, name="export"),
    path("campaigns/<int:pk>/influence.csv", views.campaign_influence, name="influence"),
]

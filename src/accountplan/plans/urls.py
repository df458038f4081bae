"""Account plan pages (mounted at ``/plans/``)."""

from django.urls import path

from accountplan.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/sections/<slug:key>/", views.section, name="section"),
    path("<int:pk>/goals/white-space/", views.add_white_space, name="add_white_space"),
    path("<int:pk>/status/", views.change_status, name="status"),
    path("<int:pk>/clone/", views.clone, name="clone"),
    path("<int:pk>/deals/<int:opportunity_id>/link/", views.link_deal, name="link_deal"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/history/compare/", views.compare, name="compare"),
    path("<int:pk>/history/<int:rid>/", views.revision_detail, name="revision"),
    path("<int:pk>/history/<int:rid>/restore/", views.restore, name="restore"),
    path("<int:pk>/export/<slug:fmt>/", views.export, name="export"),
]

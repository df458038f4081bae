"""Sharing pages: the owner's under ``/plans/<pk>/sharing/``; the customer's, by token only,
under ``/s/<token>/``."""

from django.urls import path

from accountplan.sharing import customer_joint, customer_views, joint_views, views

app_name = "sharing"
urlpatterns = [
    path("plans/<int:pk>/sharing/", views.sharing_page, name="plan"),
    path("plans/<int:pk>/sharing/visibility/", views.visibility, name="visibility"),
    path("plans/<int:pk>/sharing/publish/", views.publish, name="publish"),
    path("plans/<int:pk>/sharing/preview/", views.preview, name="preview"),
    path("plans/<int:pk>/sharing/links/", views.link_create, name="link_create"),
    path(
        "plans/<int:pk>/sharing/links/<int:link_id>/revoke/",
        views.link_revoke,
        name="link_revoke",
    ),
    path("plans/<int:pk>/sharing/comments/", views.answer, name="answer"),
    path(
        "plans/<int:pk>/sharing/expectations/", joint_views.expectations_page, name="expectations"
    ),
    path(
        "plans/<int:pk>/sharing/expectations/ours/",
        joint_views.expectations_ours,
        name="expectations_ours",
    ),
    path(
        "plans/<int:pk>/sharing/expectations/open/",
        joint_views.expectations_open,
        name="expectations_open",
    ),
    path(
        "plans/<int:pk>/sharing/expectations/start/",
        joint_views.expectations_start,
        name="expectations_start",
    ),
    path(
        "plans/<int:pk>/sharing/expectations/review/",
        joint_views.expectations_review,
        name="expectations_review",
    ),
    path("plans/<int:pk>/sharing/scorecard/", joint_views.scorecard_page, name="scorecard"),
    path(
        "plans/<int:pk>/sharing/scorecard.<str:fmt>",
        joint_views.scorecard_download,
        name="scorecard_download",
    ),
    path("s/<str:token>/", customer_views.page, name="customer_page"),
    path(
        "s/<str:token>/expectations/",
        customer_joint.write_expectations,
        name="customer_expectations",
    ),
    path("s/<str:token>/scorecard/metrics/", customer_joint.write_metrics, name="customer_metrics"),
    path("s/<str:token>/scorecard/scores/", customer_joint.write_scores, name="customer_scores"),
    path("s/<str:token>/code/", customer_views.code, name="customer_code"),
    path("s/<str:token>/comments/", customer_views.comment, name="customer_comment"),
    path("s/<str:token>/actions/<str:item_id>/", customer_views.action, name="customer_action"),
    path("s/<str:token>/shared.json", customer_views.data_json, name="customer_json"),
    path("s/<str:token>/shared.md", customer_views.data_markdown, name="customer_markdown"),
]

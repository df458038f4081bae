"""Draft pages (htmx fragments on the plan page): draft a section or the whole plan, accept."""

from django.urls import path

from accountplan.drafts import views

app_name = "drafts"
urlpatterns = [
    path("plans/<int:pk>/draft/", views.draft, name="draft"),
    path("drafts/<int:pk>/accept/", views.accept, name="accept"),
]

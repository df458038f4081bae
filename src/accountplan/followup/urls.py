from django.urls import path

from accountplan.followup import views

app_name = "followup"

urlpatterns = [
    path("plans/<int:pk>/reviews/", views.plan_reviews, name="plan_reviews"),
    path("lost-deals/<int:pk>/", views.micro_plan, name="micro_plan"),
    path("lost-deals/<int:pk>/re-engage/", views.reengage_view, name="reengage"),
    path("win-back/", views.winback_report, name="winback"),
    path("number/", views.number_page, name="number"),
]

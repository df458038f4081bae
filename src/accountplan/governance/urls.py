from django.urls import path

from accountplan.governance import views

app_name = "governance"

urlpatterns = [
    path("findings/<int:pk>/snooze/", views.snooze, name="snooze"),
]

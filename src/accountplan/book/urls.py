from django.urls import path

from accountplan.book import activity_log, search_views, views

app_name = "book"
urlpatterns = [
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/activities/", activity_log.log_activity, name="log_activity"),
    path("accounts/choices/", views.account_choices, name="account_choices"),
    path("search/", search_views.search_page, name="search"),
    path("search/suggest/", search_views.search_suggest, name="search_suggest"),
    path("products/", views.product_list, name="product_list"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="opportunity_detail"),
]

"""URL map: pages per feature folder, the JSON API under /api/, the admin under /admin/."""

from django.contrib import admin
from django.urls import include, path

from accountplan.config.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("imports/", include("accountplan.ingest.urls")),
    path("", include("accountplan.salesforce.urls")),
    path("plans/", include("accountplan.plans.urls")),
    path("", include("accountplan.drafts.urls")),
    path("", include("accountplan.sharing.urls")),
    path("", include("accountplan.governance.urls")),
    path("", include("accountplan.followup.urls")),
    path("", include("accountplan.campaigns.urls")),
    path("", include("accountplan.fit.urls")),
    path("", include("accountplan.drafts.model_urls")),
    path("", include("accountplan.book.urls")),
    path("", include("accountplan.portfolio.urls")),
    path("", include("accountplan.core.urls")),
]

handler400 = "accountplan.core.error_views.bad_request"
handler403 = "accountplan.core.error_views.permission_denied"
handler404 = "accountplan.core.error_views.page_not_found"
handler500 = "accountplan.core.error_views.server_error"

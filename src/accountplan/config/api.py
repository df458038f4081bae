"""The JSON API (django-ninja): OpenAPI at /api/openapi.json, interactive docs at /api/docs.

Every operation needs a signed-in session or a bearer token (see ``core.api_auth``). The docs page
is Swagger UI served from django-ninja's own static files (``/static/ninja/``): no CDN, so it works
offline. That needs ``"ninja"`` in ``INSTALLED_APPS`` (templates and static files of the package).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.openapi.docs import Swagger

from accountplan.book.api import router as book_router
from accountplan.campaigns.api import router as campaigns_router
from accountplan.core.api import router as people_router
from accountplan.core.api_auth import default_auth
from accountplan.core.errors import DomainError
from accountplan.drafts.api import router as drafts_router
from accountplan.drafts.model_api import router as drafting_model_router
from accountplan.exports.api import router as exports_router
from accountplan.fit.api import router as fit_router
from accountplan.followup.api import router as followup_router
from accountplan.governance.api import router as governance_router
from accountplan.plans.api import router as plans_router
from accountplan.portfolio.api import router as analytics_router
from accountplan.portfolio.campaign_api import router as campaign_router
from accountplan.salesforce.api import router as salesforce_router
from accountplan.sharing.api import router as sharing_router

api = NinjaAPI(
    title="accountplan API",
    version="1",
    description=(
        "The book of business, read-only. Authenticate with the browser session or with "
        "`Authorization: Bearer <token>` (create one with `accountplan token create USERNAME "
        "--name NAME`). Lists take `limit` (1-200, default 50) and `offset` and return "
        "`{items, count, limit, offset}`. Money is a decimal string, dates are ISO 8601. "
        "Objects you may not see answer 404."
    ),
    urls_namespace="api",
    auth=default_auth,
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
)

UNAUTHORIZED = (
    "Authentication required: sign in to the web app (session cookie), or send "
    "'Authorization: Bearer <token>' with a valid, unexpired API token."
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """A problem the caller can fix, with the status it carries: ``{"detail": message}``."""
    return api.create_response(request, {"detail": exc.message}, status=exc.status)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    """401 that says how to authenticate."""
    response = api.create_response(request, {"detail": UNAUTHORIZED}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="accountplan"'
    return response


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own HTTP errors (e.g. the CSRF check) with a message that says what to fix."""
    message = str(exc)
    if exc.status_code == 403 and "CSRF" in message:
        message = (
            "CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header, "
            "or use a bearer token instead of the session."
        )
    response = api.create_response(request, {"detail": message}, status=exc.status_code)
    if exc.status_code == 401:
        response["WWW-Authenticate"] = 'Bearer realm="accountplan"'
    return response


api.add_router("/", people_router)
api.add_router("/", book_router)
api.add_router("/", analytics_router)
api.add_router("/", plans_router)
api.add_router("/", exports_router)
api.add_router("/", campaign_router)
api.add_router("/", governance_router)
api.add_router("/", followup_router)
api.add_router("/", campaigns_router)
api.add_router("/", fit_router)
api.add_router("/", sharing_router)
api.add_router("/", drafting_model_router)
api.add_router("/", drafts_router)
api.add_router("/", salesforce_router)

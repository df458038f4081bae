"""Error pages: HTML for people, JSON ``{"detail": …}`` for anything under /api/.

Operations of the API answer their own errors (``config.api``); these cover what happens
before or around them: a path with no operation (404), an exception no handler caught (500),
a refused request (400, 403). The API's documented shape holds for every /api/ response.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"

MESSAGES = {
    400: "Bad request: the request could not be read. Check its URL, headers and body.",
    403: "Forbidden: you may not do this with your account's role.",
    404: "No API operation at this path: see /api/docs for the list.",
    500: (
        "Server error: the request failed on our side and was logged. Try again; if it keeps "
        "failing, tell your administrator the time it happened."
    ),
}


def _api(request: HttpRequest, status: int) -> HttpResponse | None:
    if not request.path.startswith(API_PREFIX):
        return None
    return JsonResponse({"detail": MESSAGES[status]}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _api(request, 400) or defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _api(request, 403) or defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _api(request, 404) or defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    return _api(request, 500) or defaults.server_error(request)

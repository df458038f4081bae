"""Home page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The front door: what needs my attention (``governance.views.home``)."""
    from accountplan.governance.views import home as attention_home

    return attention_home(request)

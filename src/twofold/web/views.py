"""Views that belong to no domain: the health check a load balancer or a benchmark polls."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Answer ``ok`` without touching the database: the process is up and serving."""
    return HttpResponse("ok", content_type="text/plain")

"""A liveness endpoint for load balancers and compose health checks: answers when the DB does."""

from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse

PATH = "/healthz"


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


class HealthCheckMiddleware:
    """Answers /healthz before the host check and the HTTPS redirect.

    The container's own probe (docker-compose.yml) asks http://127.0.0.1:8000/healthz: that
    host is not in ALLOWED_HOSTS (the site's name is) and the request is not HTTPS, so further
    down it would get a 400 or a redirect and the service would never turn healthy.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == PATH:
            return healthz(request)
        return self.get_response(request)

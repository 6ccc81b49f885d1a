"""The request's part of the audit trail: who is asking and through which path (regions.audit)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from regions import audit


class AuditMiddleware:
    """Every write made while a request is served is recorded with its user and path (the
    user is read when a change is recorded, so the API's token user counts too)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit.in_request(request):
            return self.get_response(request)

"""Every error under /api/ in the API's error body, also those no DRF view answered.

DRF's exception handler (screening.api.errors) covers what its views raise and recognise.
What it does not recognise is re-raised to Django, and some errors never reach a view at all
(a bad Host header, a body over Django's limits, a failing middleware): Django answers those
with its HTML pages, or with the debug page when DEBUG is on. A client of the API must not
have to parse HTML, so this middleware, placed first, answers them in the same JSON body:

- an exception raised by a view is turned into its status (404, 403, 413, 400, else 500) and
  logged as Django would log it (an unexpected one with its traceback, and the
  got_request_exception signal, so error reports and the test client still see it);
- any other error response under /api/ that is not JSON is replaced by the body for its status.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core import signals
from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.http import Http404, HttpRequest, HttpResponseBase, JsonResponse
from django.http.multipartparser import MultiPartParserError

from screening.api.errors import body_for_status

API_PREFIX = "/api/"

request_logger = logging.getLogger("django.request")


class ApiErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if is_api(request) and response.status_code >= 400 and not is_json(response):
            return error_response(response.status_code, headers_kept_from(response))
        return response

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponseBase | None:
        if not is_api(request):
            return None
        code = status_of(exc)
        if code >= 500:
            signals.got_request_exception.send(sender=type(self), request=request)
            request_logger.error(
                "Internal Server Error: %s",
                request.path,
                exc_info=exc,
                extra={"status_code": code, "request": request},
            )
        elif code in {400, 413}:
            logging.getLogger(f"django.security.{type(exc).__name__}").error(
                "%s: %s", exc, request.path, extra={"status_code": code, "request": request}
            )
        return error_response(code)


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def is_json(response: HttpResponseBase) -> bool:
    return "json" in response.get("Content-Type", "")


def status_of(exc: Exception) -> int:
    """The status Django would give the exception, but 413 for a body over the limit."""
    if isinstance(exc, Http404):
        return 404
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, RequestDataTooBig):
        return 413
    if isinstance(exc, SuspiciousOperation | BadRequest | MultiPartParserError):
        return 400
    return 500


def headers_kept_from(response: HttpResponseBase) -> dict[str, str]:
    """Headers that still mean something for the error (Allow on 405, Retry-After on 429…)."""
    wanted = ("Allow", "Retry-After", "WWW-Authenticate", "Vary")
    return {name: response[name] for name in wanted if response.has_header(name)}


def error_response(code: int, headers: dict[str, str] | None = None) -> JsonResponse:
    return JsonResponse(body_for_status(code), status=code, headers=headers)

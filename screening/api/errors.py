"""One error body for every API failure: {"error": {"code", "message", "fields"}}.

DRF's own exceptions, Django's ValidationError raised by the write services, 404s and
protected deletes all end up in the same shape, so a client handles errors in one place.
`fields` maps a field name (dotted for nested input, e.g. ``members.1.industry``) to its
messages; errors not tied to one field are under ``non_field_errors``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF EXCEPTION_HANDLER: translate known exceptions into the one error body.

    Anything not recognised returns None, so Django reports it as a server error.
    """
    exc = _as_api_exception(exc)
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    response.data = error_body(exc)
    return response


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(_django_error_dict(exc))
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, ProtectedError | RestrictedError):
        return Conflict(_protected_message(exc))
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, SuspiciousOperation | BadRequest):
        return BadRequestError()
    return exc


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the data."
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "too_large"


class BadRequestError(exceptions.APIException):
    """A request Django refused before any field was read (bad host, too many fields…)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = gettext_lazy("The request could not be understood.")
    default_code = "bad_request"


class ServerError(exceptions.APIException):
    default_detail = gettext_lazy("Something went wrong on the server; it has been logged.")
    default_code = "server_error"


# Errors answered outside DRF's views (Django's own 400/403/404/500 pages, other middleware),
# rewritten into the error body by status: screening.api.middleware.
_BY_STATUS: dict[int, tuple[str, Any]] = {
    400: (BadRequestError.default_code, BadRequestError.default_detail),
    401: (exceptions.NotAuthenticated.default_code, exceptions.NotAuthenticated.default_detail),
    403: (exceptions.PermissionDenied.default_code, exceptions.PermissionDenied.default_detail),
    404: (exceptions.NotFound.default_code, exceptions.NotFound.default_detail),
    405: ("method_not_allowed", gettext_lazy("This method is not allowed here.")),
    406: (exceptions.NotAcceptable.default_code, exceptions.NotAcceptable.default_detail),
    413: (PayloadTooLarge.default_code, PayloadTooLarge.default_detail),
    415: ("unsupported_media_type", gettext_lazy("This media type is not supported here.")),
    429: (exceptions.Throttled.default_code, exceptions.Throttled.default_detail),
}


def body_for_status(code: int) -> dict[str, Any]:
    """The error body for an HTTP error status, when no exception says more."""
    fallback = ServerError if code >= 500 else BadRequestError
    name, message = _BY_STATUS.get(code, (fallback.default_code, fallback.default_detail))
    return _body(str(name), force_str(message), {})


def error_body(exc: exceptions.APIException) -> dict[str, Any]:
    """The body of an error response for a DRF exception."""
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten_detail(exc.detail)
        return _body("invalid", _first_message(fields), fields)
    code = _code_of(exc)
    return _body(code, force_str(exc.detail), {})


def _body(code: str, message: str, fields: dict[str, list[str]]) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields}}


def _code_of(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def flatten_detail(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """{"members": [{}, {"industry": ["bad"]}]} -> {"members.1.industry": ["bad"]}."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(flatten_detail(value, name))
        return out
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        out = {}
        for i, item in enumerate(detail):
            out.update(flatten_detail(item, f"{prefix}.{i}" if prefix else str(i)))
        return out
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or NON_FIELD: [force_str(m) for m in messages]} if messages else {}


def _first_message(fields: dict[str, list[str]]) -> str:
    for name, messages in fields.items():
        if messages:
            return messages[0] if name == NON_FIELD else f"{name}: {messages[0]}"
    return _("Invalid input.")


def _django_error_dict(exc: DjangoValidationError) -> dict[str, list[str]] | list[str]:
    if not hasattr(exc, "error_dict"):
        return [force_str(m) for m in exc.messages]
    return {
        (NON_FIELD if name == "__all__" else name): [force_str(m) for m in messages]
        for name, messages in exc.message_dict.items()
    }


def _protected_message(exc: ProtectedError | RestrictedError) -> str:
    objects = list(
        exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
    )
    names = sorted({str(type(o)._meta.verbose_name_plural) for o in objects})
    return _("Still in use by %(what)s; remove or move those first.") % {
        "what": ", ".join(names) or _("other records")
    }


@csrf_exempt  # it changes nothing; CSRF's HTML 403 would hide the API's own 404
def not_found(request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
    """Any other path under /api/: a 404 in the same body, not Django's HTML page."""
    body = _body("not_found", force_str(exceptions.NotFound.default_detail), {})
    return JsonResponse(body, status=status.HTTP_404_NOT_FOUND)
